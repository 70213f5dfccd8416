package io.kizuna.ingest;

import java.time.Clock;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.kizuna.common.id.Ids;
import io.kizuna.profile.ProfileIngestion;
import io.kizuna.profile.identity.ConcurrentMergeException;
import io.kizuna.profile.identity.IdentityClaim;
import io.kizuna.profile.identity.Resolution;
import io.kizuna.profile.traits.TraitEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.pgclient.PgPool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.pgclient.PgException;

/**
 * Stores tracked messages exactly once and brings their profiles up to date, in one transaction
 * per request: claim the messageIds, resolve identities to profiles, append the events, move the
 * events of merged profiles, and fold the new events into the profiles' computed traits.
 */
@ApplicationScoped
public class IngestService {

    private static final int ATTEMPTS = 5;

    private final PgPool pool;
    private final EventStore events;
    private final EventPartitions partitions;
    private final ProfileIngestion profiles;
    private final Clock clock;

    public IngestService(PgPool pool, EventStore events, EventPartitions partitions, ProfileIngestion profiles, Clock clock) {
        this.pool = pool;
        this.events = events;
        this.partitions = partitions;
        this.profiles = profiles;
        this.clock = clock;
    }

    public Uni<TrackingResponse> ingest(UUID workspaceId, List<TrackingMessage> messages, List<ItemError> errors, Instant receivedAt) {
        Map<String, TrackingMessage> unique = new LinkedHashMap<>();
        for (TrackingMessage message : messages) {
            unique.putIfAbsent(message.messageId(), message);
        }
        int repeatedInRequest = messages.size() - unique.size();
        List<ItemError> reported = errors.isEmpty() ? null : errors;
        if (unique.isEmpty()) {
            return Uni.createFrom().item(new TrackingResponse(true, 0, repeatedInRequest, 0, reported));
        }
        Set<YearMonth> months = new HashSet<>();
        unique.values().forEach(message -> months.add(YearMonth.from(message.timestamp().atOffset(ZoneOffset.UTC))));
        List<TrackingMessage> candidates = List.copyOf(unique.values());
        return partitions.ensure(months)
                .chain(() -> pool.withTransaction(connection -> store(connection, workspaceId, candidates, receivedAt)))
                .onFailure(IngestService::retryable).retry().atMost(ATTEMPTS - 1)
                .map(outcome -> new TrackingResponse(true, outcome.stored(), repeatedInRequest + outcome.duplicates(), outcome.suppressed(), reported));
    }

    private record Outcome(int stored, int duplicates, int suppressed) {
    }

    private Uni<Outcome> store(SqlConnection connection, UUID workspaceId, List<TrackingMessage> candidates, Instant receivedAt) {
        Instant now = clock.instant();
        List<String> ids = candidates.stream().map(TrackingMessage::messageId).toList();
        return events.claimMessageIds(connection, workspaceId, ids, receivedAt).chain(claimed -> {
            Set<String> fresh = new HashSet<>(claimed);
            List<TrackingMessage> toStore = candidates.stream().filter(message -> fresh.contains(message.messageId())).toList();
            int duplicates = candidates.size() - toStore.size();
            if (toStore.isEmpty()) {
                return Uni.createFrom().item(new Outcome(0, duplicates, 0));
            }
            List<IdentityClaim> claims = toStore.stream()
                    .map(message -> new IdentityClaim(message.identities(), "alias".equals(message.type()) ? message.previousId() : null))
                    .toList();
            return profiles.resolve(connection, workspaceId, claims, now).chain(resolution -> {
                List<EventStore.NewEvent> newEvents = new ArrayList<>();
                Map<UUID, List<TraitEvent>> byProfile = new LinkedHashMap<>();
                for (int i = 0; i < toStore.size(); i++) {
                    UUID profileId = resolution.profileIds().get(i);
                    if (profileId == null) {
                        continue;
                    }
                    TrackingMessage message = toStore.get(i);
                    newEvents.add(new EventStore.NewEvent(Ids.newId(receivedAt), profileId, message, receivedAt));
                    byProfile.computeIfAbsent(profileId, id -> new ArrayList<>()).add(new TraitEvent(message.type(), message.name(),
                            message.timestamp(), message.channel(), message.properties(), message.traits()));
                }
                int suppressed = toStore.size() - newEvents.size();
                return events.insert(connection, workspaceId, newEvents)
                        .chain(() -> events.reassign(connection, workspaceId, resolution.mergedInto()))
                        .chain(() -> apply(connection, workspaceId, resolution, byProfile, now))
                        .replaceWith(new Outcome(newEvents.size(), duplicates, suppressed));
            });
        });
    }

    private Uni<Set<UUID>> apply(SqlConnection connection, UUID workspaceId, Resolution resolution, Map<UUID, List<TraitEvent>> byProfile, Instant now) {
        return profiles.apply(connection, workspaceId, resolution, byProfile,
                profileId -> events.cartEvents(connection, workspaceId, profileId), now);
    }

    /** A concurrent merge, a deadlock or a serialization failure: the whole transaction can run again. */
    static boolean retryable(Throwable failure) {
        if (failure instanceof ConcurrentMergeException) {
            return true;
        }
        return failure instanceof PgException pg && ("40P01".equals(pg.getSqlState()) || "40001".equals(pg.getSqlState()));
    }
}
