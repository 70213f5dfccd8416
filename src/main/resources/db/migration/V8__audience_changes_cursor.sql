-- The audience change log is read with a cursor. A cursor on seq alone can skip changes: seq is
-- taken when a row is inserted, so a transaction that took seq 5 and commits after another one
-- that took seq 6 becomes visible behind a reader that already moved past 6. Each row now
-- records its transaction id; readers take only rows of transactions older than every
-- transaction still running (pg_snapshot_xmin), in (tx, seq) order. Any row that becomes
-- visible later belongs to a transaction at or above that horizon, so it sorts after the cursor.
ALTER TABLE audience_changes ADD COLUMN tx xid8 NOT NULL DEFAULT pg_current_xact_id();

DROP INDEX audience_changes_workspace_idx;
CREATE INDEX audience_changes_cursor_idx ON audience_changes (workspace_id, kind, audience, tx, seq);
