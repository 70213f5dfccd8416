-- Real-time audiences read, for each changed profile, its events of the few names the active
-- conditions mention (SnapshotLoader), and the cart rebuild reads a profile's cart events. With
-- only (workspace, profile, time) and (workspace, name, time) to choose from, a plan either reads
-- every event of the profile or every event of that name in the workspace; on a table without
-- fresh statistics it picked the latter and read ~86,000 blocks per ingest batch. This index
-- answers "events of this profile named X since T" with one short range per (profile, name).
CREATE INDEX events_profile_name_time_idx ON events (workspace_id, profile_id, name, occurred_at);
