package io.kizuna.condition;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.kizuna.common.json.JsonValues;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.pgclient.PgPool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * The differential test that holds the two engines of the condition language together: random
 * profiles (traits of every JSON shape, computed columns, identities, tags, segments, consents and
 * events, all colliding with the conditions' values and window boundaries) and random valid
 * conditions of every kind; for each condition the SQL compiler's answer over the database must be
 * exactly the set of profiles the in-memory matcher accepts, with snapshots loaded as production
 * loads them ({@link ConditionRequirements} and {@link SnapshotLoader}).
 *
 * <p>Deterministic: rerun a failure with {@code -Dkizuna.conditions.seed=<seed>} (and
 * {@code -Dkizuna.conditions.rounds}, {@code -Dkizuna.conditions.perRound} to change the volume).
 * A disagreement is shrunk to a minimal condition, printed as JSON with the disagreeing profile's
 * snapshot and both answers.
 */
@QuarkusTest
class ConditionEnginesAgreeTest {

    private static final long SEED = Long.getLong("kizuna.conditions.seed", 20_261_123L);
    private static final int ROUNDS = Integer.getInteger("kizuna.conditions.rounds", 16);
    private static final int CONDITIONS_PER_ROUND = Integer.getInteger("kizuna.conditions.perRound", 160);
    private static final int PROFILES_PER_ROUND = 40;
    /** Distinct minimal disagreements reported in one failure message. */
    private static final int MAX_REPORTS = 8;
    /** Failures shrunk before the rest are only counted. */
    private static final int MAX_SHRINKS = 25;
    private static final int SHRINK_BUDGET = 400;

    @Inject
    PgPool pool;

    @Inject
    SnapshotLoader loader;

    /** One round's data in the database. */
    private record Round(int index, long seed, GenerationWorld world, List<UUID> profileIds) {
    }

    /**
     * What the two engines said about one condition, or why one of them could not say. When they
     * disagree, {@code subject} is the part they disagree on: the condition or one of its leaves.
     */
    private record Outcome(String problem, Condition subject, CompiledCondition compiled, Set<UUID> sql, Set<UUID> matcher,
            Map<UUID, ProfileSnapshot> snapshots) {

        static Outcome broken(String problem, Condition subject) {
            return new Outcome(problem, subject, null, null, null, null);
        }

        boolean failed() {
            return problem != null;
        }
    }

    @Test
    void the_sql_compiler_and_the_in_memory_matcher_agree_on_random_conditions_and_profiles() {
        long started = System.nanoTime();
        GenerationCoverage coverage = new GenerationCoverage();
        Map<String, String> reports = new LinkedHashMap<>();
        Map<String, Integer> failureKinds = new TreeMap<>();
        int conditions = 0;
        int failures = 0;
        int shrinks = 0;
        int[] selected = new int[3]; // none, some, all profiles
        // The same profile ids in every workspace: tenant isolation is part of the semantics.
        SeededRandom ids = new SeededRandom(SEED);
        List<UUID> profileIds = new ArrayList<>();
        for (int i = 0; i < PROFILES_PER_ROUND; i++) {
            profileIds.add(ids.uuid());
        }
        for (int index = 0; index < ROUNDS; index++) {
            Round round = round(index, SeededRandom.derive(SEED, index), profileIds);
            for (int i = 0; i < CONDITIONS_PER_ROUND; i++) {
                long conditionSeed = SeededRandom.derive(round.seed(), i + 1L);
                Condition condition = new ConditionGenerator(new SeededRandom(conditionSeed), round.world()).next();
                conditions++;
                coverage.generated(condition);
                String codecProblem = codecProblem(condition);
                Outcome outcome = codecProblem != null ? Outcome.broken("codec: " + codecProblem, condition) : evaluate(round, condition);
                if (!outcome.failed()) {
                    selected[outcome.sql().isEmpty() ? 0 : outcome.sql().size() == round.profileIds().size() ? 2 : 1]++;
                    recordLeafOutcomes(condition, outcome.snapshots(), round.world().context, coverage);
                    continue;
                }
                failures++;
                String kind = kind(outcome.problem());
                failureKinds.merge(kind, 1, Integer::sum);
                if (shrinks >= MAX_SHRINKS || reports.size() >= MAX_REPORTS) {
                    continue;
                }
                shrinks++;
                Condition minimal = ConditionShrinker.shrink(condition, candidate -> {
                    String problem = codecProblem(candidate);
                    String candidateKind = problem != null ? kind("codec: " + problem) : kind(evaluate(round, candidate).problem());
                    return kind.equals(candidateKind);
                }, SHRINK_BUDGET);
                String signature = kind + " " + shape(minimal);
                if (!reports.containsKey(signature)) {
                    reports.put(signature, describeFailure(round, i, conditionSeed, condition, minimal));
                }
            }
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        System.out.printf("Condition engines: %d rounds x %d conditions over %d profiles each (seed %d), %d conditions in %.1f s; "
                + "selected none/some/all: %d/%d/%d; failures: %d %s%n%s", ROUNDS, CONDITIONS_PER_ROUND, PROFILES_PER_ROUND, SEED, conditions,
                seconds, selected[0], selected[1], selected[2], failures, failureKinds, coverage.outcomes());
        if (!reports.isEmpty()) {
            fail(failures + " of " + conditions + " conditions failed " + failureKinds + " (base seed " + SEED + "); "
                    + reports.size() + " distinct minimal failures:\n\n" + String.join("\n\n", reports.values()));
        }
        List<String> missing = coverage.missing();
        assertTrue(missing.isEmpty(), () -> "The generator went weak; never generated or never seen both true and false: " + missing
                + "\n" + coverage.report());
        assertTrue(selected[1] > conditions / 3, "Too few conditions select some but not all profiles: " + selected[1] + " of " + conditions);
    }

    // ---- rounds ----

    private Round round(int index, long seed, List<UUID> profileIds) {
        SeededRandom random = new SeededRandom(seed);
        GenerationWorld world = new GenerationWorld(random, UUID.randomUUID(), index);
        List<TestProfile> profiles = new ProfileDataGenerator(random, world).profiles(profileIds);
        TestProfile.insert(pool, world.workspaceId, world.zone.getId(), world.now, profiles);
        return new Round(index, seed, world, profiles.stream().map(profile -> profile.id).toList());
    }

    // ---- the two engines ----

    /**
     * Both engines on the condition, then both on each of its leaves alone (all leaves in one
     * statement), so a leaf that disagrees is caught even where the rest of the tree hides it.
     */
    private Outcome evaluate(Round round, Condition condition) {
        EvaluationContext context = round.world().context;
        UUID workspace = round.world().workspaceId;
        CompiledCondition compiled;
        try {
            compiled = SqlCompiler.compile(condition, context);
        } catch (RuntimeException e) {
            return Outcome.broken("compile error: " + e, condition);
        }
        Set<UUID> sql = new TreeSet<>();
        try {
            for (Row row : pool.preparedQuery("SELECT p.id FROM profiles p WHERE p.workspace_id = $1 AND (" + compiled.sql() + ")")
                    .execute(compiled.tuple(workspace)).await().indefinitely()) {
                sql.add(row.getUUID(0));
            }
        } catch (RuntimeException e) {
            return new Outcome("sql error: " + e.getMessage(), condition, compiled, null, null, null);
        }
        Map<UUID, ProfileSnapshot> snapshots;
        try {
            snapshots = loader.load(pool, workspace, round.profileIds(), ConditionRequirements.of(condition, context)).await().indefinitely();
        } catch (RuntimeException e) {
            return new Outcome("load error: " + e, condition, compiled, sql, null, null);
        }
        if (snapshots.size() != round.profileIds().size()) {
            return new Outcome("load error: " + snapshots.size() + " snapshots for " + round.profileIds().size() + " profiles", condition,
                    compiled, sql, null, snapshots);
        }
        Set<UUID> matcher;
        try {
            matcher = matching(condition, snapshots, context);
        } catch (RuntimeException e) {
            return new Outcome("matcher error: " + e, condition, compiled, sql, null, snapshots);
        }
        if (!sql.equals(matcher)) {
            return new Outcome("disagreement", condition, compiled, sql, matcher, snapshots);
        }
        List<Condition> leaves = new ArrayList<>(new LinkedHashSet<>(leaves(condition)));
        if (leaves.isEmpty() || leaves.size() == 1 && leaves.get(0).equals(condition)) {
            return new Outcome(null, condition, compiled, sql, matcher, snapshots);
        }
        List<CompiledCondition> parts = new ArrayList<>();
        List<String> columns = new ArrayList<>();
        List<Object> params = new ArrayList<>();
        params.add(workspace);
        for (Condition leaf : leaves) {
            CompiledCondition part;
            try {
                part = SqlCompiler.compile(leaf, context);
            } catch (RuntimeException e) {
                return Outcome.broken("compile error: " + e, leaf);
            }
            parts.add(part);
            columns.add("(" + renumbered(part.sql(), params.size() - 1) + ")");
            params.addAll(part.params());
        }
        List<Set<UUID>> leafSql = new ArrayList<>();
        leaves.forEach(leaf -> leafSql.add(new TreeSet<>()));
        try {
            for (Row row : pool.preparedQuery("SELECT p.id, " + String.join(", ", columns) + " FROM profiles p WHERE p.workspace_id = $1")
                    .execute(Tuple.from(params)).await().indefinitely()) {
                for (int i = 0; i < leaves.size(); i++) {
                    Boolean value = row.getBoolean(i + 1);
                    if (value == null) {
                        return new Outcome("sql error: NULL (a leaf must be true or false) for profile " + row.getUUID(0), leaves.get(i),
                                parts.get(i), null, null, null);
                    }
                    if (value) {
                        leafSql.get(i).add(row.getUUID(0));
                    }
                }
            }
        } catch (RuntimeException e) {
            return Outcome.broken("sql error: " + e.getMessage(), condition);
        }
        for (int i = 0; i < leaves.size(); i++) {
            Set<UUID> leafMatcher;
            try {
                leafMatcher = matching(leaves.get(i), snapshots, context);
            } catch (RuntimeException e) {
                return new Outcome("matcher error: " + e, leaves.get(i), parts.get(i), leafSql.get(i), null, snapshots);
            }
            if (!leafSql.get(i).equals(leafMatcher)) {
                return new Outcome("disagreement", leaves.get(i), parts.get(i), leafSql.get(i), leafMatcher, snapshots);
            }
        }
        return new Outcome(null, condition, compiled, sql, matcher, snapshots);
    }

    private static Set<UUID> matching(Condition condition, Map<UUID, ProfileSnapshot> snapshots, EvaluationContext context) {
        Set<UUID> ids = new TreeSet<>();
        for (ProfileSnapshot snapshot : snapshots.values()) {
            if (ConditionMatcher.matches(condition, snapshot, context)) {
                ids.add(snapshot.id());
            }
        }
        return ids;
    }

    private static final java.util.regex.Pattern PLACEHOLDER = java.util.regex.Pattern.compile("\\$(\\d+)");

    /** A compiled leaf's SQL with its own parameters ($2..) moved up by {@code shift}, to sit beside other leaves in one statement. */
    private static String renumbered(String sql, int shift) {
        java.util.regex.Matcher placeholder = PLACEHOLDER.matcher(sql);
        StringBuilder result = new StringBuilder();
        while (placeholder.find()) {
            int number = Integer.parseInt(placeholder.group(1));
            placeholder.appendReplacement(result, "\\$" + (number == 1 ? 1 : number + shift));
        }
        placeholder.appendTail(result);
        return result.toString();
    }

    /** Null when the JSON codec writes the condition and reads back an equal one. */
    private static String codecProblem(Condition condition) {
        try {
            Object json = ConditionJson.write(condition);
            Condition back = ConditionJson.read(json, "conditions");
            return condition.equals(back) ? null : "read(write(c)) differs: " + back;
        } catch (RuntimeException e) {
            return e.getClass().getSimpleName() + ": " + e.getMessage();
        }
    }

    /** The failure category a shrunk variant must keep: a disagreement, or an error of the same kind from the same engine. */
    private static String kind(String problem) {
        if (problem == null) {
            return "ok";
        }
        if (problem.startsWith("codec:")) {
            String detail = problem.substring("codec: ".length());
            return detail.startsWith("read(write(c)) differs") ? "codec: round trip differs" : "codec: " + detail.split(":")[0];
        }
        int colon = problem.indexOf(':');
        return colon < 0 ? problem : problem.substring(0, colon);
    }

    private static void recordLeafOutcomes(Condition condition, Map<UUID, ProfileSnapshot> snapshots, EvaluationContext context,
            GenerationCoverage coverage) {
        for (Condition leaf : leaves(condition)) {
            for (ProfileSnapshot snapshot : snapshots.values()) {
                coverage.outcome(leaf, ConditionMatcher.matches(leaf, snapshot, context));
            }
        }
    }

    static List<Condition> leaves(Condition condition) {
        List<Condition> leaves = new ArrayList<>();
        collectLeaves(condition, leaves);
        return leaves;
    }

    private static void collectLeaves(Condition condition, List<Condition> leaves) {
        if (condition instanceof Condition.All all) {
            all.conditions().forEach(child -> collectLeaves(child, leaves));
        } else if (condition instanceof Condition.Any any) {
            any.conditions().forEach(child -> collectLeaves(child, leaves));
        } else if (condition instanceof Condition.Not not) {
            collectLeaves(not.condition(), leaves);
        } else {
            leaves.add(condition);
        }
    }

    /** The kinds, operators and value types of a condition's leaves, to tell distinct failures apart. */
    private static String shape(Condition condition) {
        Set<String> shapes = new TreeSet<>();
        for (Condition leaf : leaves(condition)) {
            if (leaf instanceof Condition.Trait trait) {
                shapes.add("trait " + trait.op().json() + " " + typeName(trait.value()));
            } else if (leaf instanceof Condition.Computed computed) {
                shapes.add("computed " + computed.field().json() + " " + computed.op().json() + " " + typeName(computed.value()));
            } else if (leaf instanceof Condition.Event event) {
                event.where().forEach(filter -> shapes.add("filter " + filter.op().json() + " " + typeName(filter.value())));
                shapes.add("event " + event.window().getClass().getSimpleName() + " " + event.count().op());
            } else if (leaf instanceof Condition.LastEvent last) {
                last.where().forEach(filter -> shapes.add("filter " + filter.op().json() + " " + typeName(filter.value())));
                shapes.add("lastEvent " + last.op().json() + " " + typeName(last.value()));
            } else if (leaf instanceof Condition.Anniversary anniversary) {
                shapes.add("anniversary " + anniversary.when() + (anniversary.field().computed() != null ? " computed" : " trait"));
            } else {
                shapes.add(GenerationCoverage.kind(leaf));
            }
        }
        return shapes.toString();
    }

    private static String typeName(Value value) {
        if (value == null) {
            return "-";
        }
        if (value instanceof Value.ListOf list && !list.values().isEmpty()) {
            return "list of " + list.values().get(0).typeName();
        }
        return value.typeName();
    }

    // ---- failure messages ----

    private String describeFailure(Round round, int conditionIndex, long conditionSeed, Condition original, Condition minimal) {
        GenerationWorld world = round.world();
        StringBuilder text = new StringBuilder();
        String problem = codecProblem(minimal);
        Outcome outcome = problem != null ? Outcome.broken("codec: " + problem, minimal) : evaluate(round, minimal);
        text.append("=== ").append(outcome.problem()).append('\n');
        text.append("round ").append(round.index()).append(" (round seed ").append(round.seed()).append("), condition #").append(conditionIndex)
                .append(" (condition seed ").append(conditionSeed).append("); rerun with -Dkizuna.conditions.seed=").append(SEED).append('\n');
        text.append("now ").append(world.now).append(", zone ").append(world.zone).append(", today ").append(world.today)
                .append(", workspace ").append(world.workspaceId).append('\n');
        text.append("minimal condition: ").append(json(minimal)).append('\n');
        if (outcome.subject() != null && !outcome.subject().equals(minimal)) {
            text.append("the engines disagree on its part: ").append(json(outcome.subject())).append('\n');
        }
        if (outcome.compiled() != null) {
            text.append("compiled SQL: ").append(outcome.compiled().sql()).append('\n');
            text.append("parameters ($2..): ").append(outcome.compiled().params()).append('\n');
        }
        if (outcome.sql() != null && outcome.matcher() != null) {
            Set<UUID> differing = new LinkedHashSet<>();
            outcome.sql().stream().filter(id -> !outcome.matcher().contains(id)).forEach(differing::add);
            outcome.matcher().stream().filter(id -> !outcome.sql().contains(id)).forEach(differing::add);
            text.append(outcome.subject() != null && !outcome.subject().equals(minimal) ? "for that part, SQL selects " : "SQL selects ")
                    .append(outcome.sql().size()).append(", matcher selects ").append(outcome.matcher().size())
                    .append(" of ").append(round.profileIds().size()).append(" profiles; they disagree on ").append(differing.size()).append('\n');
            int shown = 0;
            for (UUID id : differing) {
                if (shown++ == 2) {
                    break;
                }
                text.append("profile ").append(id).append(": SQL says ").append(outcome.sql().contains(id)).append(", matcher says ")
                        .append(outcome.matcher().contains(id)).append('\n');
                text.append(describe(outcome.snapshots().get(id)));
                text.append(stored(world, id, ConditionRequirements.of(minimal, world.context).eventNames()));
            }
        }
        text.append("original condition: ").append(json(original));
        return text.toString();
    }

    /** The profile's rows as PostgreSQL holds them (the snapshot above is what the loader made of them). */
    private String stored(GenerationWorld world, UUID id, Set<String> eventNames) {
        StringBuilder text = new StringBuilder();
        for (Row row : pool.preparedQuery("SELECT traits::text FROM profiles WHERE workspace_id = $1 AND id = $2")
                .execute(Tuple.of(world.workspaceId, id)).await().indefinitely()) {
            text.append("  stored traits: ").append(row.getString(0)).append('\n');
        }
        if (!eventNames.isEmpty()) {
            text.append("  stored events:\n");
            for (Row row : pool.preparedQuery("""
                    SELECT occurred_at, name, properties::text FROM events
                     WHERE workspace_id = $1 AND profile_id = $2 AND name = ANY($3) ORDER BY occurred_at""")
                    .execute(Tuple.of(world.workspaceId, id, eventNames.toArray(String[]::new))).await().indefinitely()) {
                text.append("    ").append(row.getOffsetDateTime(0).toInstant()).append(' ').append(row.getString(1)).append(' ')
                        .append(row.getString(2)).append('\n');
            }
        }
        return text.toString();
    }

    private static String json(Condition condition) {
        try {
            return JsonValues.encode(ConditionJson.write(condition));
        } catch (RuntimeException e) {
            return condition.toString();
        }
    }

    static String describe(ProfileSnapshot snapshot) {
        if (snapshot == null) {
            return "  (no snapshot)\n";
        }
        StringBuilder text = new StringBuilder();
        text.append("  traits: ").append(JsonValues.encode(snapshot.traits())).append('\n');
        text.append("  computed: ").append(snapshot.computed()).append('\n');
        text.append("  tags: ").append(new TreeSet<>(snapshot.tags())).append(", segments: ").append(snapshot.segments())
                .append(", identity types: ").append(new TreeSet<>(snapshot.identityTypes())).append('\n');
        Map<String, Boolean> consents = new TreeMap<>();
        snapshot.consents().forEach((key, granted) -> consents.put(key.replace('\u0000', '/'), granted));
        text.append("  consents (channel/topic): ").append(consents).append('\n');
        List<ProfileSnapshot.EventRecord> events = new ArrayList<>(snapshot.events());
        events.sort(Comparator.comparing(ProfileSnapshot.EventRecord::occurredAt, Comparator.nullsFirst(Comparator.<Instant>naturalOrder())));
        text.append("  events loaded (").append(events.size()).append("):\n");
        for (ProfileSnapshot.EventRecord event : events) {
            text.append("    ").append(event.occurredAt()).append(' ').append(event.name()).append(' ')
                    .append(JsonValues.encode(event.properties())).append('\n');
        }
        return text.toString();
    }
}
