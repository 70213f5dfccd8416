package io.kizuna.condition;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.Locale;

/**
 * A span of time such as "3 hours" or "2 months". Minutes, hours, days and weeks are fixed
 * lengths; months and years are calendar spans in the workspace's time zone.
 */
public record Span(long amount, Unit unit) {

    public enum Unit {
        MINUTES, HOURS, DAYS, WEEKS, MONTHS, YEARS;

        public String json() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Unit fromJson(String name) {
            for (Unit unit : values()) {
                if (unit.json().equals(name) || unit.json().equals(name + "s")) {
                    return unit;
                }
            }
            return null;
        }

        /** Days and longer can be applied to a calendar date. */
        public boolean calendar() {
            return this != MINUTES && this != HOURS;
        }
    }

    /** The instant this span before {@code now}. */
    public Instant before(Instant now, ZoneId zone) {
        return switch (unit) {
            case MINUTES -> now.minusSeconds(60 * amount);
            case HOURS -> now.minusSeconds(3600 * amount);
            case DAYS -> now.minusSeconds(86_400 * amount);
            case WEEKS -> now.minusSeconds(7 * 86_400 * amount);
            case MONTHS -> now.atZone(zone).minusMonths(amount).toInstant();
            case YEARS -> now.atZone(zone).minusYears(amount).toInstant();
        };
    }

    /** The date this span before {@code today}; only for calendar units. */
    public LocalDate before(LocalDate today) {
        return switch (unit) {
            case DAYS -> today.minusDays(amount);
            case WEEKS -> today.minusWeeks(amount);
            case MONTHS -> today.minusMonths(amount);
            case YEARS -> today.minusYears(amount);
            default -> throw new IllegalStateException("not a calendar unit: " + unit);
        };
    }
}
