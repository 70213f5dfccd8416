package io.kizuna.common.time;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * Instants as PostgreSQL stores a timestamptz: whole microseconds since 2000-01-01 UTC, cut the way
 * the reactive client cuts an instant when it sends one. A value computed here equals the
 * column's stored value, so "the last event of a name" kept beside the profile compares exactly
 * with the event store.
 */
public final class StoredMicros {

    public static final Instant EPOCH = Instant.parse("2000-01-01T00:00:00Z");

    private StoredMicros() {
    }

    public static long of(Instant instant) {
        return EPOCH.until(instant, ChronoUnit.MICROS);
    }

    public static Instant instant(long micros) {
        return EPOCH.plus(micros, ChronoUnit.MICROS);
    }

    /** SQL turning a bigint expression of stored microseconds back into the timestamptz it was cut from. */
    public static String sqlTimestamp(String microsExpression) {
        return "('2000-01-01 00:00:00+00'::timestamptz + " + microsExpression + " * interval '1 microsecond')";
    }
}
