package io.kizuna.condition;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import io.kizuna.profile.traits.Commerce;
import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * Every field and operator of the condition language, with value types and a ready-to-send example
 * for each combination, for UIs to build condition editors from.
 */
@Schema(name = "ConditionCatalog")
@RegisterForReflection
public record ConditionCatalog(
        @Schema(description = "Every field (or leaf kind) with the operators it accepts") List<Field> fields,
        @Schema(description = "Number of field × operator combinations listed") int combinations,
        @Schema(description = "Segment e-commerce spec event names Kizuna computes traits from") List<String> commerceEvents,
        @Schema(description = "Trait paths commonly used by commerce teams; any other path works too") List<String> suggestedTraits) {

    @Schema(name = "ConditionCatalogField")
    @RegisterForReflection
    public record Field(
            @Schema(description = "trait, computed, event, lastEvent, tag, segment, consent, reachable, anniversary, random") String kind,
            @Schema(description = "The field name, or a placeholder such as <path> for traits") String field,
            @Schema(description = "string, number, boolean, date, timestamp, any, …") String type,
            String description,
            List<Use> operators) {
    }

    @Schema(name = "ConditionCatalogOperator")
    @RegisterForReflection
    public record Use(
            @Schema(description = "The operator's JSON name, or the variant of a leaf") String op,
            @Schema(description = "What the value must be: none, string, number, boolean, date, timestamp, duration, list of …") String valueType,
            String description,
            @Schema(description = "A complete condition using this combination") Map<String, Object> example) {
    }

    private static final List<String> SUGGESTED_TRAITS = List.of("email", "firstName", "lastName", "gender", "birthday", "address.city",
            "address.state", "address.country", "memberRank", "plan", "contractEndDate", "interests");

    public static ConditionCatalog build() {
        List<Field> fields = new ArrayList<>();
        fields.add(new Field("trait", "<path>", "any", "A trait by its dotted path of object keys (custom fields included)", traitUses()));
        for (ComputedField field : ComputedField.values()) {
            fields.add(new Field("computed", field.json(), field.type() == ComputedField.FieldType.NUMBER ? "number" : "timestamp",
                    field.description(), computedUses(field)));
        }
        fields.add(new Field("event", "<event name>", "count", "How many times the profile did an event, filtered by properties and time", eventUses()));
        fields.add(new Field("lastEvent", "<event name>", "timestamp", "When the profile last did an event", lastEventUses()));
        fields.add(new Field("tag", "<tag name>", "none", "The profile has the tag now",
                List.of(new Use("has", "none", "Has the tag", Map.of("tag", "vip")))));
        fields.add(new Field("segment", "<segment id>", "none", "The profile is a member of the segment now (segments may reference segments; cycles are refused)",
                List.of(new Use("member", "none", "Is a member", Map.of("segment", "6f1c2a4e-0c1b-4d1e-9d47-1f6d3f0f6a10")))));
        fields.add(new Field("consent", "<channel>/<topic>", "status", "Consent for a channel and topic (topic \"\" is the channel as a whole)", consentUses()));
        fields.add(new Field("reachable", "<channel>", "none", "Has an address for the channel and has not refused it", reachableUses()));
        fields.add(new Field("anniversary", "<date trait or computed timestamp>", "date", "A yearly date: birthday, contract maturity", anniversaryUses()));
        fields.add(new Field("random", "<seed>", "bucket", "A stable random bucket of the profile, for holdouts",
                List.of(new Use("bucket", "buckets, from, to", "10% holdout: buckets 0 to 9 of 100",
                        Map.of("random", map("seed", "holdout-2026", "buckets", 100, "from", 0, "to", 9))))));
        int combinations = fields.stream().mapToInt(field -> field.operators().size()).sum();
        return new ConditionCatalog(fields, combinations, Commerce.EVENTS, SUGGESTED_TRAITS);
    }

    private static List<Use> traitUses() {
        List<Use> uses = new ArrayList<>();
        uses.add(trait("equals", "string, number or boolean", "Same JSON type and equal", "address.city", "東京"));
        uses.add(trait("not_equals", "string, number or boolean", "Not equal (true when missing)", "gender", "male"));
        uses.add(trait("in", "list of strings, numbers or booleans", "Equal to one item", "memberRank", List.of("gold", "platinum")));
        uses.add(trait("not_in", "list of strings, numbers or booleans", "Equal to no item (true when missing)", "memberRank", List.of("bronze")));
        uses.add(trait("gt", "number", "Greater than", "points", 1000));
        uses.add(trait("gte", "number", "Greater than or equal", "points", 1000));
        uses.add(trait("lt", "number", "Less than", "age", 30));
        uses.add(trait("lte", "number", "Less than or equal", "age", 29));
        uses.add(trait("between", "list of 2 numbers or 2 dates", "Inclusive range", "age", List.of(20, 29)));
        uses.add(trait("contains", "string (or an element of an array trait)", "Substring of a string, or element of an array", "interests", "wine"));
        uses.add(trait("not_contains", "string", "Neither substring nor element (true when missing)", "email", "@example.com"));
        uses.add(trait("starts_with", "string", "Prefix", "phone", "+8190"));
        uses.add(trait("ends_with", "string", "Suffix", "email", "@gmail.com"));
        uses.add(trait("matches", "string (regular expression)", "Regular expression found anywhere (linear-time engine)", "postalCode", "^1[0-9]{2}-"));
        uses.add(trait("exists", "none", "Present and not null", "birthday", null));
        uses.add(trait("missing", "none", "Absent or null", "email", null));
        uses.add(trait("is_true", "none", "JSON true", "newsletter", null));
        uses.add(trait("is_false", "none", "JSON false", "newsletter", null));
        uses.add(trait("before", "date (YYYY-MM-DD)", "Date trait before the date", "contractEndDate", "2027-04-01"));
        uses.add(trait("after", "date (YYYY-MM-DD)", "Date trait after the date", "memberSince", "2024-12-31"));
        uses.add(trait("within_last", "duration in days, weeks, months or years", "Date trait in the last span up to today", "memberSince",
                map("amount", 30, "unit", "days")));
        uses.add(trait("more_than_ago", "duration in days, weeks, months or years", "Date trait before today minus the span", "memberSince",
                map("amount", 1, "unit", "years")));
        uses.add(trait("month", "list of months 1-12", "Date trait in one of the months", "birthday", List.of(12)));
        uses.add(new Use("anniversary", "{\"when\": today|in_days|this_month|days_before, \"days\": N}", "Yearly date (same as the anniversary leaf)",
                Map.of("trait", map("path", "birthday", "op", "anniversary", "value", map("when", "this_month")))));
        return uses;
    }

    private static Use trait(String op, String valueType, String description, String path, Object value) {
        Map<String, Object> body = map("path", path, "op", op);
        if (value != null) {
            body.put("value", value);
        }
        return new Use(op, valueType, description, Map.of("trait", body));
    }

    private static List<Use> computedUses(ComputedField field) {
        List<Use> uses = new ArrayList<>();
        if (field.type() == ComputedField.FieldType.NUMBER) {
            Object sample = sampleNumber(field);
            uses.add(computed(field, "equals", "number", "Equal", sample));
            uses.add(computed(field, "not_equals", "number", "Not equal (true when missing)", sample));
            uses.add(computed(field, "gt", "number", "Greater than", sample));
            uses.add(computed(field, "gte", "number", "Greater than or equal", sample));
            uses.add(computed(field, "lt", "number", "Less than", sample));
            uses.add(computed(field, "lte", "number", "Less than or equal", sample));
            uses.add(computed(field, "between", "list of 2 numbers", "Inclusive range", List.of(0, sample)));
            uses.add(computed(field, "in", "list of numbers", "One of", List.of(1, 2, 3)));
            uses.add(computed(field, "not_in", "list of numbers", "None of (true when missing)", List.of(0)));
        } else {
            uses.add(computed(field, "before", "date or timestamp", "Before (a date means its start in the workspace time zone)", "2026-01-01"));
            uses.add(computed(field, "after", "date or timestamp", "After (a date means after its end)", "2026-01-01T09:00:00+09:00"));
            uses.add(computed(field, "between", "list of 2 dates or 2 timestamps", "Inclusive range", List.of("2026-12-01", "2026-12-31")));
            uses.add(computed(field, "within_last", "duration", "In the last span up to now", map("amount", 3, "unit", "hours")));
            uses.add(computed(field, "more_than_ago", "duration", "Longer ago than the span", map("amount", 30, "unit", "days")));
            uses.add(computed(field, "day_of_week", "list of ISO days 1-7 or names", "On one of the days (workspace time zone)", List.of("saturday", "sunday")));
            uses.add(computed(field, "month", "list of months 1-12", "In one of the months (workspace time zone)", List.of(11, 12)));
        }
        uses.add(computed(field, "exists", "none", "Has a value", null));
        uses.add(computed(field, "missing", "none", "Has no value", null));
        return uses;
    }

    private static Object sampleNumber(ComputedField field) {
        return switch (field) {
            case LIFETIME_REVENUE, AVERAGE_ORDER_VALUE, CART_VALUE, REFUNDED -> 100000;
            case RFM_RECENCY, RFM_FREQUENCY, RFM_MONETARY -> 5;
            case DAYS_SINCE_LAST_SEEN, AVERAGE_ORDER_INTERVAL_DAYS -> 30;
            default -> 2;
        };
    }

    private static Use computed(ComputedField field, String op, String valueType, String description, Object value) {
        Map<String, Object> body = map("field", field.json(), "op", op);
        if (field == ComputedField.CHANNEL_LAST_ACTIVITY_AT) {
            body.put("channel", "line");
        }
        if (value != null) {
            body.put("value", value);
        }
        return new Use(op, valueType, description, Map.of("computed", body));
    }

    private static List<Use> eventUses() {
        return List.of(
                new Use("atLeast", "count ≥ 1", "At least N times (the default is at least once, ever)",
                        Map.of("event", map("name", "Order Completed", "count", map("atLeast", 2)))),
                new Use("atMost", "count ≥ 0", "At most N times", Map.of("event", map("name", "Product Viewed", "count", map("atMost", 3),
                        "window", map("withinLast", map("amount", 7, "unit", "days"))))),
                new Use("exactly", "count ≥ 0", "Exactly N times", Map.of("event", map("name", "Order Completed", "count", map("exactly", 1)))),
                new Use("never", "none", "Never (in the window)", Map.of("event", map("name", "Order Completed", "count", "never",
                        "window", map("withinLast", map("amount", 90, "unit", "days"))))),
                new Use("withinLast", "duration", "In the last minutes, hours, days, weeks, months or years",
                        Map.of("event", map("name", "Product Added", "window", map("withinLast", map("amount", 3, "unit", "hours"))))),
                new Use("between", "two timestamps (either optional)", "Between two instants, inclusive",
                        Map.of("event", map("name", "Order Completed", "window",
                                map("between", map("from", "2026-11-01T00:00:00+09:00", "to", "2026-11-30T23:59:59+09:00"))))),
                new Use("since", "event name", "After the profile's last occurrence of another event",
                        Map.of("event", map("name", "Order Completed", "count", "never", "window", map("since", "Product Added")))),
                new Use("where", "property filters (trait operators)", "Filter on the event's properties",
                        Map.of("event", map("name", "Order Completed", "where", List.of(map("path", "total", "op", "gte", "value", 10000))))));
    }

    private static List<Use> lastEventUses() {
        List<Use> uses = new ArrayList<>();
        Object[][] ops = {
                {"within_last", "duration", map("amount", 7, "unit", "days")},
                {"more_than_ago", "duration", map("amount", 60, "unit", "days")},
                {"before", "date or timestamp", "2026-10-01"},
                {"after", "date or timestamp", "2026-10-01"},
                {"between", "list of 2 dates or 2 timestamps", List.of("2026-10-01", "2026-10-31")},
                {"day_of_week", "list of ISO days 1-7 or names", List.of("friday")},
                {"month", "list of months 1-12", List.of(12)},
                {"exists", "none", null},
                {"missing", "none", null}};
        for (Object[] op : ops) {
            Map<String, Object> body = map("name", "Order Completed", "op", op[0]);
            if (op[2] != null) {
                body.put("value", op[2]);
            }
            uses.add(new Use((String) op[0], (String) op[1], "Time of the last occurrence", Map.of("lastEvent", body)));
        }
        return uses;
    }

    private static List<Use> consentUses() {
        List<Use> uses = new ArrayList<>();
        for (Condition.ConsentStatus status : Condition.ConsentStatus.values()) {
            String name = status.name().toLowerCase(java.util.Locale.ROOT);
            uses.add(new Use(name, "channel, topic", "Consent is " + name,
                    Map.of("consent", map("channel", "email", "topic", "newsletter", "status", name))));
        }
        return uses;
    }

    private static List<Use> reachableUses() {
        List<Use> uses = new ArrayList<>();
        for (Channel channel : Channel.values()) {
            uses.add(new Use(channel.json(), "none", "Has a " + channel.identityType() + " identity and has not refused " + channel.json(),
                    Map.of("reachable", channel.json())));
        }
        return uses;
    }

    private static List<Use> anniversaryUses() {
        return List.of(
                new Use("today", "none", "The month and day are today's (Feb 29 counts on Feb 28 in other years)",
                        Map.of("anniversary", map("trait", "birthday", "when", "today"))),
                new Use("in_days", "days 0-366", "The month and day are N days from today",
                        Map.of("anniversary", map("trait", "birthday", "when", "in_days", "days", 7))),
                new Use("this_month", "none", "The month is this month", Map.of("anniversary", map("trait", "birthday", "when", "this_month"))),
                new Use("days_before", "days 0-366", "The date is N days from today (contract maturity)",
                        Map.of("anniversary", map("trait", "contractEndDate", "when", "days_before", "days", 30))),
                new Use("computed", "a computed timestamp", "The anniversary of a computed date (first order)",
                        Map.of("anniversary", map("computed", "first_order_at", "when", "today"))));
    }

    private static Map<String, Object> map(Object... keysAndValues) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return map;
    }
}
