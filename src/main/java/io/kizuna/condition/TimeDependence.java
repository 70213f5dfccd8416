package io.kizuna.condition;

import java.util.List;

/**
 * Whether a condition's answer can change with time alone (no new data): relative date and time
 * operators, days since last seen, rolling event windows and anniversaries. Only such conditions
 * need wake-ups ({@link ConditionTimeline}).
 */
public final class TimeDependence {

    private TimeDependence() {
    }

    public static boolean dependsOnTime(Condition condition) {
        if (condition instanceof Condition.All all) {
            return any(all.conditions());
        }
        if (condition instanceof Condition.Any any) {
            return any(any.conditions());
        }
        if (condition instanceof Condition.Not not) {
            return dependsOnTime(not.condition());
        }
        if (condition instanceof Condition.Trait trait) {
            return relative(trait.op());
        }
        if (condition instanceof Condition.Computed computed) {
            return computed.field() == ComputedField.DAYS_SINCE_LAST_SEEN || relative(computed.op());
        }
        if (condition instanceof Condition.Event event) {
            return event.window() instanceof Condition.EventWindow.WithinLast || filtersRelative(event.where());
        }
        if (condition instanceof Condition.LastEvent last) {
            return relative(last.op()) || filtersRelative(last.where());
        }
        return condition instanceof Condition.Anniversary;
    }

    private static boolean any(List<Condition> conditions) {
        return conditions.stream().anyMatch(TimeDependence::dependsOnTime);
    }

    private static boolean filtersRelative(List<Condition.PropertyFilter> filters) {
        return filters.stream().anyMatch(filter -> relative(filter.op()));
    }

    private static boolean relative(Operator op) {
        return op == Operator.WITHIN_LAST || op == Operator.MORE_THAN_AGO;
    }
}
