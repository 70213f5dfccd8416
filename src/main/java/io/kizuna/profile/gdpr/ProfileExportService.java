package io.kizuna.profile.gdpr;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.kizuna.profile.ProfileStore;
import io.kizuna.profile.StoredProfile;
import io.kizuna.profile.computed.ComputedTraitsCalculator;
import io.kizuna.profile.consent.ConsentService;
import io.kizuna.profile.event.ProfileEventService;
import io.quarkus.arc.All;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.pgclient.PgPool;
import io.vertx.mutiny.sqlclient.SqlConnection;

/** Exports everything held about one profile, read from one consistent snapshot. */
@ApplicationScoped
public class ProfileExportService {

    private final PgPool pool;
    private final ProfileStore store;
    private final ProfileEventService events;
    private final ConsentService consents;
    private final List<ExportParticipant> participants;
    private final Clock clock;

    public ProfileExportService(PgPool pool, ProfileStore store, ProfileEventService events, ConsentService consents,
            @All List<ExportParticipant> participants, Clock clock) {
        this.pool = pool;
        this.store = store;
        this.events = events;
        this.consents = consents;
        this.participants = participants;
        this.clock = clock;
    }

    public Uni<ProfileExport> export(UUID workspaceId, UUID id) {
        return pool.withTransaction(connection -> connection
                .query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY").execute()
                .chain(() -> store.resolve(connection, workspaceId, id))
                .chain(profile -> collect(connection, workspaceId, profile)));
    }

    private Uni<ProfileExport> collect(SqlConnection connection, UUID workspaceId, StoredProfile profile) {
        Instant now = clock.instant();
        UUID id = profile.id();
        return store.identities(connection, workspaceId, List.of(id)).chain(identities -> events.all(connection, workspaceId, id)
                .chain(allEvents -> store.merges(connection, workspaceId, id)
                        .chain(merges -> consents.list(connection, workspaceId, id)
                                .chain(consentList -> related(connection, workspaceId, id)
                                        .map(related -> new ProfileExport(id.toString(), now, profile,
                                                ComputedTraitsCalculator.compute(profile, now, ComputedTraitsCalculator.DEFAULT_VIEWED_DAYS),
                                                identities.get(id), allEvents, merges, consentList, related))))));
    }

    private Uni<Map<String, Object>> related(SqlConnection connection, UUID workspaceId, UUID id) {
        Map<String, Object> sections = new TreeMap<>();
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (ExportParticipant participant : participants) {
            chain = chain.chain(() -> participant.export(connection, workspaceId, id).invoke(section -> sections.put(participant.section(), section))
                    .replaceWithVoid());
        }
        return chain.replaceWith(sections);
    }
}
