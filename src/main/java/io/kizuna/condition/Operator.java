package io.kizuna.condition;

import java.util.Locale;

import org.eclipse.microprofile.graphql.Description;
import org.eclipse.microprofile.graphql.Enum;

/** The comparison operators of the condition language, named in JSON in snake case. */
@Enum("ConditionOperator")
@Description("A comparison operator; in the JSON form it is written in lower case (GTE is \"gte\")")
public enum Operator {
    EQUALS, NOT_EQUALS,
    GT, GTE, LT, LTE, BETWEEN,
    IN, NOT_IN,
    CONTAINS, NOT_CONTAINS, STARTS_WITH, ENDS_WITH, MATCHES,
    EXISTS, MISSING,
    IS_TRUE, IS_FALSE,
    BEFORE, AFTER, WITHIN_LAST, MORE_THAN_AGO, DAY_OF_WEEK, MONTH,
    /** Only in JSON: {@code {"trait": {"path": "birthday", "op": "anniversary", "value": {"when": "today"}}}} reads as an {@link Condition.Anniversary}. */
    ANNIVERSARY;

    public String json() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Operator fromJson(String name) {
        for (Operator op : values()) {
            if (op.json().equals(name)) {
                return op;
            }
        }
        return null;
    }

    /** The positive operator this one negates, or null when it is not a negation. */
    public Operator negated() {
        return switch (this) {
            case NOT_EQUALS -> EQUALS;
            case NOT_IN -> IN;
            case NOT_CONTAINS -> CONTAINS;
            case MISSING -> EXISTS;
            default -> null;
        };
    }

    public boolean takesNoValue() {
        return this == EXISTS || this == MISSING || this == IS_TRUE || this == IS_FALSE;
    }
}
