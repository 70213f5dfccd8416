-- Tags, segments and consents: what the condition language reads besides profiles and events (issue 4).

-- A tag is named per workspace; a rule tag carries a condition and is kept true by the engine.
CREATE TABLE tags (
    workspace_id uuid        NOT NULL REFERENCES workspaces (id),
    name         text        NOT NULL,
    description  text,
    kind         text        NOT NULL CHECK (kind IN ('MANUAL', 'RULE')),
    condition    jsonb,
    created_at   timestamptz NOT NULL,
    updated_at   timestamptz NOT NULL,
    PRIMARY KEY (workspace_id, name),
    CHECK ((kind = 'RULE') = (condition IS NOT NULL))
);

-- Current tag assignments; "has tag" reads them by tag, a profile's tags by profile.
CREATE TABLE profile_tags (
    workspace_id uuid        NOT NULL,
    tag          text        NOT NULL,
    profile_id   uuid        NOT NULL,
    source       text        NOT NULL CHECK (source IN ('MANUAL', 'RULE', 'IMPORT')),
    assigned_at  timestamptz NOT NULL,
    PRIMARY KEY (workspace_id, tag, profile_id)
);
CREATE INDEX profile_tags_profile_idx ON profile_tags (workspace_id, profile_id);

CREATE TABLE segments (
    workspace_id uuid        NOT NULL REFERENCES workspaces (id),
    id           uuid        NOT NULL,
    name         text        NOT NULL,
    description  text,
    condition    jsonb       NOT NULL,
    created_at   timestamptz NOT NULL,
    updated_at   timestamptz NOT NULL,
    PRIMARY KEY (workspace_id, id)
);

-- Current (materialized) segment membership.
CREATE TABLE segment_members (
    workspace_id uuid        NOT NULL,
    segment_id   uuid        NOT NULL,
    profile_id   uuid        NOT NULL,
    entered_at   timestamptz NOT NULL,
    PRIMARY KEY (workspace_id, segment_id, profile_id)
);
CREATE INDEX segment_members_profile_idx ON segment_members (workspace_id, profile_id);

-- Consent per channel and topic; topic '' is the channel as a whole.
CREATE TABLE profile_consents (
    workspace_id uuid        NOT NULL,
    profile_id   uuid        NOT NULL,
    channel      text        NOT NULL,
    topic        text        NOT NULL DEFAULT '',
    granted      boolean     NOT NULL,
    source       text,
    updated_at   timestamptz NOT NULL,
    PRIMARY KEY (workspace_id, profile_id, channel, topic)
);
CREATE INDEX profile_consents_topic_idx ON profile_consents (workspace_id, channel, topic, granted);
