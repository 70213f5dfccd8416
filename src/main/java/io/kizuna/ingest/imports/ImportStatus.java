package io.kizuna.ingest.imports;

public enum ImportStatus {
    AWAITING_DATA,
    QUEUED,
    RUNNING,
    COMPLETED,
    FAILED
}
