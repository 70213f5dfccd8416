-- Tenants and their API keys. Every later table carries workspace_id.
CREATE TABLE workspaces (
    id          uuid        PRIMARY KEY,
    name        text        NOT NULL,
    time_zone   text        NOT NULL,
    status      text        NOT NULL DEFAULT 'ACTIVE' CHECK (status IN ('ACTIVE', 'DISABLED')),
    created_at  timestamptz NOT NULL,
    updated_at  timestamptz NOT NULL,
    disabled_at timestamptz
);

CREATE TABLE api_keys (
    id           uuid        PRIMARY KEY,
    workspace_id uuid        NOT NULL REFERENCES workspaces (id),
    name         text        NOT NULL,
    prefix       text        NOT NULL,
    -- SHA-256 of the whole key; the key itself is shown once and never stored.
    key_hash     bytea       NOT NULL UNIQUE,
    scopes       text[]      NOT NULL,
    created_at   timestamptz NOT NULL,
    revoked_at   timestamptz
);

CREATE INDEX api_keys_workspace_idx ON api_keys (workspace_id, id);
