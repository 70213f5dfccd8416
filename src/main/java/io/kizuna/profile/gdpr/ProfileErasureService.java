package io.kizuna.profile.gdpr;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.kizuna.profile.ProfileStore;
import io.kizuna.profile.identity.IdentityKey;
import io.quarkus.arc.All;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.pgclient.PgPool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * GDPR erasure. In one transaction: lock the profile, record a suppression for each identity, and
 * delete its events, identities, merge history (which names identities) and the profile row,
 * together with whatever remains of profiles merged into it.
 */
@ApplicationScoped
public class ProfileErasureService {

    private static final String LOCK = "SELECT id FROM profiles WHERE workspace_id = $1 AND id = $2 FOR UPDATE";
    private static final String IDENTITIES = "SELECT type, value FROM identities WHERE workspace_id = $1 AND profile_id = ANY($2::uuid[])";
    private static final List<String> DELETES = List.of(
            "DELETE FROM events WHERE workspace_id = $1 AND profile_id = ANY($2::uuid[])",
            "DELETE FROM identities WHERE workspace_id = $1 AND profile_id = ANY($2::uuid[])",
            "DELETE FROM profile_merges WHERE workspace_id = $1 AND (survivor_id = ANY($2::uuid[]) OR merged_id = ANY($2::uuid[]))",
            "DELETE FROM profile_consents WHERE workspace_id = $1 AND profile_id = ANY($2::uuid[])",
            "DELETE FROM profiles WHERE workspace_id = $1 AND id = ANY($2::uuid[])");

    private final PgPool pool;
    private final ProfileStore store;
    private final SuppressionService suppressions;
    private final List<ErasureParticipant> participants;
    private final Clock clock;

    public ProfileErasureService(PgPool pool, ProfileStore store, SuppressionService suppressions, @All List<ErasureParticipant> participants,
            Clock clock) {
        this.pool = pool;
        this.store = store;
        this.suppressions = suppressions;
        this.participants = participants;
        this.clock = clock;
    }

    /** Erases the profile (a merged-away id erases the profile it became); NOT_FOUND when there is none. */
    public Uni<Void> erase(UUID workspaceId, UUID id) {
        Instant now = clock.instant();
        return pool.withTransaction(connection -> store.resolve(connection, workspaceId, id)
                .chain(profile -> connection.preparedQuery(LOCK).execute(Tuple.of(workspaceId, profile.id()))
                        .onItem().transform(rows -> {
                            if (rows.size() == 0) {
                                throw ProfileStore.notFound(id);
                            }
                            return profile.id();
                        }))
                .chain(profileId -> store.lineage(connection, workspaceId, profileId)
                        .chain(ids -> suppress(connection, workspaceId, profileId, ids, now)
                                .chain(() -> eraseElsewhere(connection, workspaceId, ids))
                                .chain(() -> delete(connection, workspaceId, ids)))));
    }

    private Uni<Void> suppress(SqlConnection connection, UUID workspaceId, UUID profileId, List<UUID> ids, Instant now) {
        return connection.preparedQuery(IDENTITIES).execute(Tuple.of(workspaceId, ids.toArray(UUID[]::new))).chain(rows -> {
            List<IdentityKey> identities = new ArrayList<>();
            rows.forEach(row -> identities.add(new IdentityKey(row.getString("type"), row.getString("value"))));
            return suppressions.suppress(connection, workspaceId, profileId, identities, now);
        });
    }

    private Uni<Void> eraseElsewhere(SqlConnection connection, UUID workspaceId, List<UUID> ids) {
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (ErasureParticipant participant : participants) {
            chain = chain.chain(() -> participant.erase(connection, workspaceId, ids));
        }
        return chain;
    }

    private static Uni<Void> delete(SqlConnection connection, UUID workspaceId, List<UUID> ids) {
        Tuple parameters = Tuple.of(workspaceId, ids.toArray(UUID[]::new));
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (String statement : DELETES) {
            chain = chain.chain(() -> connection.preparedQuery(statement).execute(parameters).replaceWithVoid());
        }
        return chain;
    }
}
