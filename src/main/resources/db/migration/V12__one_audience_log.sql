-- One log of audience changes (issue 4). audience_changes already held every segment entry and exit
-- and every rule tag change, read by journeys through its (tx, seq) cursor; tag_history and
-- segment_membership_history held the same changes a second time for the history APIs. Now the log
-- is the history too: tag changes of every source (manual, import, merge) are logged with their
-- source, segment stays are read by pairing ENTERED with the next EXITED, and each change is
-- written once instead of twice.

ALTER TABLE audience_changes
    ADD COLUMN source text CHECK (source IN ('MANUAL', 'RULE', 'IMPORT', 'MERGE', 'ERASURE'));

-- Tag rows are rebuilt from tag_history in its order, so manual, imported and merged changes join
-- the rule ones and a tag's history keeps its order.
DELETE FROM audience_changes WHERE kind = 'TAG';
INSERT INTO audience_changes (workspace_id, kind, audience, profile_id, change, at, source)
SELECT workspace_id, 'TAG', tag, profile_id, CASE action WHEN 'ADDED' THEN 'ENTERED' ELSE 'EXITED' END, at, source
  FROM tag_history ORDER BY seq;

-- A profile's history is read by profile; the key also serves as the replica identity.
ALTER TABLE audience_changes DROP CONSTRAINT audience_changes_pkey;
ALTER TABLE audience_changes ADD PRIMARY KEY (workspace_id, profile_id, seq);

DROP TABLE tag_history;
DROP TABLE segment_membership_history;
