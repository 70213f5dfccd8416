package io.kizuna.condition;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.eclipse.microprofile.graphql.Description;
import org.eclipse.microprofile.graphql.Input;
import org.eclipse.microprofile.graphql.NonNull;

import io.kizuna.common.error.BadInputException;
import io.kizuna.common.error.FieldViolation;
import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * The typed GraphQL form of a condition. GraphQL input objects cannot be unions, so each node is
 * an object on which exactly one field is set, named as the keys of the JSON form; {@link #toJson}
 * turns it into that JSON form, which {@link ConditionJson} then reads and checks as usual.
 */
@Input("ConditionInput")
@Description("One condition node: set exactly one field. The fields mirror the JSON form's keys (see GET /v1/conditions/catalog).")
@RegisterForReflection
public record ConditionInput(
        // List items stay nullable in the schema: graphql-java's cycle check takes [ConditionInput!] for an unbreakable cycle.
        @Description("Every one of these holds") List<ConditionInput> all,
        @Description("At least one of these holds") List<ConditionInput> any,
        @Description("This does not hold") ConditionInput not,
        @Description("Compares a trait (any path, custom fields included)") TraitConditionInput trait,
        @Description("Compares a computed trait") ComputedConditionInput computed,
        @Description("Has this tag") String tag,
        @Description("Is a member of this segment (its id)") String segment,
        @Description("Did an event a number of times in a window") EventConditionInput event,
        @Description("Compares the time of the last occurrence of an event") LastEventConditionInput lastEvent,
        @Description("Consent or subscription state for a channel and topic") ConsentConditionInput consent,
        @Description("Reachable on this channel: email, sms, line, messenger, push or webhook") String reachable,
        @Description("A date trait's anniversary: birthday today, in N days, this month, or N days before a date") AnniversaryConditionInput anniversary,
        @Description("A stable random bucket, for holdouts") RandomConditionInput random) {

    @Input("TraitConditionInput")
    @RegisterForReflection
    public record TraitConditionInput(@NonNull @Description("Dotted trait path, for example address.city") String path,
            @NonNull Operator op, ConditionValueInput value) {
    }

    @Input("ComputedConditionInput")
    @RegisterForReflection
    public record ComputedConditionInput(@NonNull @Description("A computed field such as order_count or last_seen_at") String field,
            @Description("For channel_last_activity_at: the channel") String channel, @NonNull Operator op, ConditionValueInput value) {
    }

    @Input("PropertyFilterInput")
    @RegisterForReflection
    public record PropertyFilterInput(@NonNull @Description("Dotted property path, for example product_id") String path,
            @NonNull Operator op, ConditionValueInput value) {
    }

    @Input("EventConditionInput")
    @RegisterForReflection
    public record EventConditionInput(@NonNull String name, List<@NonNull PropertyFilterInput> where,
            @Description("Default: ever") EventWindowInput window, @Description("Default: at least once") EventCountInput count) {
    }

    @Input("EventWindowInput")
    @Description("Set exactly one field")
    @RegisterForReflection
    public record EventWindowInput(SpanInput withinLast, BetweenInput between,
            @Description("Since the last occurrence of this event") String since) {
    }

    @Input("BetweenInput")
    @RegisterForReflection
    public record BetweenInput(@Description("Date (YYYY-MM-DD) or timestamp") String from, @Description("Date (YYYY-MM-DD) or timestamp") String to) {
    }

    @Input("SpanInput")
    @RegisterForReflection
    public record SpanInput(@NonNull Integer amount, @NonNull @Description("minutes, hours, days, weeks, months or years") String unit) {
    }

    @Input("EventCountInput")
    @Description("Set exactly one field; never is exactly: 0")
    @RegisterForReflection
    public record EventCountInput(Integer atLeast, Integer atMost, Integer exactly) {
    }

    @Input("LastEventConditionInput")
    @RegisterForReflection
    public record LastEventConditionInput(@NonNull String name, List<@NonNull PropertyFilterInput> where, @NonNull Operator op,
            ConditionValueInput value) {
    }

    @Input("ConsentConditionInput")
    @RegisterForReflection
    public record ConsentConditionInput(@NonNull String channel, String topic,
            @NonNull @Description("granted, denied or unknown") String status) {
    }

    @Input("AnniversaryConditionInput")
    @Description("Set trait or computed")
    @RegisterForReflection
    public record AnniversaryConditionInput(@Description("A date trait path such as birthday") String trait,
            @Description("A computed timestamp field such as first_order_at") String computed,
            @NonNull @Description("today, in_days, this_month or days_before") String when, Integer days) {
    }

    @Input("RandomConditionInput")
    @RegisterForReflection
    public record RandomConditionInput(@NonNull String seed, @NonNull Integer buckets, @NonNull Integer from, @NonNull Integer to) {
    }

    @Input("ConditionValueInput")
    @Description("A typed value: set exactly one field")
    @RegisterForReflection
    public record ConditionValueInput(String string, BigDecimal number, @Description("true or false") Boolean bool,
            @Description("A date (YYYY-MM-DD)") String date, @Description("A timestamp with offset, such as 2026-01-31T09:00:00Z") String timestamp,
            List<ConditionValueInput> list, SpanInput duration,
            @Description("For op anniversary") AnniversaryTimingInput anniversary) {
    }

    @Input("AnniversaryTimingInput")
    @RegisterForReflection
    public record AnniversaryTimingInput(@NonNull @Description("today, in_days, this_month or days_before") String when, Integer days) {
    }

    /**
     * The conditions of a GraphQL input that accepts them typed ({@code condition}) or as JSON text
     * ({@code conditions}): their JSON form, checked, or null when neither is given.
     */
    public static Object jsonOf(ConditionInput typed, String text) {
        if (typed != null && text != null) {
            throw new BadInputException("condition", "give either condition (typed) or conditions (JSON text), not both");
        }
        if (typed != null) {
            Object json = typed.toJson("condition");
            ConditionJson.read(json, "condition");
            return json;
        }
        if (text == null) {
            return null;
        }
        try {
            return io.vertx.core.json.Json.decodeValue(text);
        } catch (io.vertx.core.json.DecodeException e) {
            throw new BadInputException("conditions", "is not valid JSON text");
        }
    }

    /**
     * The JSON form of this node, as plain maps and lists.
     *
     * @throws BadInputException naming every node, at {@code path}, that sets no field or more than one
     */
    public Object toJson(String path) {
        List<FieldViolation> violations = new ArrayList<>();
        Object json = node(this, path, violations);
        if (!violations.isEmpty()) {
            throw new BadInputException(violations);
        }
        return json;
    }

    private static Object node(ConditionInput input, String at, List<FieldViolation> violations) {
        Map<String, Object> set = new LinkedHashMap<>();
        putIfSet(set, "all", input.all == null ? null : nodes(input.all, at + ".all", violations));
        putIfSet(set, "any", input.any == null ? null : nodes(input.any, at + ".any", violations));
        putIfSet(set, "not", input.not == null ? null : node(input.not, at + ".not", violations));
        putIfSet(set, "trait", input.trait == null ? null : comparison(fields("path", input.trait.path), input.trait.op, input.trait.value,
                at + ".trait", violations));
        putIfSet(set, "computed", input.computed == null ? null : computed(input.computed, at + ".computed", violations));
        putIfSet(set, "tag", input.tag);
        putIfSet(set, "segment", input.segment);
        putIfSet(set, "event", input.event == null ? null : event(input.event, at + ".event", violations));
        putIfSet(set, "lastEvent", input.lastEvent == null ? null : lastEvent(input.lastEvent, at + ".lastEvent", violations));
        putIfSet(set, "consent", input.consent == null ? null : consent(input.consent));
        putIfSet(set, "reachable", input.reachable);
        putIfSet(set, "anniversary", input.anniversary == null ? null : anniversary(input.anniversary));
        putIfSet(set, "random", input.random == null ? null : random(input.random));
        if (set.size() != 1) {
            violations.add(new FieldViolation(at, "set exactly one of all, any, not, trait, computed, tag, segment, event, lastEvent, consent, "
                    + "reachable, anniversary, random; got " + (set.isEmpty() ? "none" : String.join(", ", set.keySet()))));
        }
        return set;
    }

    private static List<Object> nodes(List<ConditionInput> inputs, String at, List<FieldViolation> violations) {
        List<Object> json = new ArrayList<>();
        for (int i = 0; i < inputs.size(); i++) {
            if (inputs.get(i) == null) {
                violations.add(new FieldViolation(at + "[" + i + "]", "must be a condition, not null"));
                continue;
            }
            json.add(node(inputs.get(i), at + "[" + i + "]", violations));
        }
        return json;
    }

    private static Map<String, Object> computed(ComputedConditionInput computed, String at, List<FieldViolation> violations) {
        Map<String, Object> body = fields("field", computed.field);
        putIfSet(body, "channel", computed.channel);
        return comparison(body, computed.op, computed.value, at, violations);
    }

    private static Map<String, Object> event(EventConditionInput event, String at, List<FieldViolation> violations) {
        Map<String, Object> body = fields("name", event.name);
        putIfSet(body, "where", filters(event.where, at + ".where", violations));
        if (event.window != null) {
            Map<String, Object> window = new LinkedHashMap<>();
            putIfSet(window, "withinLast", span(event.window.withinLast));
            if (event.window.between != null) {
                Map<String, Object> between = new LinkedHashMap<>();
                putIfSet(between, "from", event.window.between.from);
                putIfSet(between, "to", event.window.between.to);
                window.put("between", between);
            }
            putIfSet(window, "since", event.window.since);
            body.put("window", exactlyOne(window, at + ".window", "withinLast, between, since", violations));
        }
        if (event.count != null) {
            Map<String, Object> count = new LinkedHashMap<>();
            putIfSet(count, "atLeast", event.count.atLeast);
            putIfSet(count, "atMost", event.count.atMost);
            putIfSet(count, "exactly", event.count.exactly);
            body.put("count", exactlyOne(count, at + ".count", "atLeast, atMost, exactly", violations));
        }
        return body;
    }

    private static Map<String, Object> lastEvent(LastEventConditionInput last, String at, List<FieldViolation> violations) {
        Map<String, Object> body = fields("name", last.name);
        putIfSet(body, "where", filters(last.where, at + ".where", violations));
        return comparison(body, last.op, last.value, at, violations);
    }

    private static List<Object> filters(List<PropertyFilterInput> where, String at, List<FieldViolation> violations) {
        if (where == null) {
            return null;
        }
        List<Object> json = new ArrayList<>();
        for (int i = 0; i < where.size(); i++) {
            PropertyFilterInput filter = where.get(i);
            json.add(comparison(fields("path", filter.path), filter.op, filter.value, at + "[" + i + "]", violations));
        }
        return json;
    }

    private static Map<String, Object> consent(ConsentConditionInput consent) {
        Map<String, Object> body = fields("channel", consent.channel);
        putIfSet(body, "topic", consent.topic);
        body.put("status", consent.status);
        return body;
    }

    private static Map<String, Object> anniversary(AnniversaryConditionInput anniversary) {
        Map<String, Object> body = new LinkedHashMap<>();
        putIfSet(body, "trait", anniversary.trait);
        putIfSet(body, "computed", anniversary.computed);
        body.put("when", anniversary.when);
        putIfSet(body, "days", anniversary.days);
        return body;
    }

    private static Map<String, Object> random(RandomConditionInput random) {
        Map<String, Object> body = fields("seed", random.seed);
        body.put("buckets", random.buckets);
        body.put("from", random.from);
        body.put("to", random.to);
        return body;
    }

    private static Map<String, Object> comparison(Map<String, Object> body, Operator op, ConditionValueInput value, String at,
            List<FieldViolation> violations) {
        body.put("op", op == null ? null : op.json());
        if (value != null) {
            body.put("value", value(value, at + ".value", violations));
        }
        return body;
    }

    private static Object value(ConditionValueInput value, String at, List<FieldViolation> violations) {
        Map<String, Object> set = new LinkedHashMap<>();
        putIfSet(set, "string", value.string);
        putIfSet(set, "number", value.number);
        putIfSet(set, "bool", value.bool);
        putIfSet(set, "date", value.date);
        putIfSet(set, "timestamp", value.timestamp);
        if (value.list != null) {
            List<Object> items = new ArrayList<>();
            for (int i = 0; i < value.list.size(); i++) {
                if (value.list.get(i) == null) {
                    violations.add(new FieldViolation(at + ".list[" + i + "]", "must be a value, not null"));
                    continue;
                }
                items.add(value(value.list.get(i), at + ".list[" + i + "]", violations));
            }
            set.put("list", items);
        }
        putIfSet(set, "duration", span(value.duration));
        if (value.anniversary != null) {
            Map<String, Object> timing = fields("when", value.anniversary.when);
            putIfSet(timing, "days", value.anniversary.days);
            set.put("anniversary", timing);
        }
        Map<String, Object> one = exactlyOne(set, at, "string, number, bool, date, timestamp, list, duration, anniversary", violations);
        // The JSON form writes a value bare: the string, the number, the list, the {amount, unit} object...
        return one == null ? null : one.values().iterator().next();
    }

    private static Map<String, Object> span(SpanInput span) {
        if (span == null) {
            return null;
        }
        Map<String, Object> body = fields("amount", span.amount);
        body.put("unit", span.unit);
        return body;
    }

    /** The one-key object, or null after reporting that not exactly one field was set. */
    private static Map<String, Object> exactlyOne(Map<String, Object> set, String at, String choices, List<FieldViolation> violations) {
        if (set.size() != 1) {
            violations.add(new FieldViolation(at, "set exactly one of " + choices + "; got "
                    + (set.isEmpty() ? "none" : String.join(", ", set.keySet()))));
            return null;
        }
        return set;
    }

    private static Map<String, Object> fields(String key, Object value) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put(key, value);
        return body;
    }

    private static void putIfSet(Map<String, Object> body, String key, Object value) {
        if (value != null) {
            body.put(key, value);
        }
    }
}
