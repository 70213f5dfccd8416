-- Profiles, identities, the event store and merge history (issue 3).

CREATE TABLE profiles (
    workspace_id     uuid        NOT NULL REFERENCES workspaces (id),
    id               uuid        NOT NULL,
    traits           jsonb       NOT NULL DEFAULT '{}'::jsonb,
    -- When each trait was last set, by event time: a late event never overwrites a newer value.
    trait_times      jsonb       NOT NULL DEFAULT '{}'::jsonb,
    first_seen_at    timestamptz,
    last_seen_at     timestamptz,
    first_order_at   timestamptz,
    last_order_at    timestamptz,
    order_count      integer     NOT NULL DEFAULT 0,
    gross_revenue    numeric(18, 4) NOT NULL DEFAULT 0,
    refunded         numeric(18, 4) NOT NULL DEFAULT 0,
    lifetime_revenue numeric(18, 4) GENERATED ALWAYS AS (gross_revenue - refunded) STORED,
    average_order_value numeric(18, 4) GENERATED ALWAYS AS
        (CASE WHEN order_count > 0 THEN round((gross_revenue - refunded) / order_count, 4) END) STORED,
    average_order_interval_days double precision GENERATED ALWAYS AS
        (CASE WHEN order_count > 1 THEN extract(epoch FROM (last_order_at - first_order_at)) / 86400.0 / (order_count - 1) END) STORED,
    cart             jsonb       NOT NULL DEFAULT '[]'::jsonb,
    cart_value       numeric(18, 4) NOT NULL DEFAULT 0,
    cart_updated_at  timestamptz,
    -- productId -> {"at": last view, "name": ...}, and productId -> last purchase time
    viewed_products  jsonb       NOT NULL DEFAULT '{}'::jsonb,
    purchased_products jsonb     NOT NULL DEFAULT '{}'::jsonb,
    -- channel -> last activity time (web, mobile, server, line, email, sms, store, ...)
    channel_activity jsonb       NOT NULL DEFAULT '{}'::jsonb,
    rfm_recency      smallint,
    rfm_frequency    smallint,
    rfm_monetary     smallint,
    created_at       timestamptz NOT NULL,
    updated_at       timestamptz NOT NULL,
    PRIMARY KEY (workspace_id, id)
);

CREATE TABLE identities (
    workspace_id uuid        NOT NULL REFERENCES workspaces (id),
    type         text        NOT NULL,
    value        text        NOT NULL,
    profile_id   uuid        NOT NULL,
    created_at   timestamptz NOT NULL,
    PRIMARY KEY (workspace_id, type, value)
);
CREATE INDEX identities_profile_idx ON identities (workspace_id, profile_id);

CREATE TABLE profile_merges (
    workspace_id uuid        NOT NULL REFERENCES workspaces (id),
    id           uuid        NOT NULL,
    survivor_id  uuid        NOT NULL,
    merged_id    uuid        NOT NULL,
    -- BLOCKED rows record merges the workspace's rules refused.
    outcome      text        NOT NULL CHECK (outcome IN ('MERGED', 'BLOCKED')),
    reason       text        NOT NULL,
    identities   jsonb       NOT NULL DEFAULT '[]'::jsonb,
    merged_at    timestamptz NOT NULL,
    PRIMARY KEY (workspace_id, id)
);
CREATE INDEX profile_merges_survivor_idx ON profile_merges (workspace_id, survivor_id);
CREATE INDEX profile_merges_merged_idx ON profile_merges (workspace_id, merged_id);

-- Per-workspace identity rules; absent means the defaults (see IdentityRules).
CREATE TABLE identity_rules (
    workspace_id uuid        PRIMARY KEY REFERENCES workspaces (id),
    rules        jsonb       NOT NULL,
    updated_at   timestamptz NOT NULL
);

-- messageId dedupe: one row per accepted message, whatever its event time.
CREATE TABLE event_dedupe (
    workspace_id uuid        NOT NULL,
    message_id   text        NOT NULL,
    received_at  timestamptz NOT NULL,
    PRIMARY KEY (workspace_id, message_id)
);

-- The append-only event store, partitioned by event time. Monthly partitions are created ahead
-- by EventPartitions; the default partition catches anything outside them.
CREATE TABLE events (
    workspace_id uuid        NOT NULL,
    id           uuid        NOT NULL,
    profile_id   uuid        NOT NULL,
    message_id   text        NOT NULL,
    type         text        NOT NULL,
    name         text,
    occurred_at  timestamptz NOT NULL,
    received_at  timestamptz NOT NULL,
    sent_at      timestamptz,
    user_id      text,
    anonymous_id text,
    channel      text,
    properties   jsonb       NOT NULL DEFAULT '{}'::jsonb,
    traits       jsonb,
    context      jsonb,
    PRIMARY KEY (workspace_id, id, occurred_at)
) PARTITION BY RANGE (occurred_at);
CREATE TABLE events_default PARTITION OF events DEFAULT;
CREATE INDEX events_profile_time_idx ON events (workspace_id, profile_id, occurred_at DESC);
CREATE INDEX events_name_time_idx ON events (workspace_id, name, occurred_at);

-- GDPR erasure: identifiers that must not silently create a profile again (hashed).
CREATE TABLE suppressions (
    workspace_id uuid        NOT NULL REFERENCES workspaces (id),
    type         text        NOT NULL,
    value_hash   bytea       NOT NULL,
    profile_id   uuid        NOT NULL,
    created_at   timestamptz NOT NULL,
    PRIMARY KEY (workspace_id, type, value_hash)
);
