-- Counting a profile's identities of a limited type (user_id, ...) reads only that type.
DROP INDEX identities_profile_idx;
CREATE INDEX identities_profile_type_idx ON identities (workspace_id, profile_id, type);
