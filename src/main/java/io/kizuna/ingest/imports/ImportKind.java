package io.kizuna.ingest.imports;

public enum ImportKind {
    /** One row per person: traits and identities, stored as identify calls. */
    PROFILES,
    /** One row per event, stored as track calls. */
    EVENTS
}
