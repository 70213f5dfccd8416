package io.kizuna.condition;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.kizuna.common.error.BadInputException;
import io.kizuna.common.error.FieldViolation;
import io.vertx.core.json.JsonObject;

class ConditionJsonTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** One condition with every leaf, every operator of every subject and every window and count form. */
    private static final String EVERYTHING = """
            {"all": [
              {"trait": {"path": "address.city", "op": "equals", "value": "Tokyo"}},
              {"trait": {"path": "vip", "op": "not_equals", "value": true}},
              {"trait": {"path": "points", "op": "gt", "value": 100}},
              {"trait": {"path": "points", "op": "gte", "value": 100.5}},
              {"trait": {"path": "points", "op": "lt", "value": -3}},
              {"trait": {"path": "points", "op": "lte", "value": 12345678901234567890}},
              {"trait": {"path": "points", "op": "between", "value": [1, 2.5]}},
              {"trait": {"path": "signed_up_on", "op": "between", "value": ["2026-01-01", "2026-12-31"]}},
              {"trait": {"path": "plan", "op": "in", "value": ["gold", 3, false]}},
              {"trait": {"path": "plan", "op": "not_in", "value": ["free"]}},
              {"trait": {"path": "email", "op": "contains", "value": "@example"}},
              {"trait": {"path": "favourites", "op": "not_contains", "value": 7}},
              {"trait": {"path": "email", "op": "starts_with", "value": "info"}},
              {"trait": {"path": "email", "op": "ends_with", "value": ".jp"}},
              {"trait": {"path": "phone", "op": "matches", "value": "^\\\\+81[\\\\d-]{9,12}$"}},
              {"trait": {"path": "email", "op": "exists"}},
              {"trait": {"path": "nickname", "op": "missing"}},
              {"trait": {"path": "newsletter", "op": "is_true"}},
              {"trait": {"path": "newsletter", "op": "is_false"}},
              {"trait": {"path": "contract.ends_on", "op": "before", "value": "2027-03-31"}},
              {"trait": {"path": "contract.ends_on", "op": "after", "value": "2026-04-01"}},
              {"trait": {"path": "joined_on", "op": "within_last", "value": {"amount": 2, "unit": "weeks"}}},
              {"trait": {"path": "joined_on", "op": "more_than_ago", "value": {"amount": 1, "unit": "years"}}},
              {"trait": {"path": "birthday", "op": "month", "value": [1, 12]}},
              {"trait": {"path": "birthday", "op": "anniversary", "value": {"when": "today"}}},
              {"computed": {"field": "order_count", "op": "equals", "value": 2}},
              {"computed": {"field": "order_count", "op": "not_equals", "value": 0}},
              {"computed": {"field": "lifetime_revenue", "op": "gt", "value": 50000}},
              {"computed": {"field": "lifetime_revenue", "op": "gte", "value": 50000.75}},
              {"computed": {"field": "average_order_value", "op": "lt", "value": 3000}},
              {"computed": {"field": "average_order_interval_days", "op": "lte", "value": 45.5}},
              {"computed": {"field": "rfm_recency", "op": "between", "value": [4, 5]}},
              {"computed": {"field": "rfm_frequency", "op": "in", "value": [1, 2]}},
              {"computed": {"field": "rfm_monetary", "op": "not_in", "value": [5]}},
              {"computed": {"field": "cart_value", "op": "exists"}},
              {"computed": {"field": "days_since_last_seen", "op": "missing"}},
              {"computed": {"field": "last_order_at", "op": "before", "value": "2026-01-01"}},
              {"computed": {"field": "last_order_at", "op": "after", "value": "2026-01-01T09:00:00+09:00"}},
              {"computed": {"field": "first_seen_at", "op": "between", "value": ["2026-01-01", "2026-01-31"]}},
              {"computed": {"field": "first_seen_at", "op": "between", "value": ["2026-01-01T00:00:00Z", "2026-01-31T12:30:00.5Z"]}},
              {"computed": {"field": "cart_updated_at", "op": "within_last", "value": {"amount": 3, "unit": "hours"}}},
              {"computed": {"field": "last_seen_at", "op": "more_than_ago", "value": {"amount": 30, "unit": "minutes"}}},
              {"computed": {"field": "created_at", "op": "day_of_week", "value": [1, "saturday", 7]}},
              {"computed": {"field": "created_at", "op": "month", "value": [6]}},
              {"computed": {"field": "channel_last_activity_at", "channel": "line", "op": "exists"}},
              {"computed": {"field": "predicted_next_order_at", "op": "missing"}},
              {"computed": {"field": "first_order_at", "op": "anniversary", "value": {"when": "in_days", "days": 0}}},
              {"tag": "vip"},
              {"segment": "2b1c7a9e-5d3f-4c1a-9e8b-0f6d2a4c8e1b"},
              {"event": {"name": "Product Added"}},
              {"event": {"name": "Product Added",
                         "where": [{"path": "price", "op": "gt", "value": 100},
                                   {"path": "category", "op": "in", "value": ["shoes", "bags"]},
                                   {"path": "shipped_on", "op": "before", "value": "2026-06-30"},
                                   {"path": "sku", "op": "matches", "value": "^SKU-\\\\w+"},
                                   {"path": "gift", "op": "is_true"}],
                         "window": {"withinLast": {"amount": 3, "unit": "hours"}},
                         "count": {"atLeast": 2}}},
              {"event": {"name": "Order Completed", "window": {"since": "Product Added"}, "count": "never"}},
              {"event": {"name": "Page Viewed", "window": {"between": {"from": "2026-01-01T00:00:00Z"}}, "count": {"exactly": 3}}},
              {"event": {"name": "Page Viewed", "window": {"between": {"to": "2026-02-01T00:00:00+09:00"}}, "count": {"atMost": 5}}},
              {"event": {"name": "Page Viewed", "window": {"between": {"from": "2026-01-01T00:00:00Z", "to": "2026-01-01T00:00:00Z"}}}},
              {"lastEvent": {"name": "Order Completed", "where": [{"path": "total", "op": "gte", "value": 10000}],
                             "op": "within_last", "value": {"amount": 30, "unit": "days"}}},
              {"lastEvent": {"name": "Order Completed", "op": "more_than_ago", "value": {"amount": 2, "unit": "months"}}},
              {"lastEvent": {"name": "Email Opened", "op": "before", "value": "2026-03-01T00:00:00Z"}},
              {"lastEvent": {"name": "Email Opened", "op": "after", "value": "2026-03-01"}},
              {"lastEvent": {"name": "Email Opened", "op": "between", "value": ["2026-03-01", "2026-03-31"]}},
              {"lastEvent": {"name": "Email Opened", "op": "day_of_week", "value": ["monday", "friday"]}},
              {"lastEvent": {"name": "Email Opened", "op": "month", "value": [3, 4]}},
              {"lastEvent": {"name": "Email Opened", "op": "exists"}},
              {"lastEvent": {"name": "Email Clicked", "op": "missing"}},
              {"consent": {"channel": "email", "topic": "newsletter", "status": "granted"}},
              {"consent": {"channel": "sms", "status": "denied"}},
              {"consent": {"channel": "line", "status": "unknown"}},
              {"reachable": "messenger"},
              {"anniversary": {"trait": "birthday", "when": "this_month"}},
              {"anniversary": {"computed": "first_order_at", "when": "in_days", "days": 7}},
              {"anniversary": {"trait": "contract.ends_on", "when": "days_before", "days": 30}},
              {"random": {"seed": "holdout-2026", "buckets": 100, "from": 0, "to": 9}},
              {"any": [{"tag": "a"}, {"not": {"tag": "b"}}]},
              {"any": []},
              {"all": []}
            ]}
            """;

    // ---------------------------------------------------------------- round trips

    @Test
    void a_condition_with_every_leaf_and_operator_survives_a_round_trip() throws JsonProcessingException {
        Condition condition = read(EVERYTHING);

        assertEquals(condition, ConditionJson.read(ConditionJson.write(condition), "conditions"));
        String text = JSON.writeValueAsString(ConditionJson.write(condition));
        assertEquals(condition, ConditionJson.read(JSON.readValue(text, Object.class), "conditions"));
    }

    @Test
    void the_round_trip_condition_really_covers_every_leaf_and_operator() {
        Coverage coverage = new Coverage();
        coverage.visit(read(EVERYTHING));

        Set<Class<?>> leaves = Set.of(Condition.class.getPermittedSubclasses());
        assertEquals(leaves, coverage.kinds);
        assertEquals(EnumSet.complementOf(EnumSet.of(Operator.DAY_OF_WEEK, Operator.ANNIVERSARY)), coverage.traitOperators);
        assertEquals(EnumSet.of(Operator.EQUALS, Operator.NOT_EQUALS, Operator.GT, Operator.GTE, Operator.LT, Operator.LTE,
                Operator.BETWEEN, Operator.IN, Operator.NOT_IN, Operator.EXISTS, Operator.MISSING), coverage.numberOperators);
        Set<Operator> timestampOperators = EnumSet.of(Operator.BEFORE, Operator.AFTER, Operator.BETWEEN, Operator.WITHIN_LAST,
                Operator.MORE_THAN_AGO, Operator.DAY_OF_WEEK, Operator.MONTH, Operator.EXISTS, Operator.MISSING);
        assertEquals(timestampOperators, coverage.timestampOperators);
        assertEquals(timestampOperators, coverage.lastEventOperators);
        assertEquals(Set.of(Condition.EventWindow.class.getPermittedSubclasses()), coverage.windows);
        assertEquals(EnumSet.allOf(Condition.CountOp.class), coverage.counts);
        assertEquals(EnumSet.allOf(Condition.AnniversaryWhen.class), coverage.anniversaries);
        assertEquals(EnumSet.allOf(Condition.ConsentStatus.class), coverage.consents);
    }

    @Test
    void write_gives_the_canonical_form() throws JsonProcessingException {
        Condition condition = new Condition.All(List.of(
                new Condition.Event("Order Completed", List.of(), new Condition.EventWindow.Ever(),
                        new Condition.EventCount(Condition.CountOp.AT_MOST, 0)),
                new Condition.Computed(ComputedField.LAST_ORDER_AT, null, Operator.BETWEEN, new Value.ListOf(List.of(
                        new Value.Date(LocalDate.of(2026, 1, 1)), new Value.Date(LocalDate.of(2026, 1, 31))))),
                new Condition.Computed(ComputedField.CREATED_AT, null, Operator.AFTER,
                        new Value.Timestamp(Instant.parse("2026-01-01T00:00:00Z"))),
                new Condition.Trait(List.of("address", "city"), Operator.EXISTS, null),
                new Condition.Consent("email", "", Condition.ConsentStatus.GRANTED),
                new Condition.Anniversary(Condition.FieldRef.trait(List.of("birthday")), Condition.AnniversaryWhen.TODAY, 0)));

        assertEquals("""
                {"all":[\
                {"event":{"name":"Order Completed","count":{"atMost":0}}},\
                {"computed":{"field":"last_order_at","op":"between","value":["2026-01-01","2026-01-31"]}},\
                {"computed":{"field":"created_at","op":"after","value":"2026-01-01T00:00:00Z"}},\
                {"trait":{"path":"address.city","op":"exists"}},\
                {"consent":{"channel":"email","status":"granted"}},\
                {"anniversary":{"trait":"birthday","when":"today"}}]}""",
                JSON.writeValueAsString(ConditionJson.write(condition)));
    }

    @Test
    void write_uses_only_plain_java_values() {
        Object written = ConditionJson.write(read(EVERYTHING));

        assertPlain(written);
    }

    // ---------------------------------------------------------------- what the JSON reads as

    @Test
    void a_trait_path_is_split_into_its_keys() {
        Condition.Trait trait = (Condition.Trait) read("""
                {"trait": {"path": "address.city", "op": "equals", "value": "Tokyo"}}""");

        assertEquals(new Condition.Trait(List.of("address", "city"), Operator.EQUALS, new Value.Text("Tokyo")), trait);
    }

    @Test
    void numbers_become_exact_decimals_whatever_their_java_type() {
        assertEquals(new Value.Number(new BigDecimal("0.1")), traitValue("""
                {"trait": {"path": "rate", "op": "gt", "value": 0.1}}"""));
        assertEquals(new Value.Number(new BigDecimal("12345678901234567890")), traitValue("""
                {"trait": {"path": "id", "op": "equals", "value": 12345678901234567890}}"""));
        assertEquals(new Value.Number(BigDecimal.valueOf(3)), ((Condition.Trait) ConditionJson.read(
                Map.of("trait", Map.of("path", "n", "op", "lt", "value", 3L)), "conditions")).value());
    }

    @Test
    void strings_that_look_like_dates_stay_text_where_the_operator_compares_text() {
        assertEquals(new Value.Text("2026-01-01"), traitValue("""
                {"trait": {"path": "signed_up_on", "op": "equals", "value": "2026-01-01"}}"""));
        assertEquals(new Value.ListOf(List.of(new Value.Text("2026-01-01"))), traitValue("""
                {"trait": {"path": "signed_up_on", "op": "in", "value": ["2026-01-01"]}}"""));
    }

    @Test
    void trait_dates_and_timestamp_field_values_are_typed_by_the_operator() {
        assertEquals(new Value.Date(LocalDate.of(2026, 3, 31)), traitValue("""
                {"trait": {"path": "contract.ends_on", "op": "before", "value": "2026-03-31"}}"""));
        assertEquals(new Value.Date(LocalDate.of(2026, 3, 31)), computedValue("""
                {"computed": {"field": "last_order_at", "op": "before", "value": "2026-03-31"}}"""));
        assertEquals(new Value.Timestamp(Instant.parse("2026-03-31T00:00:00Z")), computedValue("""
                {"computed": {"field": "last_order_at", "op": "before", "value": "2026-03-31T09:00:00+09:00"}}"""));
    }

    @Test
    void day_names_are_read_as_iso_day_numbers() {
        assertEquals(numbers(1, 6, 7), computedValue("""
                {"computed": {"field": "created_at", "op": "day_of_week", "value": ["monday", 6, "sunday"]}}"""));
    }

    @Test
    void an_event_without_count_or_window_means_at_least_once_in_all_history() {
        Condition.Event event = (Condition.Event) read("""
                {"event": {"name": "Product Added"}}""");

        assertEquals(new Condition.Event("Product Added", List.of(), new Condition.EventWindow.Ever(),
                new Condition.EventCount(Condition.CountOp.AT_LEAST, 1)), event);
    }

    @Test
    void never_is_at_most_zero() {
        Condition.Event event = (Condition.Event) read("""
                {"event": {"name": "Order Completed", "window": {"since": "Product Added"}, "count": "never"}}""");

        assertEquals(new Condition.EventCount(Condition.CountOp.AT_MOST, 0), event.count());
        assertEquals(new Condition.EventWindow.SinceEvent("Product Added"), event.window());
    }

    @Test
    void the_anniversary_operator_on_a_trait_or_timestamp_field_reads_as_the_anniversary_leaf() {
        assertEquals(new Condition.Anniversary(Condition.FieldRef.trait(List.of("birthday")), Condition.AnniversaryWhen.TODAY, 0), read("""
                {"trait": {"path": "birthday", "op": "anniversary", "value": {"when": "today"}}}"""));
        assertEquals(new Condition.Anniversary(Condition.FieldRef.computed(ComputedField.FIRST_ORDER_AT), Condition.AnniversaryWhen.DAYS_BEFORE, 30),
                read("""
                        {"computed": {"field": "first_order_at", "op": "anniversary", "value": {"when": "days_before", "days": 30}}}"""));
    }

    @Test
    void consent_without_topic_is_about_the_channel_as_a_whole() {
        assertEquals(new Condition.Consent("sms", "", Condition.ConsentStatus.DENIED), read("""
                {"consent": {"channel": "sms", "status": "denied"}}"""));
    }

    @Test
    void vertx_json_objects_read_like_plain_maps() {
        JsonObject json = new JsonObject("""
                {"any": [{"tag": "vip"}, {"event": {"name": "Order Completed", "where": [{"path": "total", "op": "between", "value": [1, 9]}]}}]}""");

        assertEquals(read(json.encode()), ConditionJson.read(json, "conditions"));
    }

    // ---------------------------------------------------------------- violations at their paths

    @Test
    void an_unknown_window_unit_is_reported_at_its_path() {
        List<FieldViolation> violations = violations("""
                {"all": [{"tag": "vip"}, {"tag": "new"},
                         {"event": {"name": "Product Added", "window": {"withinLast": {"amount": 3, "unit": "fortnights"}}}}]}""");

        assertEquals(List.of(new FieldViolation("conditions.all[2].event.window.withinLast.unit",
                "must be one of minutes, hours, days, weeks, months, years")), violations);
    }

    @Test
    void a_trait_value_of_the_wrong_type_is_reported_at_the_value() {
        List<FieldViolation> violations = violations("""
                {"any": [{"trait": {"path": "points", "op": "gt", "value": "100"}}]}""");

        assertEquals(List.of(new FieldViolation("conditions.any[0].trait.value", "gt needs a number; got string")), violations);
    }

    @Test
    void an_unknown_computed_field_points_to_the_catalog() {
        List<FieldViolation> violations = violations("""
                {"not": {"computed": {"field": "foo", "op": "gt", "value": 1}}}""");

        assertEquals(List.of(new FieldViolation("conditions.not.computed.field",
                "unknown computed field 'foo'; see GET /v1/conditions/catalog")), violations);
    }

    @Test
    void every_violation_is_reported_at_once() {
        List<FieldViolation> violations = violations("""
                {"all": [
                  {"trait": {"path": "", "op": "gt", "value": true}},
                  {"computed": {"field": "order_count", "op": "before", "value": "2026-01-01"}},
                  {"event": {"name": "", "where": [{"path": "price", "op": "wat"}], "count": {"atLeast": 0}}},
                  {"tag": 42},
                  {"consent": {"channel": "fax", "status": "maybe"}}
                ]}""");

        assertEquals(List.of(
                "conditions.all[0].trait.path",
                "conditions.all[0].trait.value",
                "conditions.all[1].computed.op",
                "conditions.all[2].event.name",
                "conditions.all[2].event.where[0].op",
                "conditions.all[2].event.count.atLeast",
                "conditions.all[3].tag",
                "conditions.all[4].consent.channel",
                "conditions.all[4].consent.status"), paths(violations));
        BadInputException failure = assertThrows(BadInputException.class, () -> read("""
                {"all": [{"tag": 1}, {"tag": 2}]}"""));
        assertTrue(failure.getMessage().contains("conditions.all[0].tag") && failure.getMessage().contains("conditions.all[1].tag"),
                failure.getMessage());
    }

    @Test
    void violations_start_at_the_callers_root_path() {
        BadInputException failure = assertThrows(BadInputException.class,
                () -> ConditionJson.read(json("""
                        {"trait": {"path": "points", "op": "gt"}}"""), "condition"));

        assertEquals(List.of(new FieldViolation("condition.trait.value", "gt needs a number")), failure.violations());
    }

    @Test
    void a_node_must_be_an_object_with_exactly_one_known_key() {
        assertEquals(List.of("conditions"), paths(violations("[]")));
        assertEquals(List.of("conditions"), paths(violations("{}")));
        assertEquals(List.of("conditions.any[0]"), paths(violations("""
                {"any": [{"tag": "vip", "segment": "2b1c7a9e-5d3f-4c1a-9e8b-0f6d2a4c8e1b"}]}""")));
        assertEquals(List.of(new FieldViolation("conditions.all[0].everything",
                "unknown condition 'everything'; use one of all, any, not, trait, computed, tag, segment, event, lastEvent, "
                        + "consent, reachable, anniversary, random")),
                violations("""
                        {"all": [{"everything": true}]}"""));
        assertEquals(List.of("conditions.all"), paths(violations("""
                {"all": {"tag": "vip"}}""")));
        assertEquals(List.of(new FieldViolation("conditions",
                "must be an object with one key, one of all, any, not, trait, computed, tag, segment, event, lastEvent, "
                        + "consent, reachable, anniversary, random; got null")),
                violations("null"));
    }

    @Test
    void unknown_keys_inside_a_node_are_reported() {
        assertEquals(List.of(new FieldViolation("conditions.trait.values", "unknown key; use path, op, value"),
                new FieldViolation("conditions.trait.value", "equals needs a string, number or boolean")),
                violations("""
                        {"trait": {"path": "plan", "op": "equals", "values": ["gold"]}}"""));
        assertEquals(List.of("conditions.event.window.withinLast.units"), paths(violations("""
                {"event": {"name": "Visit", "window": {"withinLast": {"amount": 1, "unit": "days", "units": "days"}}}}""")));
        assertEquals(List.of("conditions.event.window.lastWeek"), paths(violations("""
                {"event": {"name": "Visit", "window": {"lastWeek": true}}}""")));
    }

    @Test
    void operators_without_a_value_refuse_one() {
        assertEquals(List.of(new FieldViolation("conditions.trait.value", "exists takes no value; remove it")), violations("""
                {"trait": {"path": "email", "op": "exists", "value": true}}"""));
        assertEquals(List.of("conditions.computed.value"), paths(violations("""
                {"computed": {"field": "cart_value", "op": "missing", "value": 0}}""")));
    }

    @Test
    void operators_are_checked_against_what_they_apply_to() {
        assertEquals(List.of(new FieldViolation("conditions.trait.op",
                "day_of_week is not available on traits: trait dates are calendar days without a time zone; use one of equals, "
                        + "not_equals, gt, gte, lt, lte, between, in, not_in, contains, not_contains, starts_with, ends_with, "
                        + "matches, exists, missing, is_true, is_false, before, after, within_last, more_than_ago, month, anniversary")),
                violations("""
                        {"trait": {"path": "birthday", "op": "day_of_week", "value": [1]}}"""));
        assertEquals(List.of(new FieldViolation("conditions.computed.op",
                "gt is not available on timestamp fields; use one of before, after, between, within_last, more_than_ago, "
                        + "day_of_week, month, exists, missing, anniversary")),
                violations("""
                        {"computed": {"field": "last_order_at", "op": "gt", "value": 1}}"""));
        assertEquals(List.of("conditions.computed.op"), paths(violations("""
                {"computed": {"field": "order_count", "op": "contains", "value": 1}}""")));
        assertEquals(List.of("conditions.event.where[0].op"), paths(violations("""
                {"event": {"name": "Visit", "where": [{"path": "at", "op": "anniversary", "value": {"when": "today"}}]}}""")));
        assertEquals(List.of("conditions.lastEvent.op"), paths(violations("""
                {"lastEvent": {"name": "Visit", "op": "equals", "value": 1}}""")));
        assertEquals(List.of("conditions.trait.op"), paths(violations("""
                {"trait": {"path": "plan", "op": "EQUALS", "value": "gold"}}""")));
    }

    @Test
    void number_fields_take_only_numbers() {
        assertEquals(List.of(new FieldViolation("conditions.computed.value", "equals needs a number; got string")), violations("""
                {"computed": {"field": "order_count", "op": "equals", "value": "2"}}"""));
        assertEquals(List.of(new FieldViolation("conditions.computed.value[1]", "must be a number; got boolean")), violations("""
                {"computed": {"field": "order_count", "op": "in", "value": [1, true]}}"""));
        assertEquals(List.of("conditions.computed.value[0]"), paths(violations("""
                {"computed": {"field": "cart_value", "op": "between", "value": ["2026-01-01", 5]}}""")));
    }

    @Test
    void trait_dates_refuse_timestamps_and_explain_why() {
        assertEquals(List.of(new FieldViolation("conditions.trait.value",
                "trait and property dates compare by calendar day; use a date such as 2026-01-31, not a timestamp")),
                violations("""
                        {"trait": {"path": "contract.ends_on", "op": "before", "value": "2026-03-31T00:00:00Z"}}"""));
        assertEquals(List.of(new FieldViolation("conditions.trait.value", "after needs a date (YYYY-MM-DD); got \"2026-02-30\"")),
                violations("""
                        {"trait": {"path": "contract.ends_on", "op": "after", "value": "2026-02-30"}}"""));
        assertEquals(List.of("conditions.trait.value[1]"), paths(violations("""
                {"trait": {"path": "joined_on", "op": "between", "value": ["2026-01-01", "2026-02-01T00:00:00Z"]}}""")));
    }

    @Test
    void timestamp_fields_take_dates_or_timestamps_with_an_offset() {
        assertEquals(List.of(new FieldViolation("conditions.computed.value",
                "after needs a date (YYYY-MM-DD) or a timestamp with offset such as 2026-01-31T09:00:00Z; got \"2026-01-31T09:00:00\"")),
                violations("""
                        {"computed": {"field": "last_order_at", "op": "after", "value": "2026-01-31T09:00:00"}}"""));
        assertEquals(List.of(new FieldViolation("conditions.computed.value",
                "between needs two bounds of the same kind; got a date and a timestamp")),
                violations("""
                        {"computed": {"field": "last_order_at", "op": "between", "value": ["2026-01-01", "2026-02-01T00:00:00Z"]}}"""));
    }

    @Test
    void trait_durations_need_calendar_units() {
        assertEquals(List.of(new FieldViolation("conditions.trait.value.unit",
                "must be one of days, weeks, months, years: trait and property dates have no time of day")),
                violations("""
                        {"trait": {"path": "joined_on", "op": "within_last", "value": {"amount": 3, "unit": "hours"}}}"""));
        assertEquals(List.of(new FieldViolation("conditions.computed.value.amount", "must be a whole number from 1 to 100000; got 0"),
                new FieldViolation("conditions.computed.value.unit", "is required: one of minutes, hours, days, weeks, months, years")),
                violations("""
                        {"computed": {"field": "last_seen_at", "op": "within_last", "value": {"amount": 0}}}"""));
        assertEquals(List.of("conditions.lastEvent.value.amount"), paths(violations("""
                {"lastEvent": {"name": "Visit", "op": "more_than_ago", "value": {"amount": 1.5, "unit": "days"}}}""")));
    }

    @Test
    void between_needs_two_ordered_bounds_of_one_kind() {
        assertEquals(List.of(new FieldViolation("conditions.trait.value",
                "between needs a list of two numbers or two dates (YYYY-MM-DD) [from, to]; got 3 items")),
                violations("""
                        {"trait": {"path": "points", "op": "between", "value": [1, 2, 3]}}"""));
        assertEquals(List.of(new FieldViolation("conditions.trait.value", "between needs [from, to] with from <= to; got from after to")),
                violations("""
                        {"trait": {"path": "points", "op": "between", "value": [10, 5]}}"""));
        assertEquals(List.of(new FieldViolation("conditions.trait.value", "between needs two bounds of the same kind; got a number and a date")),
                violations("""
                        {"trait": {"path": "points", "op": "between", "value": [1, "2026-01-01"]}}"""));
        assertEquals(List.of("conditions.computed.value"), paths(violations("""
                {"computed": {"field": "created_at", "op": "between", "value": ["2026-02-01", "2026-01-01"]}}""")));
    }

    @Test
    void in_lists_hold_1_to_1000_scalars() {
        assertEquals(List.of(new FieldViolation("conditions.trait.value",
                "in needs a list of 1 to 1000 strings, numbers or booleans; got 0 items")),
                violations("""
                        {"trait": {"path": "plan", "op": "in", "value": []}}"""));
        assertEquals(List.of(new FieldViolation("conditions.trait.value[1]", "must be a string, number or boolean; got object")),
                violations("""
                        {"trait": {"path": "plan", "op": "not_in", "value": ["gold", {"name": "silver"}]}}"""));
        read(inList(1000));
        assertEquals(List.of(new FieldViolation("conditions.trait.value",
                "in needs a list of 1 to 1000 strings, numbers or booleans; got 1001 items")),
                violations(inList(1001)));
    }

    @Test
    void strings_are_limited_to_1000_characters() {
        read(equalsText("x".repeat(1000)));

        assertEquals(List.of(new FieldViolation("conditions.trait.value", "must be at most 1000 characters; got 1001")),
                violations(equalsText("x".repeat(1001))));
    }

    @Test
    void month_and_day_lists_hold_numbers_in_range() {
        assertEquals(List.of(new FieldViolation("conditions.trait.value[1]", "must be a month from 1 to 12; got 13")), violations("""
                {"trait": {"path": "birthday", "op": "month", "value": [12, 13]}}"""));
        assertEquals(List.of(new FieldViolation("conditions.computed.value[0]",
                "must be a day from 1 to 7 (Monday = 1) or a lowercase day name such as monday; got \"Monday\"")),
                violations("""
                        {"computed": {"field": "created_at", "op": "day_of_week", "value": ["Monday"]}}"""));
    }

    @Test
    void a_bad_regular_expression_is_reported_with_the_reason() {
        List<FieldViolation> violations = violations("""
                {"trait": {"path": "email", "op": "matches", "value": "(?i)^info@"}}""");

        assertEquals(List.of("conditions.trait.value"), paths(violations));
        assertTrue(violations.get(0).message().startsWith("(? constructs"), violations.get(0).message());
    }

    @Test
    void paths_have_1_to_10_keys_of_1_to_100_characters() {
        read(traitPath("a.b.c.d.e.f.g.h.i.j"));
        read(traitPath("k".repeat(100)));

        assertEquals(List.of(new FieldViolation("conditions.trait.path", "must have at most 10 keys; got 11")),
                violations(traitPath("a.b.c.d.e.f.g.h.i.j.k")));
        assertEquals(List.of(new FieldViolation("conditions.trait.path",
                "has an empty key; separate keys with single dots, such as address.city")),
                violations(traitPath("address..city")));
        assertEquals(List.of("conditions.trait.path"), paths(violations(traitPath(".city"))));
        assertEquals(List.of(new FieldViolation("conditions.trait.path", "keys may have at most 100 characters")),
                violations(traitPath("k".repeat(101))));
        assertEquals(List.of("conditions.anniversary.trait"), paths(violations("""
                {"anniversary": {"trait": "", "when": "today"}}""")));
    }

    @Test
    void a_channel_is_required_for_channel_last_activity_and_refused_elsewhere() {
        assertEquals(List.of(new FieldViolation("conditions.computed.channel",
                "is required for channel_last_activity_at: a channel of 1 to 50 lowercase letters, digits or underscores, such as line or web")),
                violations("""
                        {"computed": {"field": "channel_last_activity_at", "op": "exists"}}"""));
        assertEquals(List.of("conditions.computed.channel"), paths(violations("""
                {"computed": {"field": "channel_last_activity_at", "channel": "LINE!", "op": "exists"}}""")));
        assertEquals(List.of(new FieldViolation("conditions.computed.channel", "is only used with channel_last_activity_at; remove it")),
                violations("""
                        {"computed": {"field": "last_seen_at", "channel": "web", "op": "exists"}}"""));
    }

    @Test
    void an_anniversary_needs_one_subject_and_days_only_when_it_counts_days() {
        assertEquals(List.of(new FieldViolation("conditions.anniversary", "give either trait or computed, not both")), violations("""
                {"anniversary": {"trait": "birthday", "computed": "first_order_at", "when": "today"}}"""));
        assertEquals(List.of("conditions.anniversary"), paths(violations("""
                {"anniversary": {"when": "today"}}""")));
        assertEquals(List.of(new FieldViolation("conditions.anniversary.days", "in_days needs days, a whole number from 0 to 366")),
                violations("""
                        {"anniversary": {"trait": "birthday", "when": "in_days"}}"""));
        assertEquals(List.of(new FieldViolation("conditions.anniversary.days", "is only used with in_days and days_before; remove it")),
                violations("""
                        {"anniversary": {"trait": "birthday", "when": "today", "days": 3}}"""));
        assertEquals(List.of(new FieldViolation("conditions.anniversary.days", "must be a whole number from 0 to 366; got 367")),
                violations("""
                        {"anniversary": {"trait": "contract.ends_on", "when": "days_before", "days": 367}}"""));
        assertEquals(List.of(new FieldViolation("conditions.anniversary.computed",
                "must be a timestamp field such as first_order_at; order_count is a number")),
                violations("""
                        {"anniversary": {"computed": "order_count", "when": "this_month"}}"""));
        assertEquals(List.of(new FieldViolation("conditions.trait.value.when", "must be one of today, in_days, this_month, days_before; got \"tomorrow\"")),
                violations("""
                        {"trait": {"path": "birthday", "op": "anniversary", "value": {"when": "tomorrow"}}}"""));
    }

    @Test
    void random_buckets_must_fit_the_bucket_count() {
        assertEquals(List.of(new FieldViolation("conditions.random.to", "must be a whole number from 0 to 99; got 100")), violations("""
                {"random": {"seed": "holdout", "buckets": 100, "from": 0, "to": 100}}"""));
        assertEquals(List.of(new FieldViolation("conditions.random.to", "must not be less than from (5)")), violations("""
                {"random": {"seed": "holdout", "buckets": 100, "from": 5, "to": 4}}"""));
        assertEquals(List.of("conditions.random.seed", "conditions.random.buckets"), paths(violations("""
                {"random": {"seed": "", "buckets": 10001, "from": 0, "to": 0}}""")));
    }

    @Test
    void segments_tags_and_channels_are_checked() {
        assertEquals(List.of("conditions.any[0].segment", "conditions.any[1].tag", "conditions.any[2].reachable",
                "conditions.any[3].consent.topic"), paths(violations("""
                {"any": [{"segment": "not-a-uuid"},
                         {"tag": ""},
                         {"reachable": "webhook"},
                         {"consent": {"channel": "email", "topic": "%s", "status": "granted"}}]}""".formatted("t".repeat(101)))));
        assertEquals(List.of(new FieldViolation("conditions.reachable", "must be one of email, sms, line, messenger; got \"fax\"")),
                violations("""
                        {"reachable": "fax"}"""));
    }

    @Test
    void event_counts_windows_and_filters_are_checked() {
        assertEquals(List.of("conditions.event.count"), paths(violations("""
                {"event": {"name": "Visit", "count": "always"}}""")));
        assertEquals(List.of("conditions.event.count.atMost"), paths(violations("""
                {"event": {"name": "Visit", "count": {"atMost": -1}}}""")));
        assertEquals(List.of("conditions.event.count.between"), paths(violations("""
                {"event": {"name": "Visit", "count": {"between": 2}}}""")));
        assertEquals(List.of(new FieldViolation("conditions.event.window.between", "needs from, to or both")), violations("""
                {"event": {"name": "Visit", "window": {"between": {}}}}"""));
        assertEquals(List.of(new FieldViolation("conditions.event.window.between", "needs from <= to; got from after to")), violations("""
                {"event": {"name": "Visit", "window": {"between": {"from": "2026-02-01T00:00:00Z", "to": "2026-01-01T00:00:00Z"}}}}"""));
        assertEquals(List.of("conditions.event.window.between.from"), paths(violations("""
                {"event": {"name": "Visit", "window": {"between": {"from": "2026-02-01"}}}}""")));
        assertEquals(List.of("conditions.event.window.since"), paths(violations("""
                {"event": {"name": "Visit", "window": {"since": ""}}}""")));
        assertEquals(List.of("conditions.event.name"), paths(violations("""
                {"event": {"name": "%s"}}""".formatted("e".repeat(201)))));
    }

    @Test
    void an_event_has_at_most_20_filters() {
        read(eventWithFilters(20));

        assertEquals(List.of(new FieldViolation("conditions.event.where", "may have at most 20 filters; got 21")),
                violations(eventWithFilters(21)));
    }

    // ---------------------------------------------------------------- limits on the whole tree

    @Test
    void conditions_nest_at_most_12_levels() {
        read(nestedNots(11));

        List<FieldViolation> violations = violations(nestedNots(12));

        assertEquals(1, violations.size());
        assertEquals("conditions" + ".not".repeat(12), violations.get(0).field());
        assertTrue(violations.get(0).message().contains("at most 12 levels"), violations.get(0).message());
    }

    @Test
    void a_condition_has_at_most_200_nodes() {
        read(tags(199));

        List<FieldViolation> violations = violations(tags(200));

        assertEquals(List.of(new FieldViolation("conditions.all[199]",
                "a condition may have at most 200 nodes; move part of it into a segment and refer to it with {\"segment\": id}")),
                violations);
    }

    // ---------------------------------------------------------------- helpers

    private static Object json(String text) {
        try {
            return JSON.readValue(text, Object.class);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(text, e);
        }
    }

    private static Condition read(String text) {
        return ConditionJson.read(json(text), "conditions");
    }

    private static List<FieldViolation> violations(String text) {
        return assertThrows(BadInputException.class, () -> read(text)).violations();
    }

    private static List<String> paths(List<FieldViolation> violations) {
        return violations.stream().map(FieldViolation::field).collect(Collectors.toList());
    }

    private static Value traitValue(String text) {
        return ((Condition.Trait) read(text)).value();
    }

    private static Value computedValue(String text) {
        return ((Condition.Computed) read(text)).value();
    }

    private static Value numbers(int... numbers) {
        return new Value.ListOf(Arrays.stream(numbers).mapToObj(n -> (Value) new Value.Number(BigDecimal.valueOf(n))).toList());
    }

    private static String traitPath(String path) {
        return """
                {"trait": {"path": "%s", "op": "exists"}}""".formatted(path);
    }

    private static String equalsText(String text) {
        return """
                {"trait": {"path": "note", "op": "equals", "value": "%s"}}""".formatted(text);
    }

    private static String inList(int size) {
        String items = String.join(", ", Collections.nCopies(size, "\"gold\""));
        return """
                {"trait": {"path": "plan", "op": "in", "value": [%s]}}""".formatted(items);
    }

    private static String eventWithFilters(int count) {
        String filters = String.join(", ", Collections.nCopies(count, "{\"path\": \"price\", \"op\": \"gt\", \"value\": 1}"));
        return """
                {"event": {"name": "Order Completed", "where": [%s]}}""".formatted(filters);
    }

    /** {@code {"not": ... {"not": {"tag": "vip"}}}} with {@code nots} nots: {@code nots + 1} levels. */
    private static String nestedNots(int nots) {
        return "{\"not\": ".repeat(nots) + "{\"tag\": \"vip\"}" + "}".repeat(nots);
    }

    /** An all of {@code count} tags: {@code count + 1} nodes. */
    private static String tags(int count) {
        String items = String.join(", ", Collections.nCopies(count, "{\"tag\": \"vip\"}"));
        return "{\"all\": [" + items + "]}";
    }

    private static void assertPlain(Object value) {
        if (value instanceof Map<?, ?> map) {
            assertInstanceOf(LinkedHashMap.class, map);
            map.forEach((key, item) -> {
                assertInstanceOf(String.class, key);
                assertPlain(item);
            });
        } else if (value instanceof List<?> list) {
            assertInstanceOf(ArrayList.class, list);
            list.forEach(ConditionJsonTest::assertPlain);
        } else {
            assertTrue(value instanceof String || value instanceof BigDecimal || value instanceof Boolean, String.valueOf(value));
        }
    }

    /** What a condition tree uses, to prove a test condition covers the whole language. */
    private static final class Coverage {
        final Set<Class<?>> kinds = new HashSet<>();
        final Set<Operator> traitOperators = EnumSet.noneOf(Operator.class);
        final Set<Operator> numberOperators = EnumSet.noneOf(Operator.class);
        final Set<Operator> timestampOperators = EnumSet.noneOf(Operator.class);
        final Set<Operator> lastEventOperators = EnumSet.noneOf(Operator.class);
        final Set<Class<?>> windows = new HashSet<>();
        final Set<Condition.CountOp> counts = EnumSet.noneOf(Condition.CountOp.class);
        final Set<Condition.AnniversaryWhen> anniversaries = EnumSet.noneOf(Condition.AnniversaryWhen.class);
        final Set<Condition.ConsentStatus> consents = EnumSet.noneOf(Condition.ConsentStatus.class);

        void visit(Condition condition) {
            kinds.add(condition.getClass());
            if (condition instanceof Condition.All all) {
                all.conditions().forEach(this::visit);
            } else if (condition instanceof Condition.Any any) {
                any.conditions().forEach(this::visit);
            } else if (condition instanceof Condition.Not not) {
                visit(not.condition());
            } else if (condition instanceof Condition.Trait trait) {
                traitOperators.add(trait.op());
            } else if (condition instanceof Condition.Computed computed) {
                (computed.field().type() == ComputedField.FieldType.NUMBER ? numberOperators : timestampOperators).add(computed.op());
            } else if (condition instanceof Condition.Event event) {
                event.where().forEach(filter -> traitOperators.add(filter.op()));
                windows.add(event.window().getClass());
                counts.add(event.count().op());
            } else if (condition instanceof Condition.LastEvent last) {
                lastEventOperators.add(last.op());
            } else if (condition instanceof Condition.Anniversary anniversary) {
                anniversaries.add(anniversary.when());
            } else if (condition instanceof Condition.Consent consent) {
                consents.add(consent.status());
            }
        }
    }
}
