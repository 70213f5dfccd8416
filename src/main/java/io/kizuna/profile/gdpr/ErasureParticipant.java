package io.kizuna.profile.gdpr;

import java.util.List;
import java.util.UUID;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;

/**
 * A feature that holds data about profiles (tags, segment memberships, ...) and erases it when a
 * profile is erased, inside the erasure's transaction.
 */
public interface ErasureParticipant {

    /** Deletes everything the feature holds about these profile ids (the profile and those merged into it). */
    Uni<Void> erase(SqlConnection connection, UUID workspaceId, List<UUID> profileIds);
}
