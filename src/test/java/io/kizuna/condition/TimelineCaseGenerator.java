package io.kizuna.condition;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.UUID;

import io.kizuna.condition.Condition.AnniversaryWhen;
import io.kizuna.condition.Condition.CountOp;
import io.kizuna.condition.Condition.EventCount;
import io.kizuna.condition.Condition.EventWindow;
import io.kizuna.condition.Condition.FieldRef;
import io.kizuna.condition.Condition.PropertyFilter;
import io.kizuna.condition.ProfileSnapshot.EventRecord;

/**
 * Random time-relative conditions and profiles for {@link ConditionTimelineTest}. Every time is a
 * whole second, and most sit on or next to a boundary relative to now: now minus a span of the
 * condition, a midnight, a daylight saving change in New York, a month end, a leap day.
 */
final class TimelineCaseGenerator {

    record TimelineCase(Condition condition, ProfileSnapshot profile, EvaluationContext context, List<Span> spans) {
    }

    static final ZoneId NEW_YORK = ZoneId.of("America/New_York");
    static final ZoneId TOKYO = ZoneId.of("Asia/Tokyo");

    static final List<String> EVENT_NAMES = List.of("Product Added", "Order Completed", "Page Viewed");
    static final List<List<String>> DATE_TRAITS = List.of(List.of("birthday"), List.of("contract_end"), List.of("profile", "signup_date"));

    private static final List<Instant> DST_CHANGES = List.of(
            Instant.parse("2024-03-10T07:00:00Z"), Instant.parse("2024-11-03T06:00:00Z"),
            Instant.parse("2025-03-09T07:00:00Z"), Instant.parse("2025-11-02T06:00:00Z"),
            Instant.parse("2026-03-08T07:00:00Z"), Instant.parse("2026-11-01T06:00:00Z"));
    private static final List<LocalDate> TRICKY_DAYS = List.of(
            LocalDate.parse("2024-02-28"), LocalDate.parse("2024-02-29"), LocalDate.parse("2024-03-01"),
            LocalDate.parse("2024-03-31"), LocalDate.parse("2024-12-31"), LocalDate.parse("2025-01-31"),
            LocalDate.parse("2025-02-28"), LocalDate.parse("2025-03-01"), LocalDate.parse("2025-03-29"),
            LocalDate.parse("2025-03-31"), LocalDate.parse("2025-05-31"), LocalDate.parse("2028-02-29"));

    private final SplittableRandom random;
    private ZoneId zone;
    private Instant now;
    private List<Span> spans;

    TimelineCaseGenerator(long seed) {
        this.random = new SplittableRandom(seed);
    }

    TimelineCase next() {
        zone = pick(ZoneOffset.UTC, TOKYO, NEW_YORK, NEW_YORK);
        now = pickNow();
        spans = new ArrayList<>();
        int spanCount = 1 + random.nextInt(3);
        for (int i = 0; i < spanCount; i++) {
            spans.add(span());
        }
        Condition condition = condition(0);
        ProfileSnapshot profile = profile();
        return new TimelineCase(condition, profile, new EvaluationContext(uuid(), now, zone), List.copyOf(spans));
    }

    // ---- now ----

    private Instant pickNow() {
        return switch (random.nextInt(6)) {
            case 0 -> pick(DST_CHANGES).plusSeconds(jitterSeconds(2 * 86_400));
            case 1 -> pick(TRICKY_DAYS).atStartOfDay(zone).toInstant().plusSeconds(jitterSeconds(2 * 86_400));
            case 2 -> LocalDate.of(2024 + random.nextInt(3), 1 + random.nextInt(12), 1).plusDays(pick(-4, -3, -2, -1, 0))
                    .atStartOfDay(zone).toInstant().plusSeconds(random.nextLong(-86_400, 86_400));
            case 3 -> LocalDate.parse("2024-01-01").plusDays(random.nextInt(3 * 365)).atStartOfDay(zone).toInstant()
                    .plusSeconds(pick(0L, 1L, -1L, 3_600L, 86_399L));
            default -> Instant.parse("2024-01-01T00:00:00Z").plusSeconds(random.nextLong(3L * 365 * 86_400));
        };
    }

    private long jitterSeconds(long range) {
        return switch (random.nextInt(4)) {
            case 0 -> pick(0L, 1L, -1L);
            case 1 -> pick(-3_600L, 3_600L, -60L, 60L);
            default -> random.nextLong(-range, range + 1);
        };
    }

    // ---- spans ----

    private Span span() {
        return switch (random.nextInt(9)) {
            case 0 -> new Span(1 + random.nextInt(90), Span.Unit.MINUTES);
            case 1 -> new Span(pick(1, 3, 24, 1 + random.nextInt(48)), Span.Unit.HOURS);
            case 2, 3 -> calendarSpan();
            default -> pick(new Span(3, Span.Unit.HOURS), new Span(30, Span.Unit.DAYS), new Span(1, Span.Unit.MONTHS),
                    new Span(1, Span.Unit.YEARS), new Span(7, Span.Unit.DAYS), new Span(2, Span.Unit.WEEKS));
        };
    }

    private Span calendarSpan() {
        return switch (random.nextInt(4)) {
            case 0 -> new Span(pick(1, 2, 3, 7, 30, 1 + random.nextInt(40)), Span.Unit.DAYS);
            case 1 -> new Span(1 + random.nextInt(6), Span.Unit.WEEKS);
            case 2 -> new Span(pick(1, 2, 3, 6, 12, 1 + random.nextInt(14)), Span.Unit.MONTHS);
            default -> new Span(1 + random.nextInt(3), Span.Unit.YEARS);
        };
    }

    private Span calendarSpanForDates() {
        List<Span> calendar = spans.stream().filter(span -> span.unit().calendar()).toList();
        return calendar.isEmpty() || random.nextInt(4) == 0 ? calendarSpan() : pick(calendar);
    }

    // ---- conditions ----

    private Condition condition(int depth) {
        if (depth >= 3 || random.nextInt(10) < 5) {
            return leaf();
        }
        return switch (random.nextInt(5)) {
            case 0, 1 -> new Condition.All(children(depth));
            case 2, 3 -> new Condition.Any(children(depth));
            default -> new Condition.Not(condition(depth + 1));
        };
    }

    private List<Condition> children(int depth) {
        List<Condition> children = new ArrayList<>();
        int count = random.nextInt(4);
        for (int i = 0; i < count; i++) {
            children.add(condition(depth + 1));
        }
        return children;
    }

    private Condition leaf() {
        return switch (random.nextInt(21)) {
            case 0, 1, 2 -> new Condition.Trait(pick(DATE_TRAITS), pick(Operator.WITHIN_LAST, Operator.MORE_THAN_AGO),
                    new Value.Duration(calendarSpanForDates()));
            case 3, 4, 5, 6 -> timestampLeaf();
            case 7, 8 -> daysSinceLastSeen();
            case 9, 10, 11, 12 -> event();
            case 13, 14 -> lastEvent();
            case 15, 16, 17 -> anniversary();
            default -> timeIndependentLeaf();
        };
    }

    private Condition timestampLeaf() {
        ComputedField field = pick(ComputedField.LAST_SEEN_AT, ComputedField.CART_UPDATED_AT, ComputedField.FIRST_ORDER_AT,
                ComputedField.LAST_ORDER_AT, ComputedField.PREDICTED_NEXT_ORDER_AT, ComputedField.CHANNEL_LAST_ACTIVITY_AT,
                ComputedField.CREATED_AT, ComputedField.FIRST_SEEN_AT);
        String channel = field == ComputedField.CHANNEL_LAST_ACTIVITY_AT ? pick("web", "line", "email") : null;
        return new Condition.Computed(field, channel, pick(Operator.WITHIN_LAST, Operator.MORE_THAN_AGO), new Value.Duration(pick(spans)));
    }

    private Condition daysSinceLastSeen() {
        Operator op = pick(Operator.GT, Operator.GTE, Operator.LT, Operator.LTE, Operator.EQUALS, Operator.NOT_EQUALS,
                Operator.BETWEEN, Operator.IN, Operator.NOT_IN, Operator.EXISTS);
        Value value = switch (op) {
            case BETWEEN -> {
                BigDecimal low = dayCount();
                yield new Value.ListOf(List.of(new Value.Number(low), new Value.Number(low.add(BigDecimal.valueOf(random.nextInt(10))))));
            }
            case IN, NOT_IN -> new Value.ListOf(List.of(new Value.Number(dayCount()), new Value.Number(dayCount()), new Value.Number(dayCount())));
            case EXISTS -> null;
            default -> new Value.Number(dayCount());
        };
        return new Condition.Computed(ComputedField.DAYS_SINCE_LAST_SEEN, null, op, value);
    }

    private BigDecimal dayCount() {
        return switch (random.nextInt(6)) {
            case 0 -> new BigDecimal(random.nextInt(40) + ".5");
            case 1 -> BigDecimal.valueOf(-random.nextInt(3));
            default -> BigDecimal.valueOf(pick(0, 1, 2, 7, 30, random.nextInt(60)));
        };
    }

    private Condition event() {
        EventWindow window = switch (random.nextInt(10)) {
            case 0 -> new EventWindow.Ever();
            case 1 -> {
                Instant a = instant();
                Instant b = instant();
                yield new EventWindow.Between(a.isBefore(b) ? a : b, random.nextInt(4) == 0 ? null : (a.isBefore(b) ? b : a));
            }
            case 2 -> new EventWindow.SinceEvent("Order Completed");
            default -> new EventWindow.WithinLast(pick(spans));
        };
        EventCount count = switch (random.nextInt(3)) {
            case 0 -> new EventCount(CountOp.AT_LEAST, 1 + random.nextInt(3));
            case 1 -> new EventCount(CountOp.AT_MOST, random.nextInt(3));
            default -> new EventCount(CountOp.EXACTLY, random.nextInt(3));
        };
        return new Condition.Event(pick(EVENT_NAMES), where(), window, count);
    }

    private Condition lastEvent() {
        Operator op = pick(Operator.WITHIN_LAST, Operator.MORE_THAN_AGO, Operator.WITHIN_LAST, Operator.MORE_THAN_AGO,
                Operator.BEFORE, Operator.EXISTS);
        Value value = switch (op) {
            case BEFORE -> new Value.Timestamp(instant());
            case EXISTS -> null;
            default -> new Value.Duration(pick(spans));
        };
        return new Condition.LastEvent(pick(EVENT_NAMES), where(), op, value);
    }

    private List<PropertyFilter> where() {
        return switch (random.nextInt(5)) {
            case 0 -> List.of(new PropertyFilter(List.of("price"), Operator.GT, new Value.Number(BigDecimal.TEN)));
            case 1 -> List.of(new PropertyFilter(List.of("delivery_date"), pick(Operator.WITHIN_LAST, Operator.MORE_THAN_AGO),
                    new Value.Duration(calendarSpanForDates())));
            default -> List.of();
        };
    }

    private Condition anniversary() {
        FieldRef field = random.nextBoolean() ? FieldRef.trait(pick(DATE_TRAITS))
                : FieldRef.computed(pick(ComputedField.FIRST_ORDER_AT, ComputedField.CREATED_AT, ComputedField.LAST_ORDER_AT));
        AnniversaryWhen when = pick(AnniversaryWhen.values());
        int days = when == AnniversaryWhen.IN_DAYS || when == AnniversaryWhen.DAYS_BEFORE
                ? pick(0, 1, 2, 7, 30, 365, 366, random.nextInt(367))
                : 0;
        return new Condition.Anniversary(field, when, days);
    }

    private Condition timeIndependentLeaf() {
        return switch (random.nextInt(12)) {
            case 0 -> new Condition.HasTag("vip");
            case 1 -> new Condition.Consent("email", "", Condition.ConsentStatus.GRANTED);
            case 2 -> new Condition.Reachable(Channel.EMAIL);
            case 3 -> new Condition.RandomBucket("holdout", 10, 0, 4);
            case 4 -> new Condition.Computed(ComputedField.ORDER_COUNT, null, Operator.GTE, new Value.Number(BigDecimal.valueOf(2)));
            case 5 -> new Condition.Trait(List.of("plan"), Operator.EQUALS, new Value.Text("gold"));
            case 6 -> new Condition.Computed(ComputedField.LAST_ORDER_AT, null, Operator.BEFORE,
                    new Value.Date(today().plusDays(random.nextInt(-5, 6))));
            case 7 -> new Condition.Computed(ComputedField.LAST_SEEN_AT, null, Operator.AFTER, new Value.Timestamp(instant()));
            case 8 -> new Condition.Computed(ComputedField.CREATED_AT, null, Operator.DAY_OF_WEEK,
                    new Value.ListOf(List.of(new Value.Number(BigDecimal.ONE), new Value.Number(BigDecimal.valueOf(6)))));
            case 9 -> new Condition.Trait(pick(DATE_TRAITS), Operator.MONTH, new Value.ListOf(List.of(new Value.Number(BigDecimal.valueOf(today().getMonthValue())))));
            case 10 -> new Condition.Trait(pick(DATE_TRAITS), Operator.BEFORE, new Value.Date(today().plusDays(random.nextInt(-3, 4))));
            default -> new Condition.Computed(ComputedField.CART_UPDATED_AT, null, pick(Operator.EXISTS, Operator.MISSING), null);
        };
    }

    // ---- profiles ----

    private ProfileSnapshot profile() {
        Map<String, Object> traits = new LinkedHashMap<>();
        putMaybe(traits, "birthday", dateValue());
        putMaybe(traits, "contract_end", dateValue());
        Map<String, Object> nested = new LinkedHashMap<>();
        putMaybe(nested, "signup_date", dateValue());
        traits.put("profile", nested);
        if (random.nextBoolean()) {
            traits.put("plan", "gold");
        }

        Instant lastOrderAt = maybeInstant();
        int orderCount = random.nextInt(5);
        Double interval = null;
        if (random.nextInt(3) > 0 && lastOrderAt != null) {
            // Often aim the predicted next order at an interesting instant.
            double aimed = Duration.between(lastOrderAt, instant()).toMillis() / 86_400_000d;
            interval = aimed > 0 && random.nextBoolean() ? aimed : 0.25 + random.nextInt(4_000) / 100d;
        }
        Map<String, Instant> channelActivity = new HashMap<>();
        for (String channel : List.of("web", "line")) {
            Instant at = maybeInstant();
            if (at != null) {
                channelActivity.put(channel, at);
            }
        }
        ProfileSnapshot.Computed computed = new ProfileSnapshot.Computed(
                maybeInstant(), maybeInstant(), maybeInstant(), lastOrderAt, orderCount,
                BigDecimal.valueOf(120), BigDecimal.ZERO, BigDecimal.valueOf(60), interval,
                BigDecimal.valueOf(35), random.nextInt(3), maybeInstant(), null, null, null, maybeInstant(), channelActivity);

        List<EventRecord> events = new ArrayList<>();
        int eventCount = random.nextInt(7);
        for (int i = 0; i < eventCount; i++) {
            Map<String, Object> properties = new LinkedHashMap<>();
            properties.put("price", BigDecimal.valueOf(pick(5, 10, 20)));
            putMaybe(properties, "delivery_date", dateValue());
            events.add(new EventRecord(pick(EVENT_NAMES), instant(), properties));
        }
        return new ProfileSnapshot(uuid(), traits, computed,
                random.nextBoolean() ? Set.of("vip") : Set.of(), Set.of(),
                random.nextBoolean() ? Map.of(ProfileSnapshot.consentKey("email", ""), true) : Map.of(),
                random.nextBoolean() ? Set.of("email") : Set.of(), events);
    }

    private static void putMaybe(Map<String, Object> map, String key, Object value) {
        if (value != null) {
            map.put(key, value);
        }
    }

    private Instant maybeInstant() {
        return random.nextInt(8) == 0 ? null : instant();
    }

    /** An instant near an interesting boundary relative to now. */
    Instant instant() {
        Instant base = switch (random.nextInt(10)) {
            case 8, 9 -> pick(spans).before(nearBend(), zone);
            case 0, 1, 2 -> pick(spans).before(now, zone);
            case 3 -> now;
            case 4 -> now.plusSeconds(random.nextLong(60, 40L * 86_400));
            case 5 -> today().plusDays(random.nextInt(-40, 41)).atStartOfDay(zone).toInstant();
            case 6 -> {
                Instant change = pick(DST_CHANGES);
                Span span = pick(spans);
                yield random.nextBoolean() ? change : ZonedDateTime.ofInstant(change, zone).minus(span.amount(), unit(span)).toInstant();
            }
            default -> now.minusSeconds(random.nextLong(0, 800L * 86_400));
        };
        return base.plusSeconds(switch (random.nextInt(6)) {
            case 0, 1 -> 0;
            case 2 -> pick(1L, -1L);
            case 3 -> pick(60L, -60L, 3_600L, -3_600L, 86_400L, -86_400L);
            default -> random.nextLong(-3L * 86_400, 3L * 86_400);
        });
    }

    /**
     * An instant ahead where "now minus a month" bends: a coming midnight (a month end clamps the
     * day) or the next daylight saving change.
     */
    private Instant nearBend() {
        Instant bend = random.nextBoolean() || zone.getRules().nextTransition(now) == null
                ? today().plusDays(1 + random.nextInt(4)).atStartOfDay(zone).toInstant()
                : zone.getRules().nextTransition(now).getInstant();
        return bend.plusSeconds(pick(0L, -1L, -1_800L, 1_800L));
    }

    /** A trait or property value: usually a date near a boundary, sometimes a timestamp, an impossible date or no date at all. */
    private Object dateValue() {
        return switch (random.nextInt(14)) {
            case 0, 1, 2 -> calendarSpanForDates().before(today()).plusDays(random.nextInt(-2, 3)).toString();
            case 3, 4 -> today().plusDays(random.nextInt(-3, 4)).toString();
            case 5 -> instant().atZone(zone).toLocalDate().toString();
            case 6, 7 -> birthday();
            case 8 -> instant().toString();
            case 9 -> LocalDateTime.ofInstant(instant(), zone).truncatedTo(ChronoUnit.SECONDS) + "+09:00";
            case 10 -> pick("2024-02-30", "2023-13-01", "2023-00-10", "2025-04-31", "2023-02-29");
            case 11 -> pick("tomorrow", 42, Boolean.TRUE);
            case 12 -> null;
            default -> today().plusDays(random.nextInt(-400, 400)).toString();
        };
    }

    private String birthday() {
        int year = 1960 + random.nextInt(46);
        LocalDate near = today().plusDays(random.nextInt(-3, 4));
        return switch (random.nextInt(4)) {
            case 0 -> pick(1988, 1992, 1996, 2000, 2004) + "-02-29";
            case 1 -> year + pick("-02-28", "-03-01", "-12-31", "-01-01");
            default -> String.format(Locale.ROOT, "%04d%s", year, near.toString().substring(4));
        };
    }

    // ---- small helpers ----

    private UUID uuid() {
        return new UUID(random.nextLong(), random.nextLong());
    }

    private LocalDate today() {
        return now.atZone(zone).toLocalDate();
    }

    private static ChronoUnit unit(Span span) {
        return switch (span.unit()) {
            case MINUTES -> ChronoUnit.MINUTES;
            case HOURS -> ChronoUnit.HOURS;
            case DAYS -> ChronoUnit.DAYS;
            case WEEKS -> ChronoUnit.WEEKS;
            case MONTHS -> ChronoUnit.MONTHS;
            case YEARS -> ChronoUnit.YEARS;
        };
    }

    private <T> T pick(List<T> items) {
        return items.get(random.nextInt(items.size()));
    }

    @SafeVarargs
    private <T> T pick(T... items) {
        return items[random.nextInt(items.length)];
    }
}
