package io.kizuna.ingest;

import java.time.Clock;
import java.time.Instant;
import java.time.YearMonth;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

import jakarta.enterprise.context.ApplicationScoped;

import io.kizuna.common.id.Ids;
import io.kizuna.common.time.UtcTimes;
import io.kizuna.condition.ProfileChange;
import io.kizuna.profile.ProfileIngestion;
import io.kizuna.profile.identity.ConcurrentMergeException;
import io.kizuna.profile.identity.IdentityClaim;
import io.kizuna.profile.identity.Resolution;
import io.kizuna.profile.traits.ComputedGroup;
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
 *
 * <p>A resend of a message that another transaction of this instance is storing at that moment
 * is set aside until that transaction ends ({@link InFlightMessages}), instead of blocking on
 * its unique key inside PostgreSQL.
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
    private final InFlightMessages inFlight = new InFlightMessages();

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
        return storeMessages(workspaceId, List.copyOf(unique.values()), receivedAt).map(outcome -> answers(group, outcome));
    }

    /**
     * Stores the messages no other transaction of this instance is storing right now; those that
     * another one is storing are decided once it has ended (see {@link InFlightMessages}).
     */
    private Uni<Outcome> storeMessages(UUID workspaceId, List<TrackingMessage> messages, Map<String, Instant> receivedAt) {
        InFlightMessages.Split split = inFlight.claim(workspaceId, messages.stream().map(TrackingMessage::messageId).toList());
        Set<String> owned = new HashSet<>(split.owned());
        List<TrackingMessage> mine = messages.stream().filter(message -> owned.contains(message.messageId())).toList();
        Uni<Outcome> stored = mine.isEmpty() ? Uni.createFrom().item(Outcome.NONE)
                : storeInTransaction(workspaceId, mine, receivedAt);
        stored = stored.onItemOrFailure().invoke((outcome, failure) -> inFlight.release(workspaceId, split, failure == null));
        if (split.waiting().isEmpty()) {
            return stored;
        }
        List<TrackingMessage> parked = messages.stream().filter(message -> split.waiting().containsKey(message.messageId())).toList();
        return stored.chain(outcome -> afterTheirOwners(workspaceId, parked, split.waiting(), receivedAt).map(outcome::plus));
    }

    /** Messages whose owner committed are duplicates; those whose owner failed are stored now. */
    private Uni<Outcome> afterTheirOwners(UUID workspaceId, List<TrackingMessage> parked, Map<String, InFlightMessages.Owner> owners,
            Map<String, Instant> receivedAt) {
        CompletableFuture<?>[] ends = owners.values().stream().distinct().map(InFlightMessages.Owner::ended).toArray(CompletableFuture[]::new);
        return Uni.createFrom().completionStage(CompletableFuture.allOf(ends)).chain(() -> {
            List<TrackingMessage> again = parked.stream()
                    .filter(message -> !owners.get(message.messageId()).ended().join())
                    .toList();
            return again.isEmpty() ? Uni.createFrom().item(Outcome.NONE) : storeMessages(workspaceId, again, receivedAt);
        });
    }

    private Uni<Outcome> storeInTransaction(UUID workspaceId, List<TrackingMessage> candidates, Map<String, Instant> receivedAt) {
        Set<YearMonth> months = new HashSet<>();
        candidates.forEach(message -> months.add(YearMonth.from(UtcTimes.utc(message.timestamp()))));
        return partitions.ensure(months)
                .chain(() -> pool.withTransaction(connection -> store(connection, workspaceId, candidates, receivedAt)))
                .onFailure(IngestService::retryable).retry().atMost(ATTEMPTS - 1);
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
        static final Outcome NONE = new Outcome(Set.of(), Set.of());

        Outcome plus(Outcome other) {
            if (other.stored.isEmpty() && other.suppressed.isEmpty()) {
                return this;
            }
            Set<String> allStored = new HashSet<>(stored);
            allStored.addAll(other.stored);
            Set<String> allSuppressed = new HashSet<>(suppressed);
            allSuppressed.addAll(other.suppressed);
            return new Outcome(allStored, allSuppressed);
        }
    }

    private Uni<Outcome> store(SqlConnection connection, UUID workspaceId, List<TrackingMessage> candidates, Map<String, Instant> receivedAt) {
        Instant now = clock.instant();
        List<String> ids = candidates.stream().map(TrackingMessage::messageId).toList();
        return events.claimMessageIds(connection, workspaceId, ids).chain(claimed -> {
            Set<String> fresh = new HashSet<>(claimed);
            List<TrackingMessage> toStore = candidates.stream().filter(message -> fresh.contains(message.messageId())).toList();
            if (toStore.isEmpty()) {
                return Uni.createFrom().item(Outcome.NONE);
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
                        .chain(() -> foldAndDecide(connection, workspaceId, resolution, byProfile, now))
                        .replaceWith(new Outcome(stored, suppressed));
            });
        });
    }
    /** Moves merged profiles' events, folds the events into the profiles, and decides their rule tags and segments again. */
    private Uni<Void> foldAndDecide(SqlConnection connection, UUID workspaceId, Resolution resolution, Map<UUID, List<TraitEvent>> byProfile,
            Instant now) {
        if (resolution.mergedInto().isEmpty()) {
            // Rule tags and segments are decided right behind the profile writes (pipelined).
            return apply(connection, workspaceId, resolution, byProfile, now,
                    changed -> audiences.evaluate(connection, workspaceId, changes(changed, resolution, byProfile), now)).replaceWithVoid();
        }
        // Merged-away profiles hand their tags over to the survivors before those are decided.
        return events.reassign(connection, workspaceId, resolution.mergedInto())
                .chain(() -> apply(connection, workspaceId, resolution, byProfile, now, changed -> Uni.createFrom().voidItem()))
                .chain(changed -> audiences.merged(connection, workspaceId, resolution.mergedInto(), now)
                        .chain(() -> audiences.evaluate(connection, workspaceId, changes(changed, resolution, byProfile), now)));
    }

    /**
     * What changed on each profile, for the audience engine: everything on new and merged profiles
     * and on those an identity was attached to (the resolver locked those early); otherwise the
     * new events' names, traits when an identify carried some, and the computed traits that moved.
     */
    static Map<UUID, ProfileChange> changes(Map<UUID, Set<ComputedGroup>> changed, Resolution resolution, Map<UUID, List<TraitEvent>> byProfile) {
        Set<UUID> survivors = new HashSet<>(resolution.mergedInto().values());
        Map<UUID, ProfileChange> changes = new LinkedHashMap<>();
        for (UUID id : changed.keySet()) {
            List<TraitEvent> profileEvents = byProfile.get(id);
            if (profileEvents == null || resolution.created().contains(id) || survivors.contains(id) || resolution.existing().containsKey(id)) {
                changes.put(id, ProfileChange.EVERYTHING);
                continue;
            }
            Set<String> names = new HashSet<>();
            boolean traits = false;
            for (TraitEvent event : profileEvents) {
                if (event.name() != null) {
                    names.add(event.name());
                }
                traits |= "identify".equals(event.type()) && event.traits() != null;
            }
            changes.put(id, ProfileChange.events(names, traits, changed.get(id)));
        }
        return changes;
    }

    private Uni<Map<UUID, Set<ComputedGroup>>> apply(SqlConnection connection, UUID workspaceId, Resolution resolution,
            Map<UUID, List<TraitEvent>> byProfile, Instant now, Function<Map<UUID, Set<ComputedGroup>>, Uni<Void>> behindTheWrites) {
        return profiles.apply(connection, workspaceId, resolution, byProfile,
                (profileId, lastOrderAt) -> events.cartEvents(connection, workspaceId, profileId, lastOrderAt), now, behindTheWrites);
    }

    /** A concurrent merge, a deadlock or a serialization failure: the whole transaction can run again. */
    static boolean retryable(Throwable failure) {
        if (failure instanceof ConcurrentMergeException) {
            return true;
        }
        return failure instanceof PgException pg && ("40P01".equals(pg.getSqlState()) || "40001".equals(pg.getSqlState()));
    }
}
