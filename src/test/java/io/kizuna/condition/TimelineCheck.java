package io.kizuna.condition;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.time.zone.ZoneOffsetTransition;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NavigableSet;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.stream.Collectors;

import io.kizuna.condition.Condition.EventWindow;
import io.kizuna.condition.ProfileSnapshot.EventRecord;

/**
 * Checks {@link ConditionTimeline#nextChange} for one condition and profile against the matcher:
 * at every sampled instant t with now &lt; t &lt; nextChange the condition must have its value at
 * now. A flip just after X may be reported as X + 1 s, so samples between whole seconds are only
 * taken up to nextChange - 1 s (all times the generator makes are whole seconds, hence every
 * threshold is one). Samples are dense where changes happen: midnights, daylight saving changes,
 * every time of the profile plus every span of the condition, last seen plus whole days.
 */
final class TimelineCheck {

    /** How far a "never changes" answer is checked. */
    private static final Duration NEVER_CHECKED_UNTIL = Duration.ofDays(3 * 366);
    private static final List<Duration> JITTERS = List.of(Duration.ofSeconds(-1), Duration.ofNanos(-1), Duration.ZERO,
            Duration.ofNanos(1), Duration.ofMillis(500), Duration.ofSeconds(1));

    /** What one case showed: a failure (null when none), and whether the wake-up would have found a change. */
    record Result(Instant nextChange, String failure, int samples, boolean changedAtNextChange, boolean changedSecondAfter) {
    }

    private TimelineCheck() {
    }

    static Result run(Condition condition, ProfileSnapshot profile, EvaluationContext context, List<Span> spans, long sampleSeed) {
        Instant now = context.now();
        Instant next = ConditionTimeline.nextChange(condition, profile, context);
        if (next != null && !next.isAfter(now)) {
            return new Result(next, "nextChange " + next + " is not after now " + now, 0, false, false);
        }
        boolean initial = matches(condition, profile, context, now);
        NavigableSet<Instant> samples = samples(condition, profile, context, spans, next, new SplittableRandom(sampleSeed));
        for (Instant t : samples) {
            if (matches(condition, profile, context, t) != initial) {
                return new Result(next, "value at " + t + " (" + t.atZone(context.zone()).toLocalDateTime() + " local) is " + !initial
                        + " but " + initial + " at now", samples.size(), false, false);
            }
        }
        boolean changedAt = next != null && matches(condition, profile, context, next) != initial;
        boolean changedSecondAfter = next != null && matches(condition, profile, context, next.plusSeconds(1)) != initial;
        return new Result(next, null, samples.size(), changedAt, changedSecondAfter);
    }

    static boolean matches(Condition condition, ProfileSnapshot profile, EvaluationContext context, Instant at) {
        return ConditionMatcher.matches(condition, profile, new EvaluationContext(context.workspaceId(), at, context.zone()));
    }

    // ---- samples ----

    private static NavigableSet<Instant> samples(Condition condition, ProfileSnapshot profile, EvaluationContext context,
                                                 List<Span> generatorSpans, Instant next, SplittableRandom random) {
        Instant now = context.now();
        ZoneId zone = context.zone();
        Instant end = next != null ? next : now.plus(NEVER_CHECKED_UNTIL);
        List<Instant> bases = new ArrayList<>();
        for (Duration ahead : List.of(Duration.ofNanos(1), Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofSeconds(2),
                Duration.ofMinutes(1), Duration.ofHours(1), Duration.ofDays(1))) {
            bases.add(now.plus(ahead));
        }
        if (next != null) {
            for (Duration back : List.of(Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofMinutes(1), Duration.ofHours(1), Duration.ofDays(1))) {
                bases.add(next.minus(back));
            }
        }
        addMidnights(bases, now, end, zone, random);
        for (ZoneOffsetTransition transition = zone.getRules().nextTransition(now); transition != null
                && transition.getInstant().isBefore(end) && bases.size() < 100_000; transition = zone.getRules().nextTransition(transition.getInstant())) {
            bases.add(transition.getInstant());
            bases.add(transition.getInstant().minus(Duration.ofHours(1)));
            bases.add(transition.getInstant().plus(Duration.ofHours(1)));
        }
        List<Span> spans = new ArrayList<>(generatorSpans);
        collectSpans(condition, spans);
        for (Instant time : timesOf(profile)) {
            bases.add(time);
            for (Span span : spans) {
                Instant shifted = plus(time, span, zone);
                bases.add(shifted);
                LocalDate day = shifted.atZone(zone).toLocalDate();
                for (int d = -1; d <= 3; d++) {
                    bases.add(day.plusDays(d).atStartOfDay(zone).toInstant());
                }
            }
        }
        Instant lastSeen = profile.computed().lastSeenAt();
        if (lastSeen != null) {
            for (int days = 0; days <= 70; days++) {
                bases.add(lastSeen.plus(Duration.ofDays(days)));
            }
        }
        for (LocalDate date : datesOf(profile)) {
            for (Span span : spans) {
                if (span.unit().calendar()) {
                    LocalDate shifted = plus(date, span);
                    bases.add(shifted.atStartOfDay(zone).toInstant());
                    bases.add(shifted.plusDays(1).atStartOfDay(zone).toInstant());
                }
            }
            for (int year = now.atZone(zone).getYear(); year <= now.atZone(zone).getYear() + 2; year++) {
                LocalDate occurrence = date.withYear(year);
                for (int days : List.of(0, 1, -1, -2, -7, -30, -365, -366)) {
                    bases.add(occurrence.plusDays(days).atStartOfDay(zone).toInstant());
                }
            }
        }
        long range = Duration.between(now, end).getSeconds();
        for (int i = 0; i < 40 && range > 1; i++) {
            bases.add(now.plusSeconds(1 + random.nextLong(range)));
            bases.add(now.plusSeconds(random.nextLong(range)).plusNanos(random.nextInt(1, 1_000_000_000)));
        }

        NavigableSet<Instant> samples = new TreeSet<>();
        for (Instant base : bases) {
            for (Duration jitter : JITTERS) {
                Instant t = base.plus(jitter);
                if (t.isAfter(now) && t.isBefore(end) && (next == null || t.getNano() == 0 || !t.isAfter(next.minusSeconds(1)))) {
                    samples.add(t);
                }
            }
        }
        if (next == null) {
            samples.add(now.plus(Duration.ofDays(5 * 366)));
            samples.add(now.plus(Duration.ofDays(10 * 366)).plusSeconds(1));
        }
        return samples;
    }

    /** The first 130 midnights, the last 5 before the end, and 30 random ones in between. */
    private static void addMidnights(List<Instant> bases, Instant now, Instant end, ZoneId zone, SplittableRandom random) {
        LocalDate today = now.atZone(zone).toLocalDate();
        LocalDate last = end.atZone(zone).toLocalDate();
        long days = ChronoUnit.DAYS.between(today, last);
        for (long d = 1; d <= Math.min(days, 130); d++) {
            bases.add(today.plusDays(d).atStartOfDay(zone).toInstant());
        }
        for (long d = Math.max(1, days - 5); d <= days; d++) {
            bases.add(today.plusDays(d).atStartOfDay(zone).toInstant());
        }
        for (int i = 0; i < 30 && days > 1; i++) {
            bases.add(today.plusDays(1 + random.nextLong(days)).atStartOfDay(zone).toInstant());
        }
    }

    private static void collectSpans(Condition condition, List<Span> spans) {
        if (condition instanceof Condition.All all) {
            all.conditions().forEach(child -> collectSpans(child, spans));
        } else if (condition instanceof Condition.Any any) {
            any.conditions().forEach(child -> collectSpans(child, spans));
        } else if (condition instanceof Condition.Not not) {
            collectSpans(not.condition(), spans);
        } else if (condition instanceof Condition.Trait trait && trait.value() instanceof Value.Duration duration) {
            spans.add(duration.span());
        } else if (condition instanceof Condition.Computed computed && computed.value() instanceof Value.Duration duration) {
            spans.add(duration.span());
        } else if (condition instanceof Condition.LastEvent last) {
            if (last.value() instanceof Value.Duration duration) {
                spans.add(duration.span());
            }
            last.where().forEach(filter -> addSpan(filter.value(), spans));
        } else if (condition instanceof Condition.Event event) {
            if (event.window() instanceof EventWindow.WithinLast window) {
                spans.add(window.span());
            }
            event.where().forEach(filter -> addSpan(filter.value(), spans));
        }
    }

    private static void addSpan(Value value, List<Span> spans) {
        if (value instanceof Value.Duration duration) {
            spans.add(duration.span());
        }
    }

    private static List<Instant> timesOf(ProfileSnapshot profile) {
        List<Instant> times = new ArrayList<>();
        for (ComputedField field : ComputedField.values()) {
            if (field.type() == ComputedField.FieldType.TIMESTAMP && field != ComputedField.CHANNEL_LAST_ACTIVITY_AT) {
                Instant t = (Instant) ConditionMatcher.computedValue(field, null, profile.computed(), Instant.EPOCH);
                if (t != null) {
                    times.add(t);
                }
            }
        }
        times.addAll(profile.computed().channelActivity().values());
        profile.events().forEach(event -> times.add(event.occurredAt()));
        return times;
    }

    private static List<LocalDate> datesOf(ProfileSnapshot profile) {
        List<Object> values = new ArrayList<>();
        collectLeaves(profile.traits(), values);
        profile.events().forEach(event -> collectLeaves(event.properties(), values));
        List<LocalDate> dates = new ArrayList<>();
        for (Object value : values) {
            String date = ConditionMatcher.dateOf(value);
            if (date != null) {
                try {
                    dates.add(LocalDate.parse(date));
                } catch (RuntimeException impossibleDate) {
                    // "2024-02-30" is date-like but never a day: it only compares as a string.
                }
            }
        }
        return dates;
    }

    private static void collectLeaves(Object value, List<Object> leaves) {
        if (value instanceof Map<?, ?> map) {
            map.values().forEach(child -> collectLeaves(child, leaves));
        } else {
            leaves.add(value);
        }
    }

    private static Instant plus(Instant time, Span span, ZoneId zone) {
        ZonedDateTime local = time.atZone(zone);
        return switch (span.unit()) {
            case MONTHS -> local.plusMonths(span.amount()).toInstant();
            case YEARS -> local.plusYears(span.amount()).toInstant();
            default -> time.plus(Duration.between(span.before(time, zone), time));
        };
    }

    private static LocalDate plus(LocalDate date, Span span) {
        return switch (span.unit()) {
            case DAYS -> date.plusDays(span.amount());
            case WEEKS -> date.plusWeeks(span.amount());
            case MONTHS -> date.plusMonths(span.amount());
            case YEARS -> date.plusYears(span.amount());
            default -> date;
        };
    }

    // ---- shrinking and describing a failure ----

    /** A smaller failing case: a subtree of the condition and fewer events, as long as it still fails. */
    static String shrinkAndDescribe(Condition condition, ProfileSnapshot profile, EvaluationContext context, List<Span> spans, long sampleSeed) {
        boolean smaller = true;
        while (smaller) {
            smaller = false;
            List<Condition> subtrees = new ArrayList<>();
            collectSubtrees(condition, subtrees);
            subtrees.remove(condition);
            subtrees.sort(Comparator.comparingInt(TimelineCheck::size));
            for (Condition subtree : subtrees) {
                if (run(subtree, profile, context, spans, sampleSeed).failure() != null) {
                    condition = subtree;
                    smaller = true;
                    break;
                }
            }
            for (int i = 0; !smaller && i < profile.events().size(); i++) {
                List<EventRecord> fewer = new ArrayList<>(profile.events());
                fewer.remove(i);
                ProfileSnapshot candidate = new ProfileSnapshot(profile.id(), profile.traits(), profile.computed(), profile.tags(),
                        profile.segments(), profile.consents(), profile.identityTypes(), fewer);
                if (run(condition, candidate, context, spans, sampleSeed).failure() != null) {
                    profile = candidate;
                    smaller = true;
                }
            }
        }
        Result result = run(condition, profile, context, spans, sampleSeed);
        return "zone " + context.zone() + ", now " + context.now() + " (" + context.now().atZone(context.zone()).toLocalDateTime() + " local)"
                + "\n  condition: " + describe(condition)
                + "\n  profile: " + describe(profile)
                + "\n  nextChange: " + result.nextChange()
                + "\n  failure: " + result.failure();
    }

    private static void collectSubtrees(Condition condition, List<Condition> into) {
        into.add(condition);
        if (condition instanceof Condition.All all) {
            all.conditions().forEach(child -> collectSubtrees(child, into));
        } else if (condition instanceof Condition.Any any) {
            any.conditions().forEach(child -> collectSubtrees(child, into));
        } else if (condition instanceof Condition.Not not) {
            collectSubtrees(not.condition(), into);
        }
    }

    private static int size(Condition condition) {
        List<Condition> nodes = new ArrayList<>();
        collectSubtrees(condition, nodes);
        return nodes.size();
    }

    static String describe(Condition condition) {
        if (condition instanceof Condition.All all) {
            return "all(" + all.conditions().stream().map(TimelineCheck::describe).collect(Collectors.joining(", ")) + ")";
        }
        if (condition instanceof Condition.Any any) {
            return "any(" + any.conditions().stream().map(TimelineCheck::describe).collect(Collectors.joining(", ")) + ")";
        }
        if (condition instanceof Condition.Not not) {
            return "not(" + describe(not.condition()) + ")";
        }
        if (condition instanceof Condition.Trait trait) {
            return "trait " + String.join(".", trait.path()) + " " + trait.op().json() + describe(trait.value());
        }
        if (condition instanceof Condition.Computed computed) {
            return computed.field().json() + (computed.channel() == null ? "" : "[" + computed.channel() + "]") + " "
                    + computed.op().json() + describe(computed.value());
        }
        if (condition instanceof Condition.Event event) {
            String window;
            if (event.window() instanceof EventWindow.WithinLast last) {
                window = "within last " + describe(last.span());
            } else if (event.window() instanceof EventWindow.Between between) {
                window = "between " + between.from() + " and " + between.to();
            } else if (event.window() instanceof EventWindow.SinceEvent since) {
                window = "since " + since.name();
            } else {
                window = "ever";
            }
            return "event '" + event.name() + "'" + describeWhere(event.where()) + " " + window + " "
                    + event.count().op().name().toLowerCase(Locale.ROOT) + " " + event.count().times();
        }
        if (condition instanceof Condition.LastEvent last) {
            return "last '" + last.name() + "'" + describeWhere(last.where()) + " " + last.op().json() + describe(last.value());
        }
        if (condition instanceof Condition.Anniversary anniversary) {
            String field = anniversary.field().computed() != null ? anniversary.field().computed().json()
                    : String.join(".", anniversary.field().traitPath());
            return "anniversary of " + field + " " + anniversary.when().name().toLowerCase(Locale.ROOT) + " " + anniversary.days();
        }
        return condition.toString();
    }

    private static String describeWhere(List<Condition.PropertyFilter> where) {
        return where.isEmpty() ? "" : " where " + where.stream()
                .map(filter -> String.join(".", filter.path()) + " " + filter.op().json() + describe(filter.value()))
                .collect(Collectors.joining(" and "));
    }

    private static String describe(Value value) {
        if (value == null) {
            return "";
        }
        if (value instanceof Value.Duration duration) {
            return " " + describe(duration.span());
        }
        if (value instanceof Value.ListOf list) {
            return " " + list.values().stream().map(item -> describe(item).trim()).collect(Collectors.joining(", ", "[", "]"));
        }
        if (value instanceof Value.Number number) {
            return " " + number.value().toPlainString();
        }
        if (value instanceof Value.Text text) {
            return " \"" + text.value() + "\"";
        }
        if (value instanceof Value.Date date) {
            return " " + date.value();
        }
        if (value instanceof Value.Timestamp timestamp) {
            return " " + timestamp.value();
        }
        return " " + value;
    }

    private static String describe(Span span) {
        return span.amount() + " " + span.unit().json();
    }

    static String describe(ProfileSnapshot profile) {
        StringBuilder text = new StringBuilder("traits " + profile.traits());
        ProfileSnapshot.Computed c = profile.computed();
        appendIfSet(text, "first_seen_at", c.firstSeenAt());
        appendIfSet(text, "last_seen_at", c.lastSeenAt());
        appendIfSet(text, "first_order_at", c.firstOrderAt());
        appendIfSet(text, "last_order_at", c.lastOrderAt());
        text.append(", order_count ").append(c.orderCount());
        appendIfSet(text, "average_order_interval_days", c.averageOrderIntervalDays());
        appendIfSet(text, "cart_updated_at", c.cartUpdatedAt());
        appendIfSet(text, "created_at", c.createdAt());
        if (!c.channelActivity().isEmpty()) {
            text.append(", channel_activity ").append(c.channelActivity());
        }
        for (EventRecord event : profile.events()) {
            text.append("\n    event '").append(event.name()).append("' at ").append(event.occurredAt()).append(' ').append(event.properties());
        }
        return text.toString();
    }

    private static void appendIfSet(StringBuilder text, String name, Object value) {
        if (value != null) {
            text.append(", ").append(name).append(' ').append(value);
        }
    }
}
