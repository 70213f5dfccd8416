package io.kizuna.condition;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import io.kizuna.condition.Condition.EventWindow;

/**
 * What the generator produced over a run, so the differential test can prove it did not silently
 * go weak: every operator, leaf kind, window, count, anniversary and consent status generated, and
 * every leaf kind seen both true and false.
 */
final class GenerationCoverage {

    static final List<String> LEAF_KINDS = List.of("Trait", "Computed", "HasTag", "InSegment", "Event", "LastEvent", "Consent", "Reachable",
            "Anniversary", "RandomBucket");

    private final Map<String, Integer> generated = new TreeMap<>();
    private final Map<String, int[]> outcomes = new TreeMap<>();

    static Set<String> required() {
        Set<String> keys = new TreeSet<>();
        for (Operator op : Operator.values()) {
            if (op != Operator.ANNIVERSARY) {
                keys.add("op:" + op.json());
            }
        }
        for (Operator op : ConditionGenerator.JSON_OPS) {
            keys.add("trait:" + op.json());
            keys.add("filter:" + op.json());
        }
        for (Operator op : ConditionGenerator.NUMBER_OPS) {
            keys.add("computed-number:" + op.json());
        }
        for (Operator op : ConditionGenerator.TIME_OPS) {
            keys.add("computed-time:" + op.json());
            keys.add("lastEvent:" + op.json());
        }
        LEAF_KINDS.forEach(kind -> keys.add("leaf:" + kind));
        for (ComputedField field : ComputedField.values()) {
            keys.add("field:" + field.json());
        }
        keys.add("window:ever");
        for (Span.Unit unit : Span.Unit.values()) {
            keys.add("window:withinLast:" + unit.json());
            keys.add("duration:" + unit.json());
        }
        keys.addAll(List.of("window:between:both", "window:between:from", "window:between:to", "window:since"));
        keys.addAll(List.of("count:atLeast", "count:atMost", "count:exactly", "count:never"));
        keys.addAll(List.of("where:0", "where:1", "where:2"));
        for (Condition.AnniversaryWhen when : Condition.AnniversaryWhen.values()) {
            keys.add("when:" + when.name().toLowerCase());
        }
        keys.addAll(List.of("anniversary:trait", "anniversary:computed"));
        for (Condition.ConsentStatus status : Condition.ConsentStatus.values()) {
            keys.add("consent:" + status.name().toLowerCase());
        }
        for (Channel channel : Channel.values()) {
            keys.add("reachable:" + channel.json());
        }
        keys.addAll(List.of("node:all", "node:any", "node:not", "node:empty-all", "node:empty-any"));
        return keys;
    }

    void generated(Condition condition) {
        if (condition instanceof Condition.All all) {
            count(all.conditions().isEmpty() ? "node:empty-all" : "node:all");
            all.conditions().forEach(this::generated);
        } else if (condition instanceof Condition.Any any) {
            count(any.conditions().isEmpty() ? "node:empty-any" : "node:any");
            any.conditions().forEach(this::generated);
        } else if (condition instanceof Condition.Not not) {
            count("node:not");
            generated(not.condition());
        } else {
            count("leaf:" + kind(condition));
            leaf(condition);
        }
    }

    private void leaf(Condition condition) {
        if (condition instanceof Condition.Trait trait) {
            operator("trait", trait.op(), trait.value());
        } else if (condition instanceof Condition.Computed computed) {
            count("field:" + computed.field().json());
            operator(computed.field().type() == ComputedField.FieldType.NUMBER ? "computed-number" : "computed-time", computed.op(), computed.value());
        } else if (condition instanceof Condition.Event event) {
            count("where:" + event.where().size());
            event.where().forEach(filter -> operator("filter", filter.op(), filter.value()));
            EventWindow window = event.window();
            if (window instanceof EventWindow.Ever) {
                count("window:ever");
            } else if (window instanceof EventWindow.WithinLast last) {
                count("window:withinLast:" + last.span().unit().json());
                count("duration:" + last.span().unit().json());
            } else if (window instanceof EventWindow.Between between) {
                count("window:between:" + (between.from() != null && between.to() != null ? "both" : between.from() != null ? "from" : "to"));
            } else {
                count("window:since");
            }
            switch (event.count().op()) {
                case AT_LEAST -> count("count:atLeast");
                case EXACTLY -> count("count:exactly");
                case AT_MOST -> count(event.count().times() == 0 ? "count:never" : "count:atMost");
            }
        } else if (condition instanceof Condition.LastEvent last) {
            count("where:" + last.where().size());
            last.where().forEach(filter -> operator("filter", filter.op(), filter.value()));
            operator("lastEvent", last.op(), last.value());
        } else if (condition instanceof Condition.Consent consent) {
            count("consent:" + consent.status().name().toLowerCase());
        } else if (condition instanceof Condition.Reachable reachable) {
            count("reachable:" + reachable.channel().json());
        } else if (condition instanceof Condition.Anniversary anniversary) {
            count("when:" + anniversary.when().name().toLowerCase());
            count(anniversary.field().computed() != null ? "anniversary:computed" : "anniversary:trait");
        }
    }

    private void operator(String subject, Operator op, Value value) {
        count("op:" + op.json());
        count(subject + ":" + op.json());
        if (value instanceof Value.Duration duration) {
            count("duration:" + duration.span().unit().json());
        }
        if (value != null) {
            String type = value instanceof Value.ListOf list && !list.values().isEmpty()
                    ? "list-of-" + list.values().get(0).typeName()
                    : value.typeName();
            count("value:" + subject + ":" + op.json() + ":" + type);
        }
    }

    void outcome(Condition leaf, boolean value) {
        outcomes.computeIfAbsent(kind(leaf), k -> new int[2])[value ? 0 : 1]++;
    }

    static String kind(Condition condition) {
        return condition.getClass().getSimpleName();
    }

    private void count(String key) {
        generated.merge(key, 1, Integer::sum);
    }

    List<String> missing() {
        List<String> missing = new ArrayList<>();
        for (String key : required()) {
            if (!generated.containsKey(key)) {
                missing.add(key);
            }
        }
        for (String kind : LEAF_KINDS) {
            int[] seen = outcomes.getOrDefault(kind, new int[2]);
            if (seen[0] == 0) {
                missing.add("true:" + kind);
            }
            if (seen[1] == 0) {
                missing.add("false:" + kind);
            }
        }
        return missing;
    }

    /** How often each leaf kind was true and false, over all profiles. */
    String outcomes() {
        StringBuilder text = new StringBuilder("leaf outcomes (true/false over profiles):");
        outcomes.forEach((kind, seen) -> text.append(' ').append(kind).append(' ').append(seen[0]).append('/').append(seen[1]));
        return text.append('\n').toString();
    }

    String report() {
        StringBuilder text = new StringBuilder(outcomes());
        text.append("generated:\n");
        generated.forEach((key, count) -> text.append("  ").append(key).append(" = ").append(count).append('\n'));
        return text.toString();
    }
}
