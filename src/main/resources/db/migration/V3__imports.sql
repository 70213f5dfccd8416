-- Bulk imports of profiles and events (CSV or NDJSON), run as resumable jobs.
CREATE TABLE import_jobs (
    workspace_id  uuid        NOT NULL REFERENCES workspaces (id),
    id            uuid        NOT NULL,
    kind          text        NOT NULL CHECK (kind IN ('PROFILES', 'EVENTS')),
    format        text        NOT NULL CHECK (format IN ('CSV', 'NDJSON')),
    mapping       jsonb       NOT NULL DEFAULT '{}'::jsonb,
    status        text        NOT NULL CHECK (status IN ('AWAITING_DATA', 'QUEUED', 'RUNNING', 'COMPLETED', 'FAILED')),
    data          bytea,
    rows_total    integer,
    rows_read     integer     NOT NULL DEFAULT 0,
    rows_imported integer     NOT NULL DEFAULT 0,
    rows_rejected integer     NOT NULL DEFAULT 0,
    -- Checkpoint: the first data row not yet committed. Rows carry deterministic messageIds,
    -- so a chunk redone after a crash is deduplicated, never stored twice.
    next_row      integer     NOT NULL DEFAULT 0,
    locked_until  timestamptz,
    failure       text,
    created_at    timestamptz NOT NULL,
    updated_at    timestamptz NOT NULL,
    started_at    timestamptz,
    finished_at   timestamptz,
    PRIMARY KEY (workspace_id, id)
);
CREATE INDEX import_jobs_runnable_idx ON import_jobs (created_at) WHERE status IN ('QUEUED', 'RUNNING');

CREATE TABLE import_errors (
    workspace_id uuid    NOT NULL,
    job_id       uuid    NOT NULL,
    row_number   integer NOT NULL,
    field        text    NOT NULL,
    message      text    NOT NULL,
    PRIMARY KEY (workspace_id, job_id, row_number, field)
);
