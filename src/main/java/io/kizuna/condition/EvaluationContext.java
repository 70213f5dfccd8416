package io.kizuna.condition;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.UUID;

/** What a condition is evaluated against besides the profile: the workspace, "now" from the injected clock, and the workspace's time zone. */
public record EvaluationContext(UUID workspaceId, Instant now, ZoneId zone) {

    public LocalDate today() {
        return now.atZone(zone).toLocalDate();
    }

    public Instant startOfDay(LocalDate date) {
        return date.atStartOfDay(zone).toInstant();
    }
}
