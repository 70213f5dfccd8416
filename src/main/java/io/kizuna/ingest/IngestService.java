package io.kizuna.ingest;

import java.time.Clock;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;

import io.kizuna.common.id.Ids;
import io.kizuna.profile.ProfileIngestion;
import io.kizuna.profile.identity.ConcurrentMergeException;
import io.kizuna.profile.identity.IdentityClaim;
import io.kizuna.profile.identity.Resolution;
import io.kizuna.profile.traits.TraitEvent;
import io.kizuna.segment.AudienceEngine;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.UniEmitter;
import io.vertx.mutiny.pgclient.PgPool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.pgclient.PgException;

/**
 * Stores tracked messages exactly once and brings their profiles up to date, in one transaction
 * per group: claim the messageIds, resolve identities to profiles, append the events, move the
 * events of merged profiles, fold the new events into the profiles' computed traits, and decide
 * their rule tags and segments again.
 *
 * <p>Small requests are grouped ("natural batching", as in a database's group commit): while a
 * workspace already has {@link #MAX_IN_FLIGHT} transactions running, further small requests wait
 * and then go together in the next transaction. Nothing waits when there is spare capacity, and
 * every request is answered only after the transaction holding its messages has committed. A
 * group that fails is retried request by request, so one bad request never fails another.
 */
@ApplicationScoped
public class IngestService {

    private static final int ATTEMPTS = 5;
    /** Requests with more messages than this are their own transaction. */
    static final int GROUPABLE_MESSAGES = 50;
    /** At most this many messages in one grouped transaction. */
    static final int MAX_GROUP_MESSAGES = 500;
    static final int MAX_IN_FLIGHT = 2;

    private final PgPool pool;
    private final EventStore events;
    private final EventPartitions partitions;
    private final ProfileIngestion profiles;
    private final AudienceEngine audiences;
    private final Clock clock;
    private final Map<UUID, Lane> lanes = new ConcurrentHashMap<>();

    public IngestService(PgPool pool, EventStore events, EventPartitions partitions, ProfileIngestion profiles, AudienceEngine audiences,
            Clock clock) {
        this.pool = pool;
        this.events = events;
        this.partitions = partitions;
        this.profiles = profiles;
        this.audiences = audiences;
        this.clock = clock;
    }

    /** One request's messages waiting to be stored, and where its answer goes. */
    private record Request(List<TrackingMessage> messages, List<ItemError> errors, Instant receivedAt, UniEmitter<? super TrackingResponse> answer) {
    }

    /** A workspace's small requests waiting for a transaction slot. */
    private static final class Lane {
        int inFlight;
        final ArrayDeque<Request> waiting = new ArrayDeque<>();
    }

    public Uni<TrackingResponse> ingest(UUID workspaceId, List<TrackingMessage> messages, List<ItemError> errors, Instant receivedAt) {
        if (messages.isEmpty()) {
            return Uni.createFrom().item(new TrackingResponse(true, 0, 0, 0, errors.isEmpty() ? null : errors));
        }
        if (messages.size() > GROUPABLE_MESSAGES) {
            return Uni.createFrom().emitter(answer -> run(workspaceId, List.of(new Request(messages, errors, receivedAt, answer)), null));
        }
        return Uni.createFrom().emitter(answer -> enqueue(workspaceId, new Request(messages, errors, receivedAt, answer)));
    }

    private void enqueue(UUID workspaceId, Request request) {
        Lane lane = lanes.computeIfAbsent(workspaceId, id -> new Lane());
        synchronized (lane) {
            if (lane.inFlight >= MAX_IN_FLIGHT) {
                lane.waiting.add(request);
                return;
            }
            lane.inFlight++;
        }
        run(workspaceId, List.of(request), lane);
    }

    /** Runs a group; when it is done, the lane's waiting requests go as the next group. */
    private void run(UUID workspaceId, List<Request> group, Lane lane) {
        Uni.createFrom().deferred(() -> storeGroup(workspaceId, group)).subscribe().with(
                answers -> {
                    for (int i = 0; i < group.size(); i++) {
                        group.get(i).answer().complete(answers.get(i));
                    }
                    next(workspaceId, lane);
                },
                failure -> {
                    if (group.size() == 1) {
                        group.get(0).answer().fail(failure);
                    } else {
                        for (Request request : group) {
                            Uni.createFrom().deferred(() -> storeGroup(workspaceId, List.of(request))).subscribe().with(
                                    answers -> request.answer().complete(answers.get(0)), request.answer()::fail);
                        }
                    }
                    next(workspaceId, lane);
                });
    }

    private void next(UUID workspaceId, Lane lane) {
        if (lane == null) {
            return;
        }
        List<Request> group = new ArrayList<>();
        synchronized (lane) {
            int size = 0;
            while (!lane.waiting.isEmpty() && size + lane.waiting.peek().messages().size() <= MAX_GROUP_MESSAGES) {
                Request request = lane.waiting.poll();
                size += request.messages().size();
                group.add(request);
            }
            if (group.isEmpty()) {
                lane.inFlight--;
                return;
            }
        }
        run(workspaceId, group, lane);
    }

    /** Stores the messages of several requests in one transaction and answers each with its own counts. */
    private Uni<List<TrackingResponse>> storeGroup(UUID workspaceId, List<Request> group) {
        Map<String, TrackingMessage> unique = new LinkedHashMap<>();
        Map<String, Instant> receivedAt = new HashMap<>();
        for (Request request : group) {
            for (TrackingMessage message : request.messages()) {
                if (unique.putIfAbsent(message.messageId(), message) == null) {
                    receivedAt.put(message.messageId(), request.receivedAt());
                }
            }
        }
        Set<YearMonth> months = new HashSet<>();
        unique.values().forEach(message -> months.add(YearMonth.from(message.timestamp().atOffset(ZoneOffset.UTC))));
        List<TrackingMessage> candidates = List.copyOf(unique.values());
        Instant claimedAt = group.get(0).receivedAt();
        return partitions.ensure(months)
                .chain(() -> pool.withTransaction(connection -> store(connection, workspaceId, candidates, receivedAt, claimedAt)))
                .onFailure(IngestService::retryable).retry().atMost(ATTEMPTS - 1)
                .map(outcome -> answers(group, outcome));
    }

    private static List<TrackingResponse> answers(List<Request> group, Outcome outcome) {
        Set<String> counted = new HashSet<>();
        List<TrackingResponse> answers = new ArrayList<>(group.size());
        for (Request request : group) {
            int accepted = 0;
            int duplicates = 0;
            int suppressed = 0;
            for (TrackingMessage message : request.messages()) {
                String id = message.messageId();
                if (!counted.add(id)) {
                    duplicates++;
                } else if (outcome.stored().contains(id)) {
                    accepted++;
                } else if (outcome.suppressed().contains(id)) {
                    suppressed++;
                } else {
                    duplicates++;
                }
            }
            answers.add(new TrackingResponse(true, accepted, duplicates, suppressed, request.errors().isEmpty() ? null : request.errors()));
        }
        return answers;
    }

    /** The messageIds stored now and those dropped as suppressed; every other candidate was a duplicate. */
    private record Outcome(Set<String> stored, Set<String> suppressed) {
    }

    private Uni<Outcome> store(SqlConnection connection, UUID workspaceId, List<TrackingMessage> candidates, Map<String, Instant> receivedAt,
            Instant claimedAt) {
        Instant now = clock.instant();
        List<String> ids = candidates.stream().map(TrackingMessage::messageId).toList();
        return events.claimMessageIds(connection, workspaceId, ids, claimedAt).chain(claimed -> {
            Set<String> fresh = new HashSet<>(claimed);
            List<TrackingMessage> toStore = candidates.stream().filter(message -> fresh.contains(message.messageId())).toList();
            if (toStore.isEmpty()) {
                return Uni.createFrom().item(new Outcome(Set.of(), Set.of()));
            }
            List<IdentityClaim> claims = toStore.stream()
                    .map(message -> new IdentityClaim(message.identities(), "alias".equals(message.type()) ? message.previousId() : null))
                    .toList();
            return profiles.resolve(connection, workspaceId, claims, now).chain(resolution -> {
                List<EventStore.NewEvent> newEvents = new ArrayList<>();
                Map<UUID, List<TraitEvent>> byProfile = new LinkedHashMap<>();
                Set<String> stored = new HashSet<>();
                Set<String> suppressed = new HashSet<>();
                for (int i = 0; i < toStore.size(); i++) {
                    UUID profileId = resolution.profileIds().get(i);
                    TrackingMessage message = toStore.get(i);
                    if (profileId == null) {
                        suppressed.add(message.messageId());
                        continue;
                    }
                    Instant received = receivedAt.get(message.messageId());
                    stored.add(message.messageId());
                    newEvents.add(new EventStore.NewEvent(Ids.newId(received), profileId, message, received));
                    byProfile.computeIfAbsent(profileId, id -> new ArrayList<>()).add(new TraitEvent(message.type(), message.name(),
                            message.timestamp(), message.channel(), message.properties(), message.traits()));
                }
                return events.insert(connection, workspaceId, newEvents)
                        .chain(() -> events.reassign(connection, workspaceId, resolution.mergedInto()))
                        .chain(() -> apply(connection, workspaceId, resolution, byProfile, now))
                        .chain(changed -> audiences.merged(connection, workspaceId, resolution.mergedInto(), now)
                                .chain(() -> audiences.evaluate(connection, workspaceId, changed, now)))
                        .replaceWith(new Outcome(stored, suppressed));
            });
        });
    }
    private Uni<Set<UUID>> apply(SqlConnection connection, UUID workspaceId, Resolution resolution, Map<UUID, List<TraitEvent>> byProfile, Instant now) {
        return profiles.apply(connection, workspaceId, resolution, byProfile,
                (profileId, lastOrderAt) -> events.cartEvents(connection, workspaceId, profileId, lastOrderAt), now);
    }

    /** A concurrent merge, a deadlock or a serialization failure: the whole transaction can run again. */
    static boolean retryable(Throwable failure) {
        if (failure instanceof ConcurrentMergeException) {
            return true;
        }
        return failure instanceof PgException pg && ("40P01".equals(pg.getSqlState()) || "40001".equals(pg.getSqlState()));
    }
}
