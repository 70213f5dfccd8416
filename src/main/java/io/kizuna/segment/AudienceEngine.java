package io.kizuna.segment;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import io.kizuna.common.paging.Cursors;
import io.kizuna.condition.AudiencesChanged;
import io.kizuna.condition.Condition;
import io.kizuna.condition.ConditionInputs;
import io.kizuna.condition.ConditionMatcher;
import io.kizuna.condition.ConditionRequirements;
import io.kizuna.condition.ConditionTimeline;
import io.kizuna.condition.EvaluationContext;
import io.kizuna.condition.ProfileChange;
import io.kizuna.condition.ProfileSnapshot;
import io.kizuna.condition.SnapshotLoader;
import io.kizuna.condition.TimeDependence;
import io.kizuna.profile.ProfileLocks;
import io.kizuna.tag.RuleTag;
import io.kizuna.tag.TagChange;
import io.kizuna.tag.TagMerges;
import io.kizuna.tag.TagService;
import io.kizuna.workspace.WorkspaceZones;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.pgclient.PgPool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Keeps rule tags and segment memberships true in real time. For the profiles a transaction just
 * changed it loads their snapshots once, decides the rule tags and then the segments in
 * dependency order with the in-memory matcher (a segment sees the tags decided a moment before),
 * writes only the differences, and records when each profile's time-relative conditions may next
 * change ({@link ConditionTimeline}), so {@link WakeupSweep} can flip them when time alone moves.
 *
 * <p>Only the conditions whose inputs the change touched ({@link ConditionInputs}) are decided
 * again, and only what they read is loaded: new page views do not reload a month of orders, and
 * identities and consents are read only when an identity was attached or a reachability or
 * consent condition is decided again.
 */
@ApplicationScoped
public class AudienceEngine {

    private static final Logger LOG = Logger.getLogger(AudienceEngine.class);

    // Wake-ups only move earlier here; a later or equal one writes nothing (an ON CONFLICT update
    // that changes nothing would still write a row version per profile and ingest batch).
    private static final String UPSERT_WAKEUPS = """
            INSERT INTO profile_wakeups (workspace_id, profile_id, wake_at)
            SELECT $1, u.id, u.at FROM unnest($2::uuid[], $3::timestamptz[]) AS u(id, at)
            ON CONFLICT (workspace_id, profile_id) DO UPDATE SET wake_at = EXCLUDED.wake_at
            WHERE EXCLUDED.wake_at < profile_wakeups.wake_at""";


    private static final String PAGE_OF_PROFILES = """
            SELECT id FROM profiles WHERE workspace_id = $1 AND id > $2 ORDER BY id LIMIT $3""";
    private static final int PLAN_PAGE = 1000;
    /** Profiles decided again per transaction after changes made outside ingestion. */
    static final int EVALUATE_PAGE = 500;

    private static final String MEMBERSHIPS_OF = """
            SELECT segment_id, profile_id FROM segment_members WHERE workspace_id = $1 AND profile_id = ANY($2)""";

    /**
     * The rule tags and segments of a workspace, as the engine evaluates them: {@code conditions}
     * and {@code inputs} hold the tags' conditions, then the segments', in the order they are decided.
     * {@code read} is every input some condition reads, and {@code choices} remembers, for each
     * change narrowed to those inputs, which conditions it decides again: a page view named "Home"
     * and one named "Search" are the same change to audiences that read neither name.
     */
    record Audiences(List<RuleTag> tags, List<SegmentRule> segments, List<Condition> conditions, List<Condition> timed,
            List<ConditionInputs> inputs, ConditionInputs read, Map<ProfileChange, Choice> choices) {

        /** Distinct narrowed changes remembered at most; past that, choices are made afresh each time. */
        private static final int MAX_CHOICES = 4096;

        static Audiences of(List<RuleTag> tags, List<SegmentRule> segments) {
            List<Condition> conditions = new ArrayList<>();
            tags.forEach(tag -> conditions.add(tag.condition()));
            segments.forEach(segment -> conditions.add(segment.condition()));
            List<ConditionInputs> inputs = conditions.stream().map(ConditionInputs::of).toList();
            return new Audiences(tags, segments, conditions, conditions.stream().filter(TimeDependence::dependsOnTime).toList(),
                    inputs, ConditionInputs.union(inputs), new ConcurrentHashMap<>());
        }

        boolean isEmpty() {
            return conditions.isEmpty();
        }

        /** The conditions a change may flip, and what they read at the context's time. */
        Plan plan(ProfileChange change, EvaluationContext context) {
            return choose(change).plan(context);
        }

        /**
         * The conditions a change may flip: those reading an input that changed, and those reading
         * a tag or segment decided again before them (rule tags never read segments).
         */
        Choice choose(ProfileChange change) {
            ProfileChange narrowed = read.narrow(change);
            Choice remembered = choices.get(narrowed);
            if (remembered != null) {
                return remembered;
            }
            BitSet decide = new BitSet(conditions.size());
            Set<String> redecidedTags = new HashSet<>();
            Set<UUID> redecidedSegments = new HashSet<>();
            List<Condition> chosen = new ArrayList<>();
            for (int i = 0; i < conditions.size(); i++) {
                if (inputs.get(i).touchedBy(narrowed, redecidedTags, redecidedSegments)) {
                    decide.set(i);
                    chosen.add(conditions.get(i));
                    if (i < tags.size()) {
                        redecidedTags.add(tags.get(i).name());
                    } else {
                        redecidedSegments.add(segments.get(i - tags.size()).id());
                    }
                }
            }
            Choice choice = new Choice(decide, chosen, chosen.stream().filter(TimeDependence::dependsOnTime).toList());
            if (choices.size() < MAX_CHOICES) {
                choices.put(narrowed, choice);
            }
            return choice;
        }
    }

    /** The conditions one kind of change decides again (bit i: {@code Audiences.conditions} i). */
    record Choice(BitSet decide, List<Condition> chosen, List<Condition> timed) {
        Plan plan(EvaluationContext context) {
            return new Plan(decide, ConditionRequirements.of(chosen, context), timed);
        }
    }

    /** The conditions to decide again for one kind of change (bit i: {@code Audiences.conditions} i), and what they read. */
    record Plan(BitSet decide, ConditionRequirements requirements, List<Condition> timed) {
    }

    private record Cached(Uni<Audiences> audiences, Instant until) {
    }

    private final PgPool pool;
    private final TagService tags;
    private final TagMerges tagMerges;
    private final SegmentService segments;
    private final SnapshotLoader snapshots;
    private final WorkspaceZones zones;
    private final Clock clock;
    private final Duration remembered;
    private final Map<UUID, Cached> cache = new ConcurrentHashMap<>();

    public AudienceEngine(PgPool pool, TagService tags, TagMerges tagMerges, SegmentService segments, SnapshotLoader snapshots, WorkspaceZones zones, Clock clock,
            @ConfigProperty(name = "kizuna.audiences.definitions-cache", defaultValue = "5s") Duration remembered) {
        this.pool = pool;
        this.tags = tags;
        this.tagMerges = tagMerges;
        this.segments = segments;
        this.snapshots = snapshots;
        this.zones = zones;
        this.clock = clock;
        this.remembered = remembered;
    }

    /**
     * New or changed definitions: forget the cached ones, and when time-relative conditions are
     * among them, plan every profile's next wake-up in the background.
     */
    void definitionsChanged(@Observes AudiencesChanged changed) {
        UUID workspaceId = changed.workspaceId();
        cache.remove(workspaceId);
        planWakeups(workspaceId).subscribe().with(
                planned -> LOG.debugf("planned %d wake-ups in workspace %s", planned, workspaceId),
                failure -> LOG.warnf(failure, "planning wake-ups in workspace %s failed", workspaceId));
    }

    /**
     * Plans the next time-relative change of every profile of the workspace, a page at a time.
     * Wake-ups only ever move earlier here; the sweep sets the exact next one after each wake.
     */
    public Uni<Integer> planWakeups(UUID workspaceId) {
        return audiences(workspaceId).chain(audiences -> audiences.timed().isEmpty() ? Uni.createFrom().item(0)
                : zones.zone(workspaceId).chain(zone -> planFrom(workspaceId, audiences, zone, Cursors.BEFORE_ALL, 0)));
    }

    private Uni<Integer> planFrom(UUID workspaceId, Audiences audiences, java.time.ZoneId zone, UUID after, int planned) {
        return pool.preparedQuery(PAGE_OF_PROFILES).execute(Tuple.of(workspaceId, after, PLAN_PAGE)).chain(rows -> {
            List<UUID> ids = new ArrayList<>();
            rows.forEach(row -> ids.add(row.getUUID("id")));
            if (ids.isEmpty()) {
                return Uni.createFrom().item(planned);
            }
            EvaluationContext context = new EvaluationContext(workspaceId, clock.instant(), zone);
            ConditionRequirements requirements = ConditionRequirements.of(audiences.timed(), context);
            Uni<Void> page = snapshots.load(pool, workspaceId, ids, requirements).chain(loaded -> {
                List<UUID> wakeIds = new ArrayList<>();
                List<OffsetDateTime> wakeAts = new ArrayList<>();
                for (ProfileSnapshot profile : loaded.values()) {
                    Instant wake = ConditionTimeline.nextChange(audiences.timed(), profile, context);
                    if (wake != null) {
                        wakeIds.add(profile.id());
                        wakeAts.add(wake.atOffset(ZoneOffset.UTC));
                    }
                }
                return writeWakeups(pool, workspaceId, wakeIds, wakeAts);
            });
            UUID last = ids.get(ids.size() - 1);
            return page.chain(() -> ids.size() < PLAN_PAGE ? Uni.createFrom().item(planned + ids.size())
                    : planFrom(workspaceId, audiences, zone, last, planned + ids.size()));
        });
    }

    private static Uni<Void> writeWakeups(SqlClient client, UUID workspaceId, List<UUID> ids, List<OffsetDateTime> ats) {
        return ids.isEmpty() ? Uni.createFrom().voidItem()
                : client.preparedQuery(UPSERT_WAKEUPS).execute(Tuple.of(workspaceId, ids.toArray(UUID[]::new), ats.toArray(OffsetDateTime[]::new)))
                        .replaceWithVoid();
    }

    /** The workspace's rule tags and segments, remembered briefly; a change on this instance is seen at once. */
    Uni<Audiences> audiences(UUID workspaceId) {
        Instant now = clock.instant();
        Cached cached = cache.get(workspaceId);
        if (cached != null && now.isBefore(cached.until())) {
            return cached.audiences();
        }
        Uni<Audiences> loading = tags.ruleTags(pool, workspaceId)
                .chain(ruleTags -> segments.segmentRules(pool, workspaceId).map(rules -> Audiences.of(ruleTags, rules)))
                .memoize().indefinitely();
        cache.put(workspaceId, new Cached(loading, now.plus(remembered)));
        return loading.onFailure().invoke(() -> cache.remove(workspaceId));
    }

    /**
     * Re-decides every rule tag and segment for the profiles, inside the caller's transaction, and
     * writes what changed. Profiles that no longer exist (merged away) are skipped.
     */
    public Uni<Void> evaluate(SqlClient client, UUID workspaceId, Collection<UUID> profileIds, Instant now) {
        Map<UUID, ProfileChange> changes = new LinkedHashMap<>();
        profileIds.forEach(id -> changes.put(id, ProfileChange.EVERYTHING));
        return evaluate(client, workspaceId, changes, now);
    }

    /**
     * Re-decides, for each profile, the rule tags and segments its change may flip, inside the
     * caller's transaction, loading only what those conditions read, and writes what changed. The
     * others keep their answer until their inputs change or their wake-up is due. Profiles that no
     * longer exist (merged away) are skipped.
     */
    public Uni<Void> evaluate(SqlClient client, UUID workspaceId, Map<UUID, ProfileChange> changes, Instant now) {
        if (changes.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return audiences(workspaceId).chain(audiences -> audiences.isEmpty() ? Uni.createFrom().voidItem()
                : zones.zone(workspaceId).chain(zone -> {
                    EvaluationContext context = new EvaluationContext(workspaceId, now, zone);
                    Map<Choice, Plan> plans = new IdentityHashMap<>();
                    Map<UUID, Plan> planOf = new HashMap<>();
                    Map<UUID, ConditionRequirements> requirements = new LinkedHashMap<>();
                    changes.forEach((id, change) -> {
                        Plan plan = plans.computeIfAbsent(audiences.choose(change), choice -> choice.plan(context));
                        if (!plan.decide().isEmpty()) {
                            planOf.put(id, plan);
                            requirements.put(id, plan.requirements());
                        }
                    });
                    return requirements.isEmpty() ? Uni.createFrom().voidItem()
                            : snapshots.load(client, workspaceId, requirements)
                                    .chain(loaded -> decideAndWrite(client, workspaceId, audiences, loaded.values(), planOf, context));
                }));
    }

    private Uni<Void> decideAndWrite(SqlClient client, UUID workspaceId, Audiences audiences, Collection<ProfileSnapshot> profiles,
            Map<UUID, Plan> planOf, EvaluationContext context) {
        List<TagChange> tagChanges = new ArrayList<>();
        List<MembershipChange> membershipChanges = new ArrayList<>();
        List<UUID> wakeIds = new ArrayList<>();
        List<OffsetDateTime> wakeAts = new ArrayList<>();
        int tagCount = audiences.tags().size();
        for (ProfileSnapshot stored : profiles) {
            Plan plan = planOf.get(stored.id());
            Set<String> tagsNow = new HashSet<>(stored.tags());
            Set<UUID> segmentsNow = new HashSet<>(stored.segments());
            ProfileSnapshot profile = new ProfileSnapshot(stored.id(), stored.traits(), stored.computed(), tagsNow, segmentsNow,
                    stored.consents(), stored.identityTypes(), stored.events());
            for (int i = plan.decide().nextSetBit(0); i >= 0; i = plan.decide().nextSetBit(i + 1)) {
                boolean matches = ConditionMatcher.matches(audiences.conditions().get(i), profile, context);
                if (i < tagCount) {
                    String tag = audiences.tags().get(i).name();
                    if (matches != tagsNow.contains(tag)) {
                        tagChanges.add(new TagChange(profile.id(), tag, matches));
                        if (matches) {
                            tagsNow.add(tag);
                        } else {
                            tagsNow.remove(tag);
                        }
                    }
                } else {
                    UUID segment = audiences.segments().get(i - tagCount).id();
                    if (matches != segmentsNow.contains(segment)) {
                        membershipChanges.add(new MembershipChange(segment, profile.id(), matches));
                        if (matches) {
                            segmentsNow.add(segment);
                        } else {
                            segmentsNow.remove(segment);
                        }
                    }
                }
            }
            // Wake-ups only move earlier (UPSERT_WAKEUPS), so the next change of the conditions
            // decided now is enough: the others' next change is already planned.
            if (!plan.timed().isEmpty()) {
                Instant wake = ConditionTimeline.nextChange(plan.timed(), profile, context);
                if (wake != null) {
                    wakeIds.add(profile.id());
                    wakeAts.add(wake.atOffset(ZoneOffset.UTC));
                }
            }
        }
        Instant at = context.now();
        // The writes touch different rows, so they are sent together and pipelined on the
        // connection: one round trip while the profiles stay locked instead of up to five.
        List<Uni<Void>> writes = new ArrayList<>();
        if (!tagChanges.isEmpty()) {
            writes.add(tags.applyRuleChanges(client, workspaceId, tagChanges, at));
        }
        if (!membershipChanges.isEmpty()) {
            writes.add(segments.applyMembershipChanges(client, workspaceId, membershipChanges, at));
        }
        if (!wakeIds.isEmpty()) {
            writes.add(writeWakeups(client, workspaceId, wakeIds, wakeAts));
        }
        return writes.isEmpty() ? Uni.createFrom().voidItem() : Uni.join().all(writes).andFailFast().replaceWithVoid();
    }

    /**
     * Decides the profiles again in a transaction of their own, after a change made outside
     * ingestion (traits set by hand, consent answers, manual tags). Their rows are locked first so
     * ingestion of the same profiles waits instead of deciding on an older snapshot.
     */
    public Uni<Void> evaluateNow(UUID workspaceId, Collection<UUID> profileIds) {
        return evaluateNow(workspaceId, List.copyOf(profileIds), ProfileChange.EVERYTHING);
    }

    /**
     * Decides the profiles again after the same change of each, made outside ingestion, a page of
     * {@link #EVALUATE_PAGE} profiles per transaction. Nothing is locked or loaded when no rule tag
     * or segment reads what changed.
     */
    public Uni<Void> evaluateNow(UUID workspaceId, List<UUID> profileIds, ProfileChange change) {
        if (profileIds.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return audiences(workspaceId).chain(audiences -> {
            if (audiences.inputs().stream().noneMatch(inputs -> inputs.touchedBy(change, Set.of(), Set.of()))) {
                return Uni.createFrom().voidItem();
            }
            Uni<Void> pages = Uni.createFrom().voidItem();
            for (int from = 0; from < profileIds.size(); from += EVALUATE_PAGE) {
                List<UUID> page = profileIds.subList(from, Math.min(profileIds.size(), from + EVALUATE_PAGE));
                Map<UUID, ProfileChange> changes = new LinkedHashMap<>();
                page.forEach(id -> changes.put(id, change));
                pages = pages.chain(() -> pool.withTransaction(connection -> connection.preparedQuery(ProfileLocks.LOCK_IDS)
                        .execute(Tuple.of(workspaceId, ProfileLocks.inLockOrder(page)))
                        .chain(() -> evaluate(connection, workspaceId, changes, clock.instant()))));
            }
            return pages;
        });
    }

    /**
     * Merged-away profiles leave their segments and hand their tags to the survivor, which is
     * decided again with the other changed profiles.
     */
    public Uni<Void> merged(SqlClient client, UUID workspaceId, Map<UUID, UUID> mergedInto, Instant now) {
        if (mergedInto.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return tagMerges.merged(client, workspaceId, mergedInto, now)
                .chain(() -> client.preparedQuery(MEMBERSHIPS_OF).execute(Tuple.of(workspaceId, mergedInto.keySet().toArray(UUID[]::new))))
                .chain(rows -> {
            List<MembershipChange> exits = new ArrayList<>();
            for (Row row : rows) {
                exits.add(new MembershipChange(row.getUUID("segment_id"), row.getUUID("profile_id"), false));
            }
            return exits.isEmpty() ? Uni.createFrom().voidItem() : segments.applyMembershipChanges(client, workspaceId, exits, now);
        });
    }
}
