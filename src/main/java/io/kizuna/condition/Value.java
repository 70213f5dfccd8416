package io.kizuna.condition;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;

/** A typed value on the right-hand side of an operator. */
public sealed interface Value {

    String typeName();

    record Text(String value) implements Value {
        public String typeName() {
            return "string";
        }
    }

    record Number(BigDecimal value) implements Value {
        public String typeName() {
            return "number";
        }
    }

    record Bool(boolean value) implements Value {
        public String typeName() {
            return "boolean";
        }
    }

    /** A calendar date, read in the workspace's time zone where it meets a timestamp. */
    record Date(LocalDate value) implements Value {
        public String typeName() {
            return "date";
        }
    }

    record Timestamp(Instant value) implements Value {
        public String typeName() {
            return "timestamp";
        }
    }

    /** A span of time back from now: {@code {"amount": 3, "unit": "hours"}}. */
    record Duration(Span span) implements Value {
        public String typeName() {
            return "duration";
        }
    }

    record ListOf(List<Value> values) implements Value {
        public ListOf {
            values = List.copyOf(values);
        }

        public String typeName() {
            return "list";
        }
    }
}
