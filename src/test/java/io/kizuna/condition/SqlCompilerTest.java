package io.kizuna.condition;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import io.kizuna.common.time.StoredMicros;
import io.kizuna.condition.Condition.AnniversaryWhen;
import io.kizuna.condition.Condition.CountOp;
import io.kizuna.condition.Condition.EventCount;
import io.kizuna.condition.Condition.EventWindow;
import io.kizuna.condition.Condition.FieldRef;
import io.kizuna.condition.Condition.PropertyFilter;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Tuple;

class SqlCompilerTest {

    private static final UUID WORKSPACE = UUID.fromString("0190a1b2-0000-7000-8000-000000000001");
    private static final Instant NOW = Instant.parse("2026-03-10T06:30:00Z");
    /** A property filter, so an event condition is answered from the event store. */
    private static final PropertyFilter PAID = new PropertyFilter(List.of("total"), Operator.GT, new Value.Number(BigDecimal.ZERO));
    private static final EvaluationContext TOKYO = new EvaluationContext(WORKSPACE, NOW, ZoneId.of("Asia/Tokyo"));

    private static final String INJECTION = "Robert'); DROP TABLE profiles; --";
    private static final Pattern PLACEHOLDER = Pattern.compile("\\$(\\d+)(::([a-z0-9]+(\\[\\])?))?");

    private static final Map<String, Predicate<Object>> JAVA_TYPE_OF_CAST = Map.ofEntries(
            Map.entry("text", String.class::isInstance),
            Map.entry("numeric", BigDecimal.class::isInstance),
            Map.entry("float8", Double.class::isInstance),
            Map.entry("int", Integer.class::isInstance),
            Map.entry("uuid", UUID.class::isInstance),
            Map.entry("date", LocalDate.class::isInstance),
            Map.entry("timestamptz", value -> value instanceof OffsetDateTime time && time.getOffset().equals(ZoneOffset.UTC)),
            Map.entry("jsonb", value -> value instanceof JsonObject || value instanceof JsonArray),
            Map.entry("text[]", String[].class::isInstance),
            Map.entry("int[]", Integer[].class::isInstance),
            Map.entry("numeric[]", BigDecimal[].class::isInstance),
            Map.entry("float8[]", Double[].class::isInstance));

    @Test
    void not_ordered_since_the_last_add_looks_for_that_add_only_within_the_sibling_window() {
        Condition addedThisWeek = new Condition.Event("Product Added", List.of(),
                new EventWindow.WithinLast(new Span(7, Span.Unit.DAYS)), new EventCount(CountOp.AT_LEAST, 1));
        Condition notOrderedSince = new Condition.Event("Order Completed", List.of(PAID), new EventWindow.SinceEvent("Product Added"),
                new EventCount(CountOp.AT_MOST, 0));
        OffsetDateTime weekAgo = NOW.minusSeconds(7 * 86_400).atOffset(ZoneOffset.UTC);

        CompiledCondition together = SqlCompiler.compile(new Condition.All(List.of(addedThisWeek, notOrderedSince)), TOKYO);
        assertTrue(together.sql().contains("r.occurred_at >= $"), together.sql());
        assertTrue(together.params().contains(weekAgo), "the reference search starts at the sibling's window");

        CompiledCondition alone = SqlCompiler.compile(notOrderedSince, TOKYO);
        assertFalse(alone.sql().contains("r.occurred_at >="), "without the sibling the whole history counts");
        CompiledCondition eitherOr = SqlCompiler.compile(new Condition.Any(List.of(addedThisWeek, notOrderedSince)), TOKYO);
        assertFalse(eitherOr.sql().contains("r.occurred_at >="), "under any the sibling may be false while the since leaf decides");
    }

    @Test
    void values_never_appear_in_the_sql_text_only_in_the_parameters() {
        List<String> markers = new ArrayList<>();
        List<Condition> leaves = new ArrayList<>();
        for (int i = 0; i < 14; i++) {
            markers.add(INJECTION + " #" + i);
        }
        leaves.add(trait(List.of(markers.get(0), "city"), Operator.EQUALS, text(markers.get(1))));
        leaves.add(trait(List.of("name"), Operator.STARTS_WITH, text(markers.get(2))));
        leaves.add(trait(List.of("name"), Operator.CONTAINS, text(markers.get(3))));
        leaves.add(trait(List.of("name"), Operator.MATCHES, text("^Robert'\\); DROP")));
        leaves.add(new Condition.HasTag(markers.get(4)));
        leaves.add(new Condition.Event(markers.get(5), List.of(new PropertyFilter(List.of(markers.get(6)), Operator.ENDS_WITH, text(markers.get(7)))),
                new EventWindow.SinceEvent(markers.get(8)), new EventCount(CountOp.AT_LEAST, 2)));
        leaves.add(new Condition.LastEvent(markers.get(9), List.of(), Operator.WITHIN_LAST, duration(3, Span.Unit.DAYS)));
        leaves.add(new Condition.Consent(markers.get(10), markers.get(11), Condition.ConsentStatus.UNKNOWN));
        leaves.add(new Condition.RandomBucket(markers.get(12), 100, 0, 9));
        leaves.add(new Condition.Computed(ComputedField.CHANNEL_LAST_ACTIVITY_AT, markers.get(13), Operator.EXISTS, null));

        CompiledCondition compiled = SqlCompiler.compile(new Condition.All(leaves), TOKYO);

        assertAll(markers.stream().map(marker -> () -> {
            assertFalse(compiled.sql().contains(marker), () -> "the SQL contains " + marker + ": " + compiled.sql());
            assertTrue(compiled.params().stream().anyMatch(param -> param.toString().contains(marker)), () -> marker + " is not a parameter");
        }));
        assertFalse(compiled.sql().contains("DROP"), compiled.sql());
        assertTrue(compiled.params().stream().anyMatch(param -> param.toString().startsWith("^Robert'")), "the regex is a parameter");
        assertFalse(compiled.params().contains(WORKSPACE), "the workspace is $1, bound by the caller");
    }

    @Test
    void parameters_are_numbered_densely_from_2_and_each_has_the_java_type_of_its_cast() {
        List<Condition> leaves = everyKindOfLeaf();
        int half = leaves.size() / 2;
        Condition tree = new Condition.All(List.of(new Condition.Any(leaves.subList(0, half)), new Condition.Not(new Condition.All(leaves.subList(half, leaves.size())))));
        for (EvaluationContext context : List.of(TOKYO, new EvaluationContext(WORKSPACE, NOW.plusNanos(123_456_789), ZoneOffset.ofHoursMinutes(5, 30)))) {
            assertPlaceholdersAreDenseAndTyped(SqlCompiler.compile(tree, context));
            for (Condition leaf : leaves) {
                assertPlaceholdersAreDenseAndTyped(SqlCompiler.compile(leaf, context));
            }
        }
    }

    private static void assertPlaceholdersAreDenseAndTyped(CompiledCondition compiled) {
        TreeSet<Integer> used = new TreeSet<>();
        Matcher placeholder = PLACEHOLDER.matcher(compiled.sql());
        while (placeholder.find()) {
            int number = Integer.parseInt(placeholder.group(1));
            used.add(number);
            String cast = placeholder.group(3);
            if (number == 1) {
                assertEquals(null, cast, "$1 is compared with workspace_id columns, without a cast");
                continue;
            }
            assertTrue(cast != null, () -> "$" + number + " has no cast in " + compiled.sql());
            assertTrue(JAVA_TYPE_OF_CAST.containsKey(cast), "unexpected cast " + cast);
            Object value = compiled.params().get(number - 2);
            assertTrue(JAVA_TYPE_OF_CAST.get(cast).test(value),
                    () -> "$" + number + "::" + cast + " is bound to a " + value.getClass().getSimpleName() + ": " + value);
        }
        used.add(1);
        TreeSet<Integer> expected = new TreeSet<>();
        for (int number = 1; number <= compiled.params().size() + 1; number++) {
            expected.add(number);
        }
        assertEquals(expected, used, () -> compiled.sql() + " " + compiled.params());
        assertEquals(compiled.params().size() + 2, compiled.nextParameter());
    }

    @Test
    void an_empty_all_is_true_and_an_empty_any_is_false() {
        assertEquals("true", SqlCompiler.compile(new Condition.All(List.of()), TOKYO).sql());
        assertEquals("false", SqlCompiler.compile(new Condition.Any(List.of()), TOKYO).sql());
        assertEquals("NOT (false)", SqlCompiler.compile(new Condition.Not(new Condition.Any(List.of())), TOKYO).sql());
    }

    @Test
    void a_column_that_is_never_null_is_compared_bare_so_the_planner_can_estimate_it() {
        String revenue = SqlCompiler.compile(new Condition.Computed(ComputedField.LIFETIME_REVENUE, null, Operator.GT,
                new Value.Number(new BigDecimal("50000"))), TOKYO).sql();
        String averageOrder = SqlCompiler.compile(new Condition.Computed(ComputedField.AVERAGE_ORDER_VALUE, null, Operator.GT,
                new Value.Number(new BigDecimal("5000"))), TOKYO).sql();

        assertEquals("(p.lifetime_revenue > $2::numeric)", revenue);
        assertEquals("coalesce(p.average_order_value > $2::numeric, false)", averageOrder, "no orders, no average: NULL must be false");
    }

    @Test
    void a_tag_and_a_segment_are_uncorrelated_sub_queries_on_their_tables() {
        UUID segment = UUID.randomUUID();
        CompiledCondition compiled = SqlCompiler.compile(new Condition.Any(List.of(new Condition.HasTag("vip"), new Condition.InSegment(segment))), TOKYO);

        assertEquals("(p.id IN (SELECT t.profile_id FROM profile_tags t WHERE t.workspace_id = $1 AND t.tag = $2::text)"
                + " OR p.id IN (SELECT m.profile_id FROM segment_members m WHERE m.workspace_id = $1 AND m.segment_id = $3::uuid))", compiled.sql());
        assertEquals(List.of("vip", segment), compiled.params());
    }

    @Test
    void a_filtered_event_at_least_once_in_the_last_3_hours_is_a_semi_join_bounded_by_now() {
        CompiledCondition compiled = SqlCompiler.compile(new Condition.Event("Product Added", List.of(PAID),
                new EventWindow.WithinLast(new Span(3, Span.Unit.HOURS)), new EventCount(CountOp.AT_LEAST, 1)), TOKYO);

        assertTrue(compiled.sql().startsWith("p.id IN (SELECT e.profile_id FROM events e WHERE e.workspace_id = $1 AND e.name = $2::text"
                + " AND e.occurred_at >= $3::timestamptz AND e.occurred_at <= $4::timestamptz AND "), compiled.sql());
        assertEquals(List.of("Product Added", utc("2026-03-10T03:30:00Z"), utc("2026-03-10T06:30:00Z")), compiled.params().subList(0, 3));
    }

    @Test
    void a_filtered_never_since_another_event_is_an_anti_join_on_the_events_after_its_last_occurrence() {
        CompiledCondition compiled = SqlCompiler.compile(new Condition.Event("Order Completed", List.of(PAID),
                new EventWindow.SinceEvent("Product Added"), new EventCount(CountOp.AT_MOST, 0)), TOKYO);

        assertTrue(compiled.sql().startsWith("NOT (p.id IN (SELECT e.profile_id FROM events e JOIN (SELECT r.profile_id, max(r.occurred_at) AS since FROM events r"
                + " WHERE r.workspace_id = $1 AND r.name = $3::text GROUP BY r.profile_id) s ON s.profile_id = e.profile_id"
                + " WHERE e.workspace_id = $1 AND e.name = $2::text AND e.occurred_at > s.since AND "), compiled.sql());
        assertEquals(List.of("Order Completed", "Product Added"), compiled.params().subList(0, 2));
    }

    @Test
    void counted_events_group_by_profile_and_at_most_negates_more_than() {
        String atLeast = SqlCompiler.compile(event(CountOp.AT_LEAST, 3), TOKYO).sql();
        String atMost = SqlCompiler.compile(event(CountOp.AT_MOST, 2), TOKYO).sql();
        String exactly = SqlCompiler.compile(event(CountOp.EXACTLY, 2), TOKYO).sql();
        String exactlyNone = SqlCompiler.compile(event(CountOp.EXACTLY, 0), TOKYO).sql();

        assertTrue(atLeast.startsWith("p.id IN (") && atLeast.endsWith(" GROUP BY e.profile_id HAVING count(*) >= $3::int)"), atLeast);
        assertTrue(atMost.startsWith("NOT (p.id IN (") && atMost.endsWith(" GROUP BY e.profile_id HAVING count(*) > $3::int))"), atMost);
        assertTrue(exactly.startsWith("p.id IN (") && exactly.endsWith(" GROUP BY e.profile_id HAVING count(*) = $3::int)"), exactly);
        assertEquals("NOT ((p.last_events ->> $2::text)::bigint IS NOT NULL)", exactlyNone);
    }

    @Test
    void unfiltered_once_or_never_is_decided_from_the_profiles_last_events_and_a_future_last_event_asks_the_event_store() {
        Condition notOrderedSinceAdd = new Condition.Event("Order Completed", List.of(), new EventWindow.SinceEvent("Product Added"),
                new EventCount(CountOp.EXACTLY, 0));
        Condition addedWithin3Hours = new Condition.Event("Product Added", List.of(), new EventWindow.WithinLast(new Span(3, Span.Unit.HOURS)),
                new EventCount(CountOp.AT_LEAST, 1));

        assertEquals("NOT coalesce((p.last_events ->> $2::text)::bigint > (p.last_events ->> $3::text)::bigint, false)",
                SqlCompiler.compile(notOrderedSinceAdd, TOKYO).sql());
        CompiledCondition within = SqlCompiler.compile(addedWithin3Hours, TOKYO);
        assertEquals("(CASE WHEN (p.last_events ->> $2::text)::bigint IS NULL THEN false WHEN (p.last_events ->> $2::text)::bigint <= $4::bigint"
                + " THEN (p.last_events ->> $2::text)::bigint >= $3::bigint ELSE kizuna_event_between($1, p.id, $2::text, $5::timestamptz, $6::timestamptz) END)",
                within.sql());
        assertEquals(StoredMicros.of(NOW.minusSeconds(3 * 3600)), within.params().get(1));
        assertEquals(StoredMicros.of(NOW), within.params().get(2));
    }

    @Test
    void trait_equality_is_containment_of_the_nested_document() {
        CompiledCondition compiled = SqlCompiler.compile(trait(List.of("address", "city"), Operator.EQUALS, text("東京")), TOKYO);

        assertEquals("p.traits @> $2::jsonb", compiled.sql());
        assertEquals(new JsonObject().put("address", new JsonObject().put("city", "東京")), compiled.params().get(0));
    }

    @Test
    void a_negative_operator_is_the_negation_of_its_positive_twin() {
        for (Operator negative : List.of(Operator.NOT_EQUALS, Operator.NOT_IN, Operator.NOT_CONTAINS, Operator.MISSING)) {
            Value value = switch (negative) {
                case NOT_IN -> new Value.ListOf(List.of(text("a"), number("1")));
                case MISSING -> null;
                default -> text("a");
            };
            String negated = SqlCompiler.compile(trait(List.of("plan"), negative, value), TOKYO).sql();
            String positive = SqlCompiler.compile(trait(List.of("plan"), negative.negated(), value), TOKYO).sql();
            assertEquals("NOT (" + positive + ")", negated);
        }
    }

    @Test
    void casts_of_trait_values_are_guarded_by_a_type_test_in_a_case() {
        String greater = SqlCompiler.compile(trait(List.of("age"), Operator.GT, number("18")), TOKYO).sql();
        String month = SqlCompiler.compile(trait(List.of("birthday"), Operator.MONTH, new Value.ListOf(List.of(number("12")))), TOKYO).sql();

        assertEquals("CASE WHEN jsonb_typeof((p.traits -> $2::text)) = 'number' THEN ((p.traits -> $2::text))::numeric > $3::numeric ELSE false END", greater);
        assertEquals("CASE WHEN substr((p.traits ->> $2::text), 6, 2) = ANY($3::text[])"
                + " THEN jsonb_typeof((p.traits -> $2::text)) = 'string' AND (p.traits ->> $2::text) ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}' ELSE false END", month);
    }

    @Test
    void date_tests_on_traits_compare_text_first_and_run_the_date_pattern_only_on_what_passes() {
        CompiledCondition thisMonth = SqlCompiler.compile(new Condition.Anniversary(FieldRef.trait(List.of("birthday")), AnniversaryWhen.THIS_MONTH, 0), TOKYO);

        assertEquals("CASE WHEN substr((p.traits ->> $2::text), 6, 2) = $3::text"
                + " THEN jsonb_typeof((p.traits -> $2::text)) = 'string' AND (p.traits ->> $2::text) ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}' ELSE false END", thisMonth.sql());
    }

    @Test
    void relative_trait_dates_are_computed_from_today_in_the_workspace_zone() {
        EvaluationContext lateEvening = new EvaluationContext(WORKSPACE, Instant.parse("2026-03-10T20:00:00Z"), ZoneId.of("Asia/Tokyo"));

        CompiledCondition compiled = SqlCompiler.compile(trait(List.of("memberSince"), Operator.WITHIN_LAST, duration(1, Span.Unit.MONTHS)), lateEvening);

        assertEquals(List.of("memberSince", "2026-02-11", "2026-03-11"), compiled.params());
    }

    @Test
    void a_birthday_on_feb_29_is_celebrated_on_feb_28_in_a_common_year() {
        EvaluationContext feb28 = new EvaluationContext(WORKSPACE, Instant.parse("2027-02-28T03:00:00Z"), ZoneId.of("Asia/Tokyo"));
        EvaluationContext leapFeb28 = new EvaluationContext(WORKSPACE, Instant.parse("2028-02-28T03:00:00Z"), ZoneId.of("Asia/Tokyo"));
        Condition birthdayToday = new Condition.Anniversary(FieldRef.trait(List.of("birthday")), AnniversaryWhen.TODAY, 0);
        Condition firstOrderToday = new Condition.Anniversary(FieldRef.computed(ComputedField.FIRST_ORDER_AT), AnniversaryWhen.TODAY, 0);

        assertArrayEquals(new String[] {"02-28", "02-29"}, (String[]) SqlCompiler.compile(birthdayToday, feb28).params().get(1));
        assertArrayEquals(new String[] {"02-28"}, (String[]) SqlCompiler.compile(birthdayToday, leapFeb28).params().get(1));
        CompiledCondition computed = SqlCompiler.compile(firstOrderToday, feb28);
        assertEquals("coalesce(to_char((p.first_order_at AT TIME ZONE $2::text), 'MM-DD') = ANY($3::text[]), false)", computed.sql());
        assertArrayEquals(new String[] {"02-28", "02-29"}, (String[]) computed.params().get(1));
    }

    @Test
    void a_fixed_offset_zone_is_spelled_the_posix_way_because_postgresql_reads_plus_nine_as_west() {
        Condition mondays = new Condition.Computed(ComputedField.LAST_ORDER_AT, null, Operator.DAY_OF_WEEK, new Value.ListOf(List.of(number("1"))));

        assertEquals("<+0530>-05:30", SqlCompiler.compile(mondays, new EvaluationContext(WORKSPACE, NOW, ZoneOffset.ofHoursMinutes(5, 30))).params().get(0));
        assertEquals("<-0330>+03:30", SqlCompiler.compile(mondays, new EvaluationContext(WORKSPACE, NOW, ZoneId.of("UTC-03:30"))).params().get(0));
        assertEquals("UTC", SqlCompiler.compile(mondays, new EvaluationContext(WORKSPACE, NOW, ZoneId.of("Z"))).params().get(0));
        assertEquals("Asia/Tokyo", SqlCompiler.compile(mondays, TOKYO).params().get(0));
    }

    @Test
    void days_since_last_seen_is_null_when_the_profile_was_never_seen() {
        CompiledCondition compiled = SqlCompiler.compile(new Condition.Computed(ComputedField.DAYS_SINCE_LAST_SEEN, null, Operator.LT, number("3")), TOKYO);

        assertEquals("coalesce((CASE WHEN p.last_seen_at IS NOT NULL THEN greatest(0, floor(extract(epoch from ($2::timestamptz - p.last_seen_at)) / 86400)) END)"
                + " < $3::numeric, false)", compiled.sql());
        assertEquals(List.of(utc("2026-03-10T06:30:00Z"), new BigDecimal("3")), compiled.params());
    }

    @Test
    void the_average_order_interval_compares_as_a_double() {
        CompiledCondition compiled = SqlCompiler.compile(new Condition.Computed(ComputedField.AVERAGE_ORDER_INTERVAL_DAYS, null, Operator.IN,
                new Value.ListOf(List.of(number("30"), number("0.1")))), TOKYO);

        assertEquals("coalesce(p.average_order_interval_days = ANY($2::float8[]), false)", compiled.sql());
        assertArrayEquals(new Double[] {30d, 0.1d}, (Double[]) compiled.params().get(0));
    }

    @Test
    void time_bounds_are_rounded_to_microseconds_towards_their_comparison() {
        EvaluationContext nanos = new EvaluationContext(WORKSPACE, Instant.parse("2026-03-10T06:30:00.000000500Z"), ZoneId.of("Asia/Tokyo"));

        CompiledCondition compiled = SqlCompiler.compile(new Condition.Computed(ComputedField.LAST_SEEN_AT, null, Operator.WITHIN_LAST,
                duration(1, Span.Unit.HOURS)), nanos);

        assertEquals("coalesce(p.last_seen_at >= $2::timestamptz AND p.last_seen_at <= $3::timestamptz, false)", compiled.sql());
        assertEquals(List.of(utc("2026-03-10T05:30:00.000001Z"), utc("2026-03-10T06:30:00Z")), compiled.params());
    }

    @Test
    void the_tuple_starts_with_the_workspace_and_ends_with_the_extra_values() {
        CompiledCondition compiled = SqlCompiler.compile(new Condition.HasTag("vip"), TOKYO);

        Tuple tuple = compiled.tuple(WORKSPACE, 20);

        assertEquals(3, tuple.size());
        assertEquals(WORKSPACE, tuple.getValue(0));
        assertEquals("vip", tuple.getValue(1));
        assertEquals(20, tuple.getValue(2));
        assertEquals(3, compiled.nextParameter());
    }

    @Test
    void a_value_repeated_with_the_same_cast_is_bound_once() {
        CompiledCondition compiled = SqlCompiler.compile(new Condition.All(List.of(
                trait(List.of("plan"), Operator.EXISTS, null), trait(List.of("plan"), Operator.STARTS_WITH, text("plan")))), TOKYO);

        assertEquals(List.of("plan"), compiled.params());
        assertInstanceOf(String.class, compiled.params().get(0));
    }

    // ---- fixtures ----

    private static List<Condition> everyKindOfLeaf() {
        List<Condition> leaves = new ArrayList<>();
        List<String> path = List.of("address", "city");
        Value.ListOf numbers = new Value.ListOf(List.of(number("1"), number("2.5")));
        Value.ListOf dates = new Value.ListOf(List.of(new Value.Date(LocalDate.parse("2026-01-01")), new Value.Date(LocalDate.parse("2026-02-01"))));
        Value.ListOf times = new Value.ListOf(List.of(new Value.Timestamp(NOW.minusSeconds(3600)), new Value.Timestamp(NOW)));
        Value.ListOf months = new Value.ListOf(List.of(number("1"), number("12")));
        Value.ListOf days = new Value.ListOf(List.of(number("1"), text("sunday")));
        for (Operator op : List.of(Operator.EXISTS, Operator.MISSING, Operator.IS_TRUE, Operator.IS_FALSE)) {
            leaves.add(trait(path, op, null));
        }
        leaves.add(trait(path, Operator.EQUALS, text("東京")));
        leaves.add(trait(path, Operator.NOT_EQUALS, number("1.0")));
        leaves.add(trait(path, Operator.IN, new Value.ListOf(List.of(text("a"), number("1"), new Value.Bool(true)))));
        leaves.add(trait(path, Operator.NOT_IN, new Value.ListOf(List.of(text("b")))));
        for (Operator op : List.of(Operator.GT, Operator.GTE, Operator.LT, Operator.LTE)) {
            leaves.add(trait(path, op, number("18")));
        }
        leaves.add(trait(path, Operator.BETWEEN, numbers));
        leaves.add(trait(path, Operator.BETWEEN, dates));
        leaves.add(trait(path, Operator.CONTAINS, text("kyo")));
        leaves.add(trait(path, Operator.NOT_CONTAINS, number("7")));
        leaves.add(trait(path, Operator.STARTS_WITH, text("To")));
        leaves.add(trait(path, Operator.ENDS_WITH, text("yo")));
        leaves.add(trait(path, Operator.MATCHES, text("\\d+\\s\\w")));
        leaves.add(trait(path, Operator.BEFORE, new Value.Date(LocalDate.parse("2026-01-01"))));
        leaves.add(trait(path, Operator.AFTER, new Value.Date(LocalDate.parse("2026-01-01"))));
        leaves.add(trait(path, Operator.WITHIN_LAST, duration(2, Span.Unit.WEEKS)));
        leaves.add(trait(path, Operator.MORE_THAN_AGO, duration(1, Span.Unit.YEARS)));
        leaves.add(trait(path, Operator.MONTH, months));
        for (ComputedField field : ComputedField.values()) {
            String channel = field == ComputedField.CHANNEL_LAST_ACTIVITY_AT ? "line" : null;
            if (field.type() == ComputedField.FieldType.NUMBER) {
                leaves.add(new Condition.Computed(field, channel, Operator.EQUALS, number("3")));
                leaves.add(new Condition.Computed(field, channel, Operator.NOT_IN, numbers));
                leaves.add(new Condition.Computed(field, channel, Operator.BETWEEN, numbers));
                leaves.add(new Condition.Computed(field, channel, Operator.GTE, number("2")));
                leaves.add(new Condition.Computed(field, channel, Operator.MISSING, null));
            } else {
                leaves.add(new Condition.Computed(field, channel, Operator.BEFORE, new Value.Date(LocalDate.parse("2026-01-01"))));
                leaves.add(new Condition.Computed(field, channel, Operator.AFTER, new Value.Timestamp(NOW)));
                leaves.add(new Condition.Computed(field, channel, Operator.BETWEEN, dates));
                leaves.add(new Condition.Computed(field, channel, Operator.BETWEEN, times));
                leaves.add(new Condition.Computed(field, channel, Operator.WITHIN_LAST, duration(90, Span.Unit.MINUTES)));
                leaves.add(new Condition.Computed(field, channel, Operator.MORE_THAN_AGO, duration(2, Span.Unit.MONTHS)));
                leaves.add(new Condition.Computed(field, channel, Operator.DAY_OF_WEEK, days));
                leaves.add(new Condition.Computed(field, channel, Operator.MONTH, months));
                leaves.add(new Condition.Computed(field, channel, Operator.EXISTS, null));
            }
        }
        List<PropertyFilter> where = List.of(new PropertyFilter(List.of("price"), Operator.GT, number("10")),
                new PropertyFilter(List.of("sku"), Operator.IN, new Value.ListOf(List.of(text("A-1")))));
        for (EventWindow window : List.of(new EventWindow.Ever(), new EventWindow.WithinLast(new Span(3, Span.Unit.HOURS)),
                new EventWindow.Between(NOW.minusSeconds(86_400), null), new EventWindow.Between(null, NOW), new EventWindow.SinceEvent("Product Added"))) {
            for (CountOp op : CountOp.values()) {
                for (int count : List.of(0, 1, 2)) {
                    leaves.add(new Condition.Event("Order Completed", where, window, new EventCount(op, count)));
                }
            }
        }
        for (Operator op : List.of(Operator.EXISTS, Operator.MISSING, Operator.WITHIN_LAST, Operator.DAY_OF_WEEK)) {
            Value value = op == Operator.WITHIN_LAST ? duration(30, Span.Unit.DAYS) : op == Operator.DAY_OF_WEEK ? days : null;
            leaves.add(new Condition.LastEvent("Order Completed", where, op, value));
        }
        for (Condition.ConsentStatus status : Condition.ConsentStatus.values()) {
            leaves.add(new Condition.Consent("email", "newsletter", status));
        }
        for (Channel channel : Channel.values()) {
            leaves.add(new Condition.Reachable(channel));
        }
        for (AnniversaryWhen when : AnniversaryWhen.values()) {
            leaves.add(new Condition.Anniversary(FieldRef.trait(List.of("birthday")), when, 30));
            leaves.add(new Condition.Anniversary(FieldRef.computed(ComputedField.FIRST_ORDER_AT), when, 30));
        }
        leaves.add(new Condition.HasTag("vip"));
        leaves.add(new Condition.InSegment(UUID.randomUUID()));
        leaves.add(new Condition.RandomBucket("holdout-2026", 100, 0, 9));
        leaves.add(trait(path, Operator.IN, new Value.ListOf(List.of())));
        leaves.add(trait(path, Operator.EQUALS, new Value.Date(LocalDate.parse("2026-01-01"))));
        leaves.add(trait(path, Operator.NOT_CONTAINS, new Value.Date(LocalDate.parse("2026-01-01"))));
        leaves.add(new Condition.Computed(ComputedField.DAYS_SINCE_LAST_SEEN, null, Operator.NOT_IN, new Value.ListOf(List.of())));
        return leaves;
    }

    private static Condition event(CountOp op, int times) {
        return new Condition.Event("Order Completed", List.of(), new EventWindow.Ever(), new EventCount(op, times));
    }

    private static Condition trait(List<String> path, Operator op, Value value) {
        return new Condition.Trait(path, op, value);
    }

    private static Value text(String value) {
        return new Value.Text(value);
    }

    private static Value number(String value) {
        return new Value.Number(new BigDecimal(value));
    }

    private static Value duration(long amount, Span.Unit unit) {
        return new Value.Duration(new Span(amount, unit));
    }

    private static OffsetDateTime utc(String instant) {
        return Instant.parse(instant).atOffset(ZoneOffset.UTC);
    }
}
