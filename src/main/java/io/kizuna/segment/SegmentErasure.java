package io.kizuna.segment;

import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.kizuna.profile.gdpr.ErasureParticipant;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;

/** An erased profile leaves its segments without a trace: memberships, their history in the audience log, and its wake-ups. */
@ApplicationScoped
public class SegmentErasure implements ErasureParticipant {

    private static final List<String> DELETES = List.of(
            "DELETE FROM segment_members WHERE workspace_id = $1 AND profile_id = ANY($2)",
            "DELETE FROM audience_changes WHERE workspace_id = $1 AND profile_id = ANY($2)",
            "DELETE FROM profile_wakeups WHERE workspace_id = $1 AND profile_id = ANY($2)");

    @Override
    public Uni<Void> erase(SqlConnection connection, UUID workspaceId, List<UUID> profileIds) {
        Tuple parameters = Tuple.of(workspaceId, profileIds.toArray(UUID[]::new));
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (String statement : DELETES) {
            chain = chain.chain(() -> connection.preparedQuery(statement).execute(parameters).replaceWithVoid());
        }
        return chain;
    }
}
