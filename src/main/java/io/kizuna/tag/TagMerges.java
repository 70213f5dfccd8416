package io.kizuna.tag;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Tags follow the survivor of a merge: manual and imported tags move to it (recorded in its
 * history with source MERGE), the merged profile's history is kept under the survivor, and rule
 * tags are simply decided again for the survivor.
 */
@ApplicationScoped
public class TagMerges {

    private static final String MOVE = """
            WITH merged AS (SELECT * FROM unnest($2::uuid[], $3::uuid[]) AS m(loser, survivor)),
            moved AS (
                INSERT INTO profile_tags (workspace_id, tag, profile_id, source, assigned_at)
                SELECT t.workspace_id, t.tag, m.survivor, t.source, t.assigned_at
                  FROM profile_tags t JOIN merged m ON t.profile_id = m.loser
                 WHERE t.workspace_id = $1 AND t.source <> 'RULE'
                ON CONFLICT DO NOTHING
                RETURNING tag, profile_id),
            history AS (
                UPDATE audience_changes h SET profile_id = m.survivor FROM merged m
                 WHERE h.workspace_id = $1 AND h.profile_id = m.loser AND h.kind = 'TAG')
            INSERT INTO audience_changes (workspace_id, kind, audience, profile_id, change, at, source)
            SELECT $1, 'TAG', tag, profile_id, 'ENTERED', $4, 'MERGE' FROM moved""";

    private static final String DROP_MERGED = "DELETE FROM profile_tags WHERE workspace_id = $1 AND profile_id = ANY($2)";

    public Uni<Void> merged(SqlClient client, UUID workspaceId, Map<UUID, UUID> mergedInto, Instant at) {
        if (mergedInto.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        UUID[] losers = mergedInto.keySet().toArray(UUID[]::new);
        UUID[] survivors = new UUID[losers.length];
        for (int i = 0; i < losers.length; i++) {
            survivors[i] = mergedInto.get(losers[i]);
        }
        return client.preparedQuery(MOVE).execute(Tuple.of(workspaceId, losers, survivors, OffsetDateTime.ofInstant(at, ZoneOffset.UTC)))
                .chain(() -> client.preparedQuery(DROP_MERGED).execute(Tuple.of(workspaceId, losers)))
                .replaceWithVoid();
    }
}
