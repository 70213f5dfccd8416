package io.kizuna.profile.event;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

import io.kizuna.common.error.BadInputException;
import io.kizuna.common.error.FieldViolation;
import io.kizuna.common.paging.Cursors;

/**
 * Which events of a profile to list: an optional name, a time window ({@code from} inclusive,
 * {@code to} exclusive), a cursor and a page size.
 */
public record EventQuery(String name, Instant from, Instant to, EventCursor after, int limit) {

    /** Validates raw request values, naming every offending field. */
    public static EventQuery of(String name, String from, String to, String after, Integer limit, String limitField) {
        List<FieldViolation> violations = new ArrayList<>();
        Instant start = instant(from, "from", violations);
        Instant end = instant(to, "to", violations);
        if (start != null && end != null && !start.isBefore(end)) {
            violations.add(new FieldViolation("to", "must be after from"));
        }
        EventCursor cursor = null;
        int size = Cursors.DEFAULT_LIMIT;
        try {
            cursor = EventCursor.decode(after, "after");
        } catch (BadInputException e) {
            violations.addAll(e.violations());
        }
        try {
            size = Cursors.limit(limit, limitField);
        } catch (BadInputException e) {
            violations.addAll(e.violations());
        }
        if (!violations.isEmpty()) {
            throw new BadInputException(violations);
        }
        return new EventQuery(name == null || name.isBlank() ? null : name, start, end, cursor, size);
    }

    private static Instant instant(String value, String field, List<FieldViolation> violations) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return OffsetDateTime.parse(value.trim()).toInstant();
        } catch (DateTimeParseException e) {
            violations.add(new FieldViolation(field, "must be an ISO-8601 instant such as 2026-11-01T00:00:00Z"));
            return null;
        }
    }
}
