package io.kizuna.ingest.imports;

public enum ImportFormat {
    CSV,
    NDJSON
}
