package io.kizuna.condition;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigDecimal;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.kizuna.common.error.BadInputException;
import io.kizuna.common.error.FieldViolation;
import io.kizuna.condition.ConditionInput.ConditionValueInput;
import io.kizuna.condition.ConditionInput.EventConditionInput;
import io.kizuna.condition.ConditionInput.EventCountInput;
import io.kizuna.condition.ConditionInput.EventWindowInput;
import io.kizuna.condition.ConditionInput.SpanInput;
import io.kizuna.condition.ConditionInput.TraitConditionInput;

class ConditionInputTest {

    private static ConditionInput node() {
        return new ConditionInput(null, null, null, null, null, null, null, null, null, null, null, null, null);
    }

    private static ConditionInput tag(String name) {
        return new ConditionInput(null, null, null, null, null, name, null, null, null, null, null, null, null);
    }

    private static ConditionInput all(ConditionInput... children) {
        return new ConditionInput(Arrays.asList(children), null, null, null, null, null, null, null, null, null, null, null, null);
    }

    private static ConditionValueInput number(int n) {
        return new ConditionValueInput(null, BigDecimal.valueOf(n), null, null, null, null, null, null);
    }

    @Test
    void a_cart_abandonment_condition_typed_reads_as_the_same_json_form() {
        ConditionInput addedRecently = new ConditionInput(null, null, null, null, null, null, null,
                new EventConditionInput("Product Added", null, new EventWindowInput(new SpanInput(3, "hours"), null, null), null),
                null, null, null, null, null);
        ConditionInput notOrderedSince = new ConditionInput(null, null, null, null, null, null, null,
                new EventConditionInput("Order Completed", null, new EventWindowInput(null, null, "Product Added"), new EventCountInput(null, null, 0)),
                null, null, null, null, null);
        ConditionInput women = new ConditionInput(null, null, null,
                new TraitConditionInput("gender", Operator.IN, new ConditionValueInput(null, null, null, null, null,
                        List.of(new ConditionValueInput("female", null, null, null, null, null, null, null)), null, null)),
                null, null, null, null, null, null, null, null, null);

        Object json = all(addedRecently, notOrderedSince, women).toJson("condition");

        assertEquals(Map.of("all", List.of(
                Map.of("event", Map.of("name", "Product Added", "window", Map.of("withinLast", Map.of("amount", 3, "unit", "hours")))),
                Map.of("event", Map.of("name", "Order Completed", "window", Map.of("since", "Product Added"), "count", Map.of("exactly", 0))),
                Map.of("trait", Map.of("path", "gender", "op", "in", "value", List.of("female"))))), json);
        ConditionJson.read(json, "condition");
    }

    @Test
    void every_node_that_sets_no_field_or_several_is_named_at_once() {
        ConditionInput twoValues = new ConditionInput(null, null, null, new TraitConditionInput("age", Operator.GTE,
                new ConditionValueInput("30", BigDecimal.TEN, null, null, null, null, null, null)), null, null, null, null, null, null, null, null, null);
        ConditionInput withNull = all(tag("vip"), null, node(), twoValues);

        BadInputException error = assertThrows(BadInputException.class, () -> withNull.toJson("condition"));

        assertEquals(List.of("condition.all[1]", "condition.all[2]", "condition.all[3].trait.value"),
                error.violations().stream().map(FieldViolation::field).toList());
        assertEquals("set exactly one of string, number, bool, date, timestamp, list, duration, anniversary; got string, number",
                error.violations().get(2).message());
    }

    @Test
    void typed_and_text_forms_together_are_refused() {
        BadInputException error = assertThrows(BadInputException.class, () -> ConditionInput.jsonOf(tag("vip"), "{\"tag\": \"vip\"}"));
        assertEquals("condition", error.violations().get(0).field());
        assertEquals(Map.of("computed", Map.of("field", "order_count", "op", "gte", "value", BigDecimal.valueOf(2))),
                ConditionInput.jsonOf(new ConditionInput(null, null, null, null,
                        new ConditionInput.ComputedConditionInput("order_count", null, Operator.GTE, number(2)), null, null, null, null, null, null, null, null),
                        null));
    }
}
