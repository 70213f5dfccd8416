package io.kizuna.condition;

import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * The one condition language of Kizuna: segments, rule tags and (later) journey triggers, branches
 * and goals are all trees of these nodes. Two engines read the same tree: {@link SqlCompiler} turns
 * it into a parameterized WHERE clause over profiles, and {@link ConditionMatcher} decides it for
 * one profile snapshot in memory. {@link ConditionJson} reads and writes its JSON form.
 *
 * <p>Every leaf is two-valued: a missing value makes a positive test false, and each negative
 * operator ({@code not_equals}, {@code not_in}, {@code not_contains}) is exactly the negation of
 * its positive twin, so {@code not(equals)} and {@code not_equals} always agree.
 */
public sealed interface Condition {

    /** Calls {@code action} on every leaf of the tree, through {@code all}, {@code any} and {@code not}, in order. */
    static void forEachLeaf(Condition condition, Consumer<Condition> action) {
        if (condition instanceof All all) {
            all.conditions().forEach(child -> forEachLeaf(child, action));
        } else if (condition instanceof Any any) {
            any.conditions().forEach(child -> forEachLeaf(child, action));
        } else if (condition instanceof Not not) {
            forEachLeaf(not.condition(), action);
        } else {
            action.accept(condition);
        }
    }

    /** True when every child is true (true when empty). */
    record All(List<Condition> conditions) implements Condition {
        public All {
            conditions = List.copyOf(conditions);
        }
    }

    /** True when at least one child is true (false when empty). */
    record Any(List<Condition> conditions) implements Condition {
        public Any {
            conditions = List.copyOf(conditions);
        }
    }

    record Not(Condition condition) implements Condition {
    }

    /** A trait, custom fields included, by its path of object keys ({@code address.city}). */
    record Trait(List<String> path, Operator op, Value value) implements Condition {
        public Trait {
            path = List.copyOf(path);
        }
    }

    /** A computed trait (order count, lifetime revenue, last seen, ...). */
    record Computed(ComputedField field, String channel, Operator op, Value value) implements Condition {
    }

    record HasTag(String tag) implements Condition {
    }

    /** Current membership of another segment (materialized membership). */
    record InSegment(UUID segmentId) implements Condition {
    }

    /**
     * How many times the profile did an event, optionally filtered on its properties, within a
     * window: "Product Added at least once in the last 3 hours", "Order Completed never since the
     * last Product Added".
     */
    record Event(String name, List<PropertyFilter> where, EventWindow window, EventCount count) implements Condition {
        public Event {
            where = List.copyOf(where);
        }
    }

    /** The time of the profile's last matching event, tested with a time operator. */
    record LastEvent(String name, List<PropertyFilter> where, Operator op, Value value) implements Condition {
        public LastEvent {
            where = List.copyOf(where);
        }
    }

    /** Consent for a channel and topic ({@code ""} is the channel as a whole). */
    record Consent(String channel, String topic, ConsentStatus status) implements Condition {
    }

    /** The profile has an address for the channel and has not refused the channel as a whole. */
    record Reachable(Channel channel) implements Condition {
    }

    /**
     * A yearly date in a trait or computed timestamp: a birthday today, in N days or this month,
     * or a date trait (contract maturity) N days from today. Dates are read in the workspace's time zone.
     */
    record Anniversary(FieldRef field, AnniversaryWhen when, int days) implements Condition {
    }

    /**
     * A stable pseudo-random bucket of the profile id, for holdouts: bucket = first 28 bits of
     * md5(seed + ":" + profile id) modulo {@code buckets}; true when {@code from <= bucket <= to}.
     */
    record RandomBucket(String seed, int buckets, int from, int to) implements Condition {
    }

    /** A filter on an event's properties, by a path of object keys. */
    record PropertyFilter(List<String> path, Operator op, Value value) {
        public PropertyFilter {
            path = List.copyOf(path);
        }
    }

    /** Which events count, by time. */
    sealed interface EventWindow {
        /** All of the profile's history. */
        record Ever() implements EventWindow {
        }

        /** From now minus the span up to now. */
        record WithinLast(Span span) implements EventWindow {
        }

        /** Inclusive bounds; either may be open (null). */
        record Between(java.time.Instant from, java.time.Instant to) implements EventWindow {
        }

        /** After the profile's last occurrence of another event; empty if it never happened. */
        record SinceEvent(String name) implements EventWindow {
        }
    }

    /** How many matching events: at least, at most or exactly N; never is at most 0. */
    record EventCount(CountOp op, int times) {
    }

    enum CountOp {
        AT_LEAST, AT_MOST, EXACTLY
    }

    enum ConsentStatus {
        GRANTED, DENIED, UNKNOWN
    }

    enum AnniversaryWhen {
        /** The month and day are today's. */
        TODAY,
        /** The month and day are those of today plus N days. */
        IN_DAYS,
        /** The month is this month. */
        THIS_MONTH,
        /** The full date is today plus N days (contract maturity in 30 days). */
        DAYS_BEFORE
    }

    /** A trait path or a computed timestamp, as the subject of an anniversary. */
    record FieldRef(List<String> traitPath, ComputedField computed) {
        public FieldRef {
            traitPath = traitPath == null ? null : List.copyOf(traitPath);
        }

        public static FieldRef trait(List<String> path) {
            return new FieldRef(path, null);
        }

        public static FieldRef computed(ComputedField field) {
            return new FieldRef(null, field);
        }
    }
}
