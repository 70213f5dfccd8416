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

-- Whether the profile has an event of that name in [from, to]: what a preview asks the event store
-- when the profile's last event of the name is dated after the window (a future-dated event). As a
-- PL/pgSQL function it is not inlined into a subquery, so the rest of the preview can still scan
-- profiles in parallel; it is called only for the rare profiles that reach it.
CREATE FUNCTION kizuna_event_between(workspace uuid, profile uuid, event_name text, from_at timestamptz, to_at timestamptz)
    RETURNS boolean LANGUAGE plpgsql STABLE PARALLEL SAFE AS $$
BEGIN
    RETURN EXISTS (SELECT 1 FROM events
                    WHERE workspace_id = workspace AND profile_id = profile AND name = event_name
                      AND occurred_at >= from_at AND occurred_at <= to_at);
END $$;
