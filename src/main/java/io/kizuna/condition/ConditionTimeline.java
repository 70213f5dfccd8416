package io.kizuna.condition;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.Month;
import java.time.MonthDay;
import java.time.Year;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.zone.ZoneOffsetTransition;
import java.time.zone.ZoneRules;
import java.util.Collection;
import java.util.List;
import java.util.NavigableSet;
import java.util.TreeSet;
import java.util.function.Predicate;

import io.kizuna.condition.Condition.EventWindow;
import io.kizuna.condition.Condition.PropertyFilter;
import io.kizuna.condition.ProfileSnapshot.EventRecord;

/**
 * When a condition's answer can change with the passage of time alone: "no visit for 30 days" turns
 * true 30 days after the last visit even if no new data arrives. The result is stored as the
 * profile's wake-up time, and a scheduler re-evaluates the profile when it comes.
 *
 * <p>{@link #nextChange} never answers late: for every instant t with now &lt; t &lt; nextChange,
 * {@link ConditionMatcher#matches} at t equals its value at now. It may answer early (a wake-up
 * that finds no change only costs a round trip). A flip that happens just after an instant X (a
 * strict comparison such as {@code t < now - span}) is reported as X + 1 second, so a scheduler
 * waking exactly at X does not find "no change" and schedule X again; "never late" therefore holds
 * at whole-second granularity for such flips.
 *
 * <p>How: each leaf whose value depends on now gets its break points, the instants after which its
 * inputs may change (midnights in the zone, an instant plus a span, a whole day since last seen...),
 * such that the leaf is constant between two of them. The leaf is then decided by the matcher
 * itself at each break point in turn until its value differs, so every answer is checked against
 * the reference semantics. The condition's answer is the minimum over its leaves; the boolean
 * structure is ignored, which is conservative.
 */
public final class ConditionTimeline {

    /** How a flip that happens just after X is reported: X plus this. */
    private static final Duration STRICT_FLIP_DELAY = Duration.ofSeconds(1);
    /** The smallest step of an {@link Instant}: the value "just after" X is the value at X plus this. */
    private static final Duration JUST_AFTER = Duration.ofNanos(1);
    /**
     * Break points visited per leaf before giving up and answering the last one (early, never late).
     * A leaf over many events can have two break points per event that change nothing.
     */
    private static final int MAX_BREAKS_PER_LEAF = 1_000;
    /** How far ahead a date-relative test is searched for its next change (about 200 years). */
    private static final long DATE_SEARCH_LIMIT_DAYS = 73_000;
    /**
     * A calendar span's "now minus span" moves forward with now, but may step back a little at a
     * month end (Mar 31 minus 1 month is Feb 28, like Mar 28) or around a time zone transition.
     * Together these never reach this far, which bounds how far ahead it is worth looking.
     */
    private static final Duration CALENDAR_STEP_BACK_BOUND = Duration.ofDays(5);

    private ConditionTimeline() {
    }

    /**
     * The earliest instant strictly after {@code context.now()} at which the condition's value may
     * differ from its value now, the snapshot staying as it is; null when time alone never changes it.
     */
    public static Instant nextChange(Condition condition, ProfileSnapshot profile, EvaluationContext context) {
        return nextChange(List.of(condition), profile, context);
    }

    /** The earliest {@link #nextChange(Condition, ProfileSnapshot, EvaluationContext)} of all the conditions. */
    public static Instant nextChange(Collection<Condition> conditions, ProfileSnapshot profile, EvaluationContext context) {
        Search search = new Search(profile, context);
        for (Condition condition : conditions) {
            Condition.forEachLeaf(condition, search::leaf);
        }
        return search.earliest;
    }

    /** The break points of one leaf. */
    private interface BreakPoints {
        /**
         * An instant b after {@code from} such that the leaf has the same value at every instant
         * strictly between them; null when it has the same value at every instant after {@code from}.
         */
        Instant after(Instant from);
    }

    private static final class Search {
        private final ProfileSnapshot profile;
        private final EvaluationContext context;
        private Instant earliest;

        Search(ProfileSnapshot profile, EvaluationContext context) {
            this.profile = profile;
            this.context = context;
        }

        void leaf(Condition condition) {
            BreakPoints breakPoints = breakPoints(condition, profile, context.zone());
            if (breakPoints != null) {
                earliest = earlierOf(earliest, leafNextChange(condition, breakPoints));
            }
        }

        /** The leaf's next change, or null when there is none before {@link #earliest}. */
        private Instant leafNextChange(Condition leaf, BreakPoints breakPoints) {
            Instant now = context.now();
            boolean initial = matchesAt(leaf, now);
            if (matchesAt(leaf, now.plus(JUST_AFTER)) != initial) {
                return now.plus(STRICT_FLIP_DELAY);
            }
            Instant from = now;
            for (int visited = 0; visited < MAX_BREAKS_PER_LEAF; visited++) {
                Instant at = breakPoints.after(from);
                if (at == null || (earliest != null && !at.isBefore(earliest))) {
                    return null;
                }
                if (matchesAt(leaf, at) != initial) {
                    return at;
                }
                if (matchesAt(leaf, at.plus(JUST_AFTER)) != initial) {
                    return at.plus(STRICT_FLIP_DELAY);
                }
                from = at;
            }
            return from;
        }

        private boolean matchesAt(Condition leaf, Instant at) {
            return ConditionMatcher.matches(leaf, profile, at(context, at));
        }
    }

    // ---- break points per leaf ----

    /** The leaf's break points, or null when its value does not depend on now. */
    private static BreakPoints breakPoints(Condition leaf, ProfileSnapshot profile, ZoneId zone) {
        if (leaf instanceof Condition.Trait trait) {
            return dateTestBreakPoints(ConditionMatcher.at(profile.traits(), trait.path()), trait.op(), trait.value(), zone);
        }
        if (leaf instanceof Condition.Computed computed) {
            return computedBreakPoints(computed, profile, zone);
        }
        if (leaf instanceof Condition.Event event) {
            return eventBreakPoints(event, profile, zone);
        }
        if (leaf instanceof Condition.LastEvent last) {
            return lastEventBreakPoints(last, profile, zone);
        }
        if (leaf instanceof Condition.Anniversary anniversary) {
            return anniversaryBreakPoints(anniversary, profile, zone);
        }
        return null;
    }

    /** within_last and more_than_ago on a date-like JSON value: they move with today. */
    private static BreakPoints dateTestBreakPoints(Object jsonValue, Operator op, Value value, ZoneId zone) {
        if (!isTimeRelative(op) || !(value instanceof Value.Duration duration) || !duration.span().unit().calendar()) {
            return null;
        }
        String date = ConditionMatcher.dateOf(jsonValue);
        if (date == null) {
            return null;
        }
        Span span = duration.span();
        return from -> {
            LocalDate change = nextDateTestChange(date, op, span, from.atZone(zone).toLocalDate());
            return change == null ? null : startOfDayAfter(change, from, zone);
        };
    }

    /**
     * The first day after {@code today} on which {@code span.before(day) <= date <= day}
     * (within_last) or {@code date < span.before(day)} (more_than_ago) may differ from today's
     * answer. Both sides are monotone in the day, so each changes at most once.
     */
    private static LocalDate nextDateTestChange(String date, Operator op, Span span, LocalDate today) {
        Predicate<LocalDate> windowStartReached = day -> span.before(day).toString().compareTo(date) > 0;
        LocalDate change = firstDayWhere(today, windowStartReached);
        if (op == Operator.WITHIN_LAST) {
            change = earlierOf(change, firstDayWhere(today, day -> day.toString().compareTo(date) >= 0));
        }
        return change;
    }

    private static BreakPoints computedBreakPoints(Condition.Computed computed, ProfileSnapshot profile, ZoneId zone) {
        if (computed.field() == ComputedField.DAYS_SINCE_LAST_SEEN) {
            return daysSinceLastSeenBreakPoints(computed, profile);
        }
        if (computed.field().type() != ComputedField.FieldType.TIMESTAMP || !isTimeRelative(computed.op())) {
            return null;
        }
        // Timestamps do not depend on now; only days_since_last_seen does.
        Instant t = (Instant) ConditionMatcher.computedValue(computed.field(), computed.channel(), profile.computed(), Instant.EPOCH);
        if (t == null) {
            return null;
        }
        Span span = ((Value.Duration) computed.value()).span();
        return from -> timeTestBreak(t, computed.op(), span, from, zone);
    }

    /**
     * days_since_last_seen is a whole number of days that grows by one at last seen + k days. A
     * number comparison can change only at the day counts next to its bounds.
     */
    private static BreakPoints daysSinceLastSeenBreakPoints(Condition.Computed computed, ProfileSnapshot profile) {
        Instant lastSeen = profile.computed().lastSeenAt();
        if (lastSeen == null) {
            return null;
        }
        NavigableSet<Long> dayCounts = new TreeSet<>();
        addDayCountsAround(computed.value(), dayCounts);
        if (dayCounts.isEmpty()) {
            return null;
        }
        return from -> {
            long days = ((BigDecimal) ConditionMatcher.computedValue(ComputedField.DAYS_SINCE_LAST_SEEN, null, profile.computed(), from))
                    .longValueExact();
            Long next = dayCounts.higher(days);
            return next == null ? null : lastSeen.plus(Duration.ofDays(next));
        };
    }

    /** The whole numbers n at which "days compared with x" can differ from n - 1: ceil(x) and floor(x) + 1. */
    private static void addDayCountsAround(Value value, NavigableSet<Long> dayCounts) {
        if (value instanceof Value.ListOf list) {
            list.values().forEach(item -> addDayCountsAround(item, dayCounts));
        } else if (value instanceof Value.Number number) {
            BigDecimal x = number.value();
            // Beyond a few million years no wake-up is ever due.
            if (x.abs().compareTo(BigDecimal.valueOf(1_000_000_000L)) <= 0) {
                dayCounts.add(x.setScale(0, RoundingMode.CEILING).longValueExact());
                dayCounts.add(x.setScale(0, RoundingMode.FLOOR).longValueExact() + 1);
            }
        }
    }

    private static BreakPoints eventBreakPoints(Condition.Event event, ProfileSnapshot profile, ZoneId zone) {
        List<EventRecord> named = eventsNamed(event.name(), profile);
        Span window = event.window() instanceof EventWindow.WithinLast last ? last.span() : null;
        boolean datedFilters = hasDateTest(event.where());
        if (named.isEmpty() || (window == null && !datedFilters)) {
            return null;
        }
        return from -> {
            Instant next = datedFilters ? filterBreak(named, event.where(), from, zone) : null;
            if (window != null) {
                EvaluationContext then = new EvaluationContext(null, from, zone);
                for (EventRecord record : named) {
                    // An event failing its filters now fails them until the filters' next break.
                    if (passes(record, event.where(), then)) {
                        next = earlierOf(next, timeTestBreak(record.occurredAt(), Operator.WITHIN_LAST, window, from, zone));
                    }
                }
            }
            return next;
        };
    }

    /** The last occurrence is constant between the filters' breaks; its time test then moves with now. */
    private static BreakPoints lastEventBreakPoints(Condition.LastEvent last, ProfileSnapshot profile, ZoneId zone) {
        List<EventRecord> named = eventsNamed(last.name(), profile);
        boolean datedFilters = hasDateTest(last.where());
        if (named.isEmpty() || (!isTimeRelative(last.op()) && !datedFilters)) {
            return null;
        }
        return from -> {
            Instant next = datedFilters ? filterBreak(named, last.where(), from, zone) : null;
            if (isTimeRelative(last.op())) {
                Instant occurred = lastOccurrence(named, last.where(), new EvaluationContext(null, from, zone));
                if (occurred != null) {
                    next = earlierOf(next, timeTestBreak(occurred, last.op(), ((Value.Duration) last.value()).span(), from, zone));
                }
            }
            return next;
        };
    }

    /** The next midnight at which a date-relative filter may change its answer on one of the events. */
    private static Instant filterBreak(List<EventRecord> events, List<PropertyFilter> where, Instant from, ZoneId zone) {
        Instant next = null;
        for (EventRecord record : events) {
            for (PropertyFilter filter : where) {
                BreakPoints filterBreaks = dateTestBreakPoints(ConditionMatcher.at(record.properties(), filter.path()), filter.op(), filter.value(), zone);
                if (filterBreaks != null) {
                    next = earlierOf(next, filterBreaks.after(from));
                }
            }
        }
        return next;
    }

    /** Anniversaries change only at midnights: the day the date comes round, and the day after. */
    private static BreakPoints anniversaryBreakPoints(Condition.Anniversary anniversary, ProfileSnapshot profile, ZoneId zone) {
        String date;
        if (anniversary.field().computed() != null) {
            Instant t = (Instant) ConditionMatcher.computedValue(anniversary.field().computed(), null, profile.computed(), Instant.EPOCH);
            date = t == null ? null : t.atZone(zone).toLocalDate().toString();
        } else {
            date = ConditionMatcher.dateOf(ConditionMatcher.at(profile.traits(), anniversary.field().traitPath()));
        }
        if (date == null) {
            return null;
        }
        return from -> {
            LocalDate change = nextAnniversaryChange(anniversary, date, from.atZone(zone).toLocalDate());
            return change == null ? null : startOfDayAfter(change, from, zone);
        };
    }

    /** The first day after {@code today} on which the anniversary's answer may differ from today's. */
    private static LocalDate nextAnniversaryChange(Condition.Anniversary anniversary, String date, LocalDate today) {
        int month = Integer.parseInt(date.substring(5, 7));
        int day = Integer.parseInt(date.substring(8, 10));
        return switch (anniversary.when()) {
            case TODAY -> nextMonthDayChange(month, day, today, 0);
            case IN_DAYS -> nextMonthDayChange(month, day, today, anniversary.days());
            case THIS_MONTH -> {
                if (month < 1 || month > 12) {
                    yield null;
                }
                LocalDate firstOfThisMonth = today.withDayOfMonth(1);
                if (today.getMonthValue() == month) {
                    yield firstOfThisMonth.plusMonths(1);
                }
                LocalDate firstOfThatMonth = firstOfThisMonth.withMonth(month);
                yield firstOfThatMonth.isAfter(today) ? firstOfThatMonth : firstOfThatMonth.plusYears(1);
            }
            case DAYS_BEFORE -> {
                LocalDate target = parseDate(date);
                if (target == null) {
                    yield null;
                }
                LocalDate dayOfNotice = target.minusDays(anniversary.days());
                if (today.isBefore(dayOfNotice)) {
                    yield dayOfNotice;
                }
                yield today.equals(dayOfNotice) ? today.plusDays(1) : null;
            }
        };
    }

    /**
     * For "month and day of today + offset": the day after a matching day (nothing matches two days
     * in a row), else the next matching day, a Feb 29 matching Feb 28 in a year without a leap day.
     */
    private static LocalDate nextMonthDayChange(int month, int day, LocalDate today, int offset) {
        if (month < 1 || month > 12 || day < 1 || day > Month.of(month).maxLength()) {
            return null;
        }
        LocalDate target = today.plusDays(offset);
        if (onAnniversary(month, day, target)) {
            return today.plusDays(1);
        }
        for (int year = target.getYear(); year <= target.getYear() + 8; year++) {
            LocalDate occurrence = MonthDay.of(month, day).isValidYear(year) ? LocalDate.of(year, month, day) : LocalDate.of(year, 2, 28);
            if (occurrence.isAfter(target)) {
                return occurrence.minusDays(offset);
            }
        }
        return null;
    }

    private static boolean onAnniversary(int month, int day, LocalDate date) {
        if (date.getMonthValue() == month && date.getDayOfMonth() == day) {
            return true;
        }
        return month == 2 && day == 29 && date.getMonthValue() == 2 && date.getDayOfMonth() == 28 && !Year.isLeap(date.getYear());
    }

    // ---- instants against a span back from now ----

    /**
     * The next break of a within_last or more_than_ago test of instant t: within_last is
     * {@code now - span <= t <= now}, so it changes when now reaches t (if t is ahead) and when
     * now - span passes t; more_than_ago is {@code t < now - span}.
     */
    private static Instant timeTestBreak(Instant t, Operator op, Span span, Instant from, ZoneId zone) {
        Instant next = windowStartBreak(span, t, from, zone);
        if (op == Operator.WITHIN_LAST && t.isAfter(from)) {
            next = earlierOf(next, t);
        }
        return next;
    }

    /**
     * A break of {@code span.before(now) <= t} after {@code from}. For fixed spans it turns false
     * just after t + span. A calendar span is computed in the zone like {@link Span#before}: it is
     * piecewise "now minus a constant", bent at midnights (month-end clamping) and around time zone
     * transitions, and not always increasing (Mar 29 and Mar 31 minus a month are both Feb 28), so
     * it is followed piece by piece.
     */
    private static Instant windowStartBreak(Span span, Instant t, Instant from, ZoneId zone) {
        if (span.unit() != Span.Unit.MONTHS && span.unit() != Span.Unit.YEARS) {
            Instant leavesAfter = t.plus(fixedLength(span));
            return from.isBefore(leavesAfter) ? leavesAfter : null;
        }
        Instant windowStart = span.before(from, zone);
        if (windowStart.isAfter(t)) {
            // Outside: only a step back can bring t in again, and steps back are small.
            return Duration.between(t, windowStart).compareTo(CALENDAR_STEP_BACK_BOUND) > 0 ? null : linearPieceEnd(span, from, windowStart, zone);
        }
        // Inside: while now's date minus the span is days before t's date, t stays inside.
        LocalDate safeUntil = plus(span, t.atZone(zone).toLocalDate().minusDays(CALENDAR_STEP_BACK_BOUND.toDays()));
        Instant skipTo = safeUntil.atStartOfDay(zone).toInstant();
        if (skipTo.isAfter(from)) {
            return skipTo;
        }
        Instant pieceEnd = linearPieceEnd(span, from, windowStart, zone);
        Instant reachesT = from.plus(Duration.between(windowStart, t));
        return reachesT.isAfter(from) && reachesT.isBefore(pieceEnd) ? reachesT : pieceEnd;
    }

    /**
     * The end of the piece starting at {@code from} on which {@code span.before(now)} is
     * {@code windowStart + (now - from)}: the next midnight, the next zone transition, or the
     * moment now's local time passes a transition's local times on the day the span leads back to.
     */
    private static Instant linearPieceEnd(Span span, Instant from, Instant windowStart, ZoneId zone) {
        ZoneRules rules = zone.getRules();
        ZonedDateTime local = from.atZone(zone);
        LocalDate today = local.toLocalDate();
        Instant end = startOfDayAfter(today.plusDays(1), from, zone);
        ZoneOffsetTransition transition = rules.nextTransition(from);
        if (transition != null && transition.getInstant().isBefore(end)) {
            end = transition.getInstant();
        }
        LocalDate thatDay = span.before(today);
        Instant scanUntil = thatDay.plusDays(3).atStartOfDay(zone).toInstant();
        for (ZoneOffsetTransition there = rules.nextTransition(thatDay.minusDays(2).atStartOfDay(zone).toInstant());
             there != null && there.getInstant().isBefore(scanUntil); there = rules.nextTransition(there.getInstant())) {
            for (LocalDateTime bend : List.of(there.getDateTimeBefore(), there.getDateTimeAfter())) {
                if (bend.toLocalDate().equals(thatDay)) {
                    Instant nowPassesBend = LocalDateTime.of(today, bend.toLocalTime()).toInstant(local.getOffset());
                    if (nowPassesBend.isAfter(from) && nowPassesBend.isBefore(end)) {
                        end = nowPassesBend;
                    }
                }
            }
        }
        // A bend not foreseen above (an exotic zone history) is found by halving the piece.
        while (!isLinear(span, from, windowStart, end, zone) && Duration.between(from, end).compareTo(Duration.ofNanos(2)) > 0) {
            end = from.plus(Duration.between(from, end).dividedBy(2));
        }
        return end;
    }

    private static boolean isLinear(Span span, Instant from, Instant windowStart, Instant end, ZoneId zone) {
        Instant last = end.minus(JUST_AFTER);
        return span.before(last, zone).equals(windowStart.plus(Duration.between(from, last)));
    }

    private static Duration fixedLength(Span span) {
        return switch (span.unit()) {
            case MINUTES -> Duration.ofMinutes(span.amount());
            case HOURS -> Duration.ofHours(span.amount());
            case DAYS -> Duration.ofDays(span.amount());
            case WEEKS -> Duration.ofDays(7 * span.amount());
            default -> throw new IllegalArgumentException("not a fixed span: " + span);
        };
    }

    /** The date a calendar span after {@code date}; {@code plus(span, d).minus(span) <= d}. */
    private static LocalDate plus(Span span, LocalDate date) {
        return switch (span.unit()) {
            case MONTHS -> date.plusMonths(span.amount());
            case YEARS -> date.plusYears(span.amount());
            default -> throw new IllegalArgumentException("not a month or year span: " + span);
        };
    }

    // ---- events, as the matcher reads them ----

    private static List<EventRecord> eventsNamed(String name, ProfileSnapshot profile) {
        return profile.events().stream().filter(record -> record.name().equals(name)).toList();
    }

    private static boolean passes(EventRecord record, List<PropertyFilter> where, EvaluationContext context) {
        for (PropertyFilter filter : where) {
            if (!ConditionMatcher.jsonTest(ConditionMatcher.at(record.properties(), filter.path()), filter.op(), filter.value(), context)) {
                return false;
            }
        }
        return true;
    }

    private static Instant lastOccurrence(List<EventRecord> named, List<PropertyFilter> where, EvaluationContext context) {
        Instant last = null;
        for (EventRecord record : named) {
            if ((last == null || record.occurredAt().isAfter(last)) && passes(record, where, context)) {
                last = record.occurredAt();
            }
        }
        return last;
    }

    private static boolean hasDateTest(List<PropertyFilter> where) {
        return where.stream().anyMatch(filter -> isTimeRelative(filter.op()));
    }

    // ---- small helpers ----

    private static boolean isTimeRelative(Operator op) {
        return op == Operator.WITHIN_LAST || op == Operator.MORE_THAN_AGO;
    }

    private static EvaluationContext at(EvaluationContext context, Instant now) {
        return new EvaluationContext(context.workspaceId(), now, context.zone());
    }

    /** The first day after {@code today} where a monotone test differs from its answer today, or null. */
    private static LocalDate firstDayWhere(LocalDate today, Predicate<LocalDate> monotone) {
        boolean initial = monotone.test(today);
        long step = 1;
        while (monotone.test(today.plusDays(step)) == initial) {
            if (step >= DATE_SEARCH_LIMIT_DAYS) {
                return null;
            }
            step = Math.min(step * 2, DATE_SEARCH_LIMIT_DAYS);
        }
        long same = step / 2;
        long differs = step;
        while (differs - same > 1) {
            long middle = same + (differs - same) / 2;
            if (monotone.test(today.plusDays(middle)) == initial) {
                same = middle;
            } else {
                differs = middle;
            }
        }
        return today.plusDays(differs);
    }

    /** The start of {@code day} in the zone, which is after {@code from} unless the zone's local dates step back. */
    private static Instant startOfDayAfter(LocalDate day, Instant from, ZoneId zone) {
        Instant start = day.atStartOfDay(zone).toInstant();
        return start.isAfter(from) ? start : from.plus(STRICT_FLIP_DELAY);
    }

    private static LocalDate parseDate(String date) {
        try {
            return LocalDate.parse(date);
        } catch (DateTimeException e) {
            return null;
        }
    }

    private static Instant earlierOf(Instant a, Instant b) {
        return a == null || (b != null && b.isBefore(a)) ? b : a;
    }

    private static LocalDate earlierOf(LocalDate a, LocalDate b) {
        return a == null || (b != null && b.isBefore(a)) ? b : a;
    }
}
