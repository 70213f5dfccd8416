package io.kizuna.tag;

import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.kizuna.profile.gdpr.ErasureParticipant;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;

/** An erased profile's tags and tag history (its TAG rows in the audience log) go with it. */
@ApplicationScoped
public class TagErasure implements ErasureParticipant {

    @Override
    public Uni<Void> erase(SqlConnection connection, UUID workspaceId, List<UUID> profileIds) {
        Tuple parameters = Tuple.of(workspaceId, profileIds.toArray(UUID[]::new));
        return connection.preparedQuery("DELETE FROM profile_tags WHERE workspace_id = $1 AND profile_id = ANY($2)").execute(parameters)
                .chain(() -> connection.preparedQuery("DELETE FROM audience_changes WHERE workspace_id = $1 AND profile_id = ANY($2) AND kind = 'TAG'")
                        .execute(parameters))
                .replaceWithVoid();
    }
}
