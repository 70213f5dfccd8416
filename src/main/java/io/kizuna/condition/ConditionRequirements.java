package io.kizuna.condition;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which events a snapshot must hold for the matcher to decide some conditions, as a list of
 * {@link EventRead}s: per event name, a range back to the widest window over that name (or the
 * whole history), the events after the last occurrence of another name ("since" windows), or only
 * the latest occurrence (last-occurrence tests and the reference point of "since" windows). Each
 * read also says which top-level properties the conditions' filters look at, so events are loaded
 * with only those. A week of page views is thus not loaded because another condition looks at a
 * year of orders, and "not ordered since the last add to cart" does not load every order ever made.
 * {@code contacts} says whether the conditions look at identity types and consents (reachability
 * and consent conditions), and {@code traits} whether they look at traits (trait conditions and
 * anniversaries of a trait); without them, those are not loaded.
 */
public record ConditionRequirements(List<EventRead> reads, boolean contacts, boolean traits) {

    /** How a read bounds the events of its name. */
    public enum Bound {
        /** Events at or after {@code since}; a null {@code since} is the whole history. */
        RANGE,
        /** Events at or after the latest event named {@code afterLastOf}; none when there is no such event. */
        AFTER_LAST,
        /** Only the latest event of the name. */
        LATEST
    }

    /**
     * One range of one event name. {@code propertyKeys} are the top-level properties the
     * conditions' filters read on that name; empty means the properties are not needed at all.
     */
    public record EventRead(String name, Bound bound, Instant since, String afterLastOf, Set<String> propertyKeys) {
        public EventRead {
            propertyKeys = Set.copyOf(propertyKeys);
        }
    }

    public ConditionRequirements {
        reads = List.copyOf(reads);
    }

    public boolean needsEvents() {
        return !reads.isEmpty();
    }

    /** The event names the conditions mention. */
    public Set<String> eventNames() {
        Set<String> names = new LinkedHashSet<>();
        reads.forEach(read -> names.add(read.name()));
        return names;
    }

    public static ConditionRequirements of(Condition condition, EvaluationContext context) {
        return of(List.of(condition), context);
    }

    public static ConditionRequirements of(Collection<Condition> conditions, EvaluationContext context) {
        Collector collector = new Collector(context);
        conditions.forEach(condition -> Condition.forEachLeaf(condition, collector::leaf));
        return new ConditionRequirements(collector.reads(), collector.contacts, collector.traits);
    }

    private static final class Collector {
        final EvaluationContext context;
        final Set<String> names = new LinkedHashSet<>();
        final Set<String> whole = new HashSet<>();
        final Map<String, Instant> since = new HashMap<>();
        final Map<String, Set<String>> afterLastOf = new HashMap<>();
        final Set<String> latest = new HashSet<>();
        final Map<String, Set<String>> keys = new HashMap<>();
        boolean contacts;
        boolean traits;

        Collector(EvaluationContext context) {
            this.context = context;
        }

        void leaf(Condition condition) {
            if (condition instanceof Condition.Event event) {
                String name = event.name();
                names.add(name);
                filters(name, event.where());
                Condition.EventWindow window = event.window();
                if (window instanceof Condition.EventWindow.WithinLast last) {
                    from(name, last.span().before(context.now(), context.zone()));
                } else if (window instanceof Condition.EventWindow.Between between && between.from() != null) {
                    from(name, between.from());
                } else if (window instanceof Condition.EventWindow.SinceEvent sinceEvent) {
                    names.add(sinceEvent.name());
                    latest.add(sinceEvent.name());
                    afterLastOf.computeIfAbsent(name, n -> new LinkedHashSet<>()).add(sinceEvent.name());
                } else {
                    whole.add(name);
                }
            } else if (condition instanceof Condition.Consent || condition instanceof Condition.Reachable) {
                contacts = true;
            } else if (condition instanceof Condition.Trait
                    || (condition instanceof Condition.Anniversary anniversary && anniversary.field().traitPath() != null)) {
                traits = true;
            } else if (condition instanceof Condition.LastEvent last) {
                names.add(last.name());
                filters(last.name(), last.where());
                if (last.where().isEmpty()) {
                    latest.add(last.name());
                } else {
                    whole.add(last.name());
                }
            }
        }

        private void filters(String name, List<Condition.PropertyFilter> where) {
            Set<String> nameKeys = keys.computeIfAbsent(name, n -> new LinkedHashSet<>());
            where.stream().filter(filter -> !filter.path().isEmpty()).forEach(filter -> nameKeys.add(filter.path().get(0)));
        }

        private void from(String name, Instant instant) {
            since.merge(name, instant, (a, b) -> a.isBefore(b) ? a : b);
        }

        List<EventRead> reads() {
            List<EventRead> reads = new ArrayList<>();
            for (String name : names) {
                Set<String> nameKeys = keys.getOrDefault(name, Set.of());
                if (whole.contains(name)) {
                    reads.add(new EventRead(name, Bound.RANGE, null, null, nameKeys));
                    continue;
                }
                if (since.containsKey(name)) {
                    reads.add(new EventRead(name, Bound.RANGE, since.get(name), null, nameKeys));
                }
                for (String other : afterLastOf.getOrDefault(name, Set.of())) {
                    reads.add(new EventRead(name, Bound.AFTER_LAST, null, other, nameKeys));
                }
                if (latest.contains(name)) {
                    reads.add(new EventRead(name, Bound.LATEST, null, null, nameKeys));
                }
            }
            return reads;
        }
    }
}
