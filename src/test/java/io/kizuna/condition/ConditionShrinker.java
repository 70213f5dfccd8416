package io.kizuna.condition;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

import io.kizuna.condition.Condition.EventCount;
import io.kizuna.condition.Condition.EventWindow;

/**
 * Shrinks a failing condition: repeatedly replaces a composite node by one of its children, drops
 * children, where-filters and list items, and simplifies event windows and counts, keeping each
 * variant that still fails, until no smaller variant fails.
 */
final class ConditionShrinker {

    private ConditionShrinker() {
    }

    static Condition shrink(Condition condition, Predicate<Condition> stillFails, int budget) {
        Condition current = condition;
        int tries = 0;
        boolean progress = true;
        while (progress && tries < budget) {
            progress = false;
            for (Condition candidate : candidates(current)) {
                if (tries++ >= budget) {
                    break;
                }
                if (stillFails.test(candidate)) {
                    current = candidate;
                    progress = true;
                    break;
                }
            }
        }
        return current;
    }

    /** Smaller variants of a condition, the most aggressive first. */
    static List<Condition> candidates(Condition condition) {
        List<Condition> result = new ArrayList<>();
        if (condition instanceof Condition.All all) {
            composite(all.conditions(), result, children -> new Condition.All(children));
        } else if (condition instanceof Condition.Any any) {
            composite(any.conditions(), result, children -> new Condition.Any(children));
        } else if (condition instanceof Condition.Not not) {
            result.add(not.condition());
            for (Condition smaller : candidates(not.condition())) {
                result.add(new Condition.Not(smaller));
            }
        } else if (condition instanceof Condition.Event event) {
            for (int i = 0; i < event.where().size(); i++) {
                result.add(new Condition.Event(event.name(), without(event.where(), i), event.window(), event.count()));
            }
            if (!(event.window() instanceof EventWindow.Ever)) {
                result.add(new Condition.Event(event.name(), event.where(), new EventWindow.Ever(), event.count()));
            }
            if (event.window() instanceof EventWindow.Between between && between.from() != null && between.to() != null) {
                result.add(new Condition.Event(event.name(), event.where(), new EventWindow.Between(between.from(), null), event.count()));
                result.add(new Condition.Event(event.name(), event.where(), new EventWindow.Between(null, between.to()), event.count()));
            }
            EventCount once = new EventCount(Condition.CountOp.AT_LEAST, 1);
            if (!event.count().equals(once)) {
                result.add(new Condition.Event(event.name(), event.where(), event.window(), once));
            }
            for (int i = 0; i < event.where().size(); i++) {
                Condition.PropertyFilter filter = event.where().get(i);
                for (Value smaller : smallerLists(filter.op(), filter.value())) {
                    List<Condition.PropertyFilter> where = new ArrayList<>(event.where());
                    where.set(i, new Condition.PropertyFilter(filter.path(), filter.op(), smaller));
                    result.add(new Condition.Event(event.name(), where, event.window(), event.count()));
                }
            }
        } else if (condition instanceof Condition.LastEvent last) {
            for (int i = 0; i < last.where().size(); i++) {
                result.add(new Condition.LastEvent(last.name(), without(last.where(), i), last.op(), last.value()));
            }
            for (Value smaller : smallerLists(last.op(), last.value())) {
                result.add(new Condition.LastEvent(last.name(), last.where(), last.op(), smaller));
            }
            for (int i = 0; i < last.where().size(); i++) {
                Condition.PropertyFilter filter = last.where().get(i);
                for (Value smaller : smallerLists(filter.op(), filter.value())) {
                    List<Condition.PropertyFilter> where = new ArrayList<>(last.where());
                    where.set(i, new Condition.PropertyFilter(filter.path(), filter.op(), smaller));
                    result.add(new Condition.LastEvent(last.name(), where, last.op(), last.value()));
                }
            }
        } else if (condition instanceof Condition.Trait trait) {
            for (Value smaller : smallerLists(trait.op(), trait.value())) {
                result.add(new Condition.Trait(trait.path(), trait.op(), smaller));
            }
        } else if (condition instanceof Condition.Computed computed) {
            for (Value smaller : smallerLists(computed.op(), computed.value())) {
                result.add(new Condition.Computed(computed.field(), computed.channel(), computed.op(), smaller));
            }
        }
        return result;
    }

    private static void composite(List<Condition> children, List<Condition> result,
            java.util.function.Function<List<Condition>, Condition> rebuild) {
        result.addAll(children);
        for (int i = 0; i < children.size(); i++) {
            result.add(rebuild.apply(without(children, i)));
        }
        for (int i = 0; i < children.size(); i++) {
            for (Condition smaller : candidates(children.get(i))) {
                List<Condition> replaced = new ArrayList<>(children);
                replaced.set(i, smaller);
                result.add(rebuild.apply(replaced));
            }
        }
    }

    /** The list value with one item fewer (in, not_in, day_of_week and month lists), never empty. */
    private static List<Value> smallerLists(Operator op, Value value) {
        List<Value> result = new ArrayList<>();
        boolean listOperator = op == Operator.IN || op == Operator.NOT_IN || op == Operator.DAY_OF_WEEK || op == Operator.MONTH;
        if (listOperator && value instanceof Value.ListOf list && list.values().size() > 1) {
            for (int i = 0; i < list.values().size(); i++) {
                result.add(new Value.ListOf(without(list.values(), i)));
            }
        }
        return result;
    }

    private static <T> List<T> without(List<T> items, int index) {
        List<T> result = new ArrayList<>(items);
        result.remove(index);
        return result;
    }
}
