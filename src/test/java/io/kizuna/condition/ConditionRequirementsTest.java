package io.kizuna.condition;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.kizuna.common.json.JsonValues;
import io.kizuna.condition.ConditionRequirements.Bound;
import io.kizuna.condition.ConditionRequirements.EventRead;

class ConditionRequirementsTest {

    private static final Instant NOW = Instant.parse("2026-11-24T03:00:00Z");
    private static final EvaluationContext CONTEXT = new EvaluationContext(null, NOW, ZoneId.of("Asia/Tokyo"));

    private static List<EventRead> reads(String... conditions) {
        List<Condition> parsed = java.util.Arrays.stream(conditions)
                .map(json -> ConditionJson.read(new io.vertx.core.json.JsonObject(json).getMap(), "conditions")).toList();
        return ConditionRequirements.of(parsed, CONTEXT).reads();
    }

    @Test
    void cart_abandoned_and_not_ordered_since_reads_recent_adds_the_latest_add_and_only_the_orders_after_it() {
        List<EventRead> reads = reads("""
                {"all": [{"event": {"name": "Product Added", "window": {"withinLast": {"amount": 3, "unit": "hours"}}}},
                         {"event": {"name": "Order Completed", "window": {"since": "Product Added"}, "count": "never"}}]}""");

        assertEquals(List.of(
                new EventRead("Product Added", Bound.RANGE, NOW.minusSeconds(3 * 3600), null, Set.of()),
                new EventRead("Product Added", Bound.LATEST, null, null, Set.of()),
                new EventRead("Order Completed", Bound.AFTER_LAST, null, "Product Added", Set.of())), reads);
    }

    @Test
    void each_name_is_read_back_to_its_widest_window_with_the_properties_its_filters_use() {
        List<EventRead> reads = reads(
                """
                {"event": {"name": "Product Viewed", "where": [{"path": "category", "op": "equals", "value": "Skincare"}],
                           "window": {"withinLast": {"amount": 30, "unit": "days"}}}}""",
                """
                {"event": {"name": "Product Viewed", "where": [{"path": "product.brand", "op": "equals", "value": "Shiseido"}],
                           "window": {"withinLast": {"amount": 7, "unit": "days"}}, "count": {"atLeast": 5}}}""");

        assertEquals(List.of(new EventRead("Product Viewed", Bound.RANGE, NOW.minusSeconds(30 * 86400), null, Set.of("category", "product"))), reads);
    }

    @Test
    void a_last_occurrence_without_filters_reads_one_event_and_with_filters_the_whole_history() {
        assertEquals(List.of(new EventRead("Product Added", Bound.LATEST, null, null, Set.of())),
                reads("""
                        {"lastEvent": {"name": "Product Added", "op": "within_last", "value": {"amount": 3, "unit": "hours"}}}"""));
        assertEquals(List.of(new EventRead("Order Completed", Bound.RANGE, null, null, Set.of("total"))),
                reads("""
                        {"lastEvent": {"name": "Order Completed", "where": [{"path": "total", "op": "gt", "value": 10000}],
                                       "op": "within_last", "value": {"amount": 30, "unit": "days"}}}"""));
    }

    @Test
    void a_whole_history_read_of_a_name_makes_its_narrower_reads_redundant() {
        List<EventRead> reads = reads(
                """
                {"event": {"name": "Order Completed", "count": {"atLeast": 2}}}""",
                """
                {"event": {"name": "Order Completed", "window": {"withinLast": {"amount": 1, "unit": "days"}}}}""",
                """
                {"event": {"name": "Order Completed", "window": {"since": "Checkout Started"}}}""");

        assertEquals(List.of(
                new EventRead("Order Completed", Bound.RANGE, null, null, Set.of()),
                new EventRead("Checkout Started", Bound.LATEST, null, null, Set.of())), reads);
    }

    @Test
    void conditions_without_events_need_no_events() {
        assertEquals(false, ConditionRequirements.of(List.of(
                ConditionJson.read(Map.of("tag", "vip"), "conditions"),
                ConditionJson.read(JsonValues.object(Map.of("computed", Map.of("field", "order_count", "op", "gte", "value", 2))), "conditions")),
                CONTEXT).needsEvents());
    }
}
