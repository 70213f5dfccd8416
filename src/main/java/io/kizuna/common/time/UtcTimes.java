package io.kizuna.common.time;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/** Instants as UTC date-times for the database client, on the ingestion hot path. */
public final class UtcTimes {

    private UtcTimes() {
    }

    /**
     * The same value as {@code instant.atOffset(ZoneOffset.UTC)}. On Java 17 that call builds a
     * new ZoneRules object every time (ZoneOffset.getRules is not cached there), which showed up
     * in ingestion profiles at three timestamps per event; this path builds none.
     */
    public static OffsetDateTime utc(Instant instant) {
        return instant == null ? null
                : OffsetDateTime.of(LocalDateTime.ofEpochSecond(instant.getEpochSecond(), instant.getNano(), ZoneOffset.UTC), ZoneOffset.UTC);
    }
}
