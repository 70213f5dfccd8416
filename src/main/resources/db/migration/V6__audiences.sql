-- Rule tags and segments kept true in real time (issue 4): history, the internal change log,
-- segment status and size over time, and each profile's next time-relative wake-up.

ALTER TABLE segments
    ADD COLUMN status      text        NOT NULL DEFAULT 'BUILDING' CHECK (status IN ('BUILDING', 'READY', 'FAILED')),
    ADD COLUMN version     integer     NOT NULL DEFAULT 1,
    ADD COLUMN computed_at timestamptz,
    ADD COLUMN failure     text;

ALTER TABLE tags
    ADD COLUMN status      text        NOT NULL DEFAULT 'READY' CHECK (status IN ('BUILDING', 'READY', 'FAILED')),
    ADD COLUMN version     integer     NOT NULL DEFAULT 1,
    ADD COLUMN computed_at timestamptz,
    ADD COLUMN failure     text;

-- When each tag was added or removed from a profile, and why.
CREATE TABLE tag_history (
    workspace_id uuid        NOT NULL,
    seq          bigint      GENERATED ALWAYS AS IDENTITY,
    tag          text        NOT NULL,
    profile_id   uuid        NOT NULL,
    action       text        NOT NULL CHECK (action IN ('ADDED', 'REMOVED')),
    source       text        NOT NULL CHECK (source IN ('MANUAL', 'RULE', 'IMPORT', 'MERGE', 'ERASURE')),
    at           timestamptz NOT NULL,
    PRIMARY KEY (workspace_id, seq)
);
CREATE INDEX tag_history_profile_idx ON tag_history (workspace_id, profile_id, seq);
CREATE INDEX tag_history_tag_idx ON tag_history (workspace_id, tag, seq);

-- One row per stay in a segment; exited_at is null while the profile is a member.
CREATE TABLE segment_membership_history (
    workspace_id uuid        NOT NULL,
    segment_id   uuid        NOT NULL,
    profile_id   uuid        NOT NULL,
    entered_at   timestamptz NOT NULL,
    exited_at    timestamptz,
    PRIMARY KEY (workspace_id, segment_id, profile_id, entered_at)
);
CREATE INDEX segment_membership_history_profile_idx ON segment_membership_history (workspace_id, profile_id);

-- The internal log of audience changes (segment entered/exited, rule tag added/removed), read by
-- journeys and outbound webhooks with a cursor on seq.
CREATE TABLE audience_changes (
    seq          bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    workspace_id uuid        NOT NULL,
    kind         text        NOT NULL CHECK (kind IN ('SEGMENT', 'TAG')),
    audience     text        NOT NULL,
    profile_id   uuid        NOT NULL,
    change       text        NOT NULL CHECK (change IN ('ENTERED', 'EXITED')),
    at           timestamptz NOT NULL
);
CREATE INDEX audience_changes_workspace_idx ON audience_changes (workspace_id, seq);

CREATE TABLE segment_sizes (
    workspace_id uuid        NOT NULL,
    segment_id   uuid        NOT NULL,
    at           timestamptz NOT NULL,
    size         bigint      NOT NULL,
    PRIMARY KEY (workspace_id, segment_id, at)
);

-- The next instant a profile's time-relative audience conditions may change (see ConditionTimeline).
CREATE TABLE profile_wakeups (
    workspace_id uuid        NOT NULL,
    profile_id   uuid        NOT NULL,
    wake_at      timestamptz NOT NULL,
    PRIMARY KEY (workspace_id, profile_id)
);
CREATE INDEX profile_wakeups_due_idx ON profile_wakeups (wake_at);
