package io.kizuna.condition;

import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Which events a snapshot must hold for the matcher to decide some conditions: the event names
 * they mention, and how far back (null: the whole history, as "ever", "since" and last-occurrence
 * tests need).
 */
public record ConditionRequirements(Set<String> eventNames, Instant eventsSince) {

    public ConditionRequirements {
        eventNames = Set.copyOf(eventNames);
    }

    public boolean needsEvents() {
        return !eventNames.isEmpty();
    }

    public static ConditionRequirements of(Condition condition, EvaluationContext context) {
        return of(java.util.List.of(condition), context);
    }

    public static ConditionRequirements of(Collection<Condition> conditions, EvaluationContext context) {
        Collector collector = new Collector(context);
        conditions.forEach(collector::visit);
        return new ConditionRequirements(collector.names, collector.whole ? null : collector.since);
    }

    private static final class Collector {
        final EvaluationContext context;
        final Set<String> names = new LinkedHashSet<>();
        boolean whole;
        Instant since;

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
                    from(last.span().before(context.now(), context.zone()));
                } else if (window instanceof Condition.EventWindow.Between between && between.from() != null) {
                    from(between.from());
                } else if (window instanceof Condition.EventWindow.SinceEvent since) {
                    names.add(since.name());
                    whole = true;
                } else {
                    whole = true;
                }
            } else if (condition instanceof Condition.LastEvent last) {
                names.add(last.name());
                whole = true;
            }
        }

        private void from(Instant instant) {
            if (since == null || instant.isBefore(since)) {
                since = instant;
            }
        }
    }
}
