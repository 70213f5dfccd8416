-- messageId claim keys that keep new claims together (see MessageClaimKeys.java). The key is still
-- the MD5 of "<workspace id>:<messageId>", but when the messageId carries its creation time
-- (analytics.js and analytics-node write ajs-next-<epoch ms>-<uuid> and node-next-<epoch ms>-<uuid>;
-- a UUIDv7 starts with its epoch ms), the first 32 bits are that minute instead. The key is a pure
-- function of the messageId, so a resend always finds its claim, and claims made in the same minutes
-- share the same pages of the unique index instead of landing on random ones.
CREATE FUNCTION message_claim_key(workspace uuid, message_id text)
    RETURNS uuid LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
SELECT (CASE WHEN t.millis >= 946684800000 AND t.millis < 4102444800000
             THEN lpad(to_hex(t.millis / 60000), 8, '0') || substr(t.digest, 9)
             ELSE t.digest END)::uuid
  FROM (SELECT md5(workspace::text || ':' || message_id) AS digest,
               CASE WHEN message_id ~ '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-7[0-9a-fA-F]{3}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$'
                    THEN ('x' || lpad(substr(message_id, 1, 8) || substr(message_id, 10, 4), 16, '0'))::bit(64)::bigint
                    ELSE substring(message_id FROM '(?:^|-)([0-9]{13})(?:-|$)')::bigint
               END AS millis) t
$$;

-- Stored messages whose key changed are claimed again under the new key, so their resends stay
-- duplicates. Their old keys stay behind, unused. A message that was claimed but not stored (its
-- person's identifiers are suppressed) has no event to rebuild the key from; a resend of it is
-- suppressed again.
INSERT INTO message_claims (key)
SELECT message_claim_key(workspace_id, message_id) FROM events
ON CONFLICT DO NOTHING;
