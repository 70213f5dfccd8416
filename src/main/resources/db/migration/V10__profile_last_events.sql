-- The time of each profile's last event of every name, as microseconds since 2000-01-01 UTC
-- (PostgreSQL's own timestamp epoch and precision): {"Product Added": 848102400123456, ...}.
-- Kept in the same write as the profile's computed traits, it answers "did X happen since the
-- last Y", "X within the last N days" (when no later X is dated in the future) and "last X ..."
-- without reading the event store (see SqlCompiler); an expression like
-- (p.last_events ->> 'Product Added')::bigint reads it.
ALTER TABLE profiles ADD COLUMN last_events jsonb NOT NULL DEFAULT '{}'::jsonb;

UPDATE profiles p SET last_events = l.last_events
  FROM (SELECT workspace_id, profile_id,
               jsonb_object_agg(name, (extract(epoch FROM last_at - '2000-01-01 00:00:00+00'::timestamptz) * 1000000)::bigint) AS last_events
          FROM (SELECT workspace_id, profile_id, name, max(occurred_at) AS last_at
                  FROM events WHERE name IS NOT NULL GROUP BY workspace_id, profile_id, name) n
         GROUP BY workspace_id, profile_id) l
 WHERE p.workspace_id = l.workspace_id AND p.id = l.profile_id;

-- A profile row is rewritten by every ingest batch that touches it and is about 2 KB wide (traits,
-- cart, viewed products). Half-empty pages let most of those rewrites be HOT updates on the same
-- page (no index entry, prunable at once); full pages sent a quarter of them elsewhere.
ALTER TABLE profiles SET (fillfactor = 50);
