package io.kizuna.condition;

import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * Which events a snapshot must hold for the matcher to decide some conditions: per event name the
 * conditions mention, how far back (absent from {@code since}: the whole history, as "ever",
 * "since" and last-occurrence tests need). Each name is read only as far back as the widest window
 * over that name, so a week of page views is not loaded because another condition looks at a
 * year of orders.
 */
public record ConditionRequirements(Set<String> eventNames, Map<String, Instant> since) {

    public ConditionRequirements {
        eventNames = Set.copyOf(eventNames);
        since = Map.copyOf(since);
    }

    public boolean needsEvents() {
        return !eventNames.isEmpty();
    }

    /** How far back events named {@code name} are needed; null for the whole history. */
    public Instant since(String name) {
        return since.get(name);
    }

    public static ConditionRequirements of(Condition condition, EvaluationContext context) {
        return of(java.util.List.of(condition), context);
    }

    public static ConditionRequirements of(Collection<Condition> conditions, EvaluationContext context) {
        Collector collector = new Collector(context);
        conditions.forEach(collector::visit);
        Map<String, Instant> since = new HashMap<>(collector.since);
        since.keySet().removeAll(collector.whole);
        return new ConditionRequirements(collector.names, since);
    }

    private static final class Collector {
        final EvaluationContext context;
        final Set<String> names = new LinkedHashSet<>();
        final Set<String> whole = new HashSet<>();
        final Map<String, Instant> since = new HashMap<>();

        Collector(EvaluationContext context) {
            this.context = context;
        }

        void visit(Condition condition) {
            if (condition instanceof Condition.All all) {
                all.conditions().forEach(this::visit);
            } else if (condition instanceof Condition.Any any) {
                any.conditions().forEach(this::visit);
            } else if (condition instanceof Condition.Not not) {
                visit(not.condition());
            } else if (condition instanceof Condition.Event event) {
                names.add(event.name());
                Condition.EventWindow window = event.window();
                if (window instanceof Condition.EventWindow.WithinLast last) {
                    from(event.name(), last.span().before(context.now(), context.zone()));
                } else if (window instanceof Condition.EventWindow.Between between && between.from() != null) {
                    from(event.name(), between.from());
                } else if (window instanceof Condition.EventWindow.SinceEvent sinceEvent) {
                    names.add(sinceEvent.name());
                    whole.add(sinceEvent.name());
                    whole.add(event.name());
                } else {
                    whole.add(event.name());
                }
            } else if (condition instanceof Condition.LastEvent last) {
                names.add(last.name());
                whole.add(last.name());
            }
        }

        private void from(String name, Instant instant) {
            since.merge(name, instant, (a, b) -> a.isBefore(b) ? a : b);
        }
    }
}
