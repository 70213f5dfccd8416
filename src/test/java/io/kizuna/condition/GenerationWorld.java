package io.kizuna.condition;

import java.math.BigDecimal;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * One round of the differential test: "now", the workspace's zone, and the vocabularies that both
 * the data and the conditions are drawn from, so that the conditions actually hit the data: the
 * same strings, numbers, dates and the instants exactly on window boundaries.
 */
final class GenerationWorld {

    static final List<String> ZONES = List.of("UTC", "Asia/Tokyo", "America/New_York");
    static final List<String> EVENT_NAMES = List.of("Product Added", "Order Completed", "Product Viewed", "Signed Up", "Coupon Used");
    static final List<String> TAGS = List.of("vip", "newsletter", "東京", "sale-2026");
    static final List<String> ACTIVITY_CHANNELS = List.of("web", "mobile", "line", "email", "store", "sms");
    static final List<String> CONSENT_CHANNELS = List.of("email", "sms", "line", "messenger");
    static final List<String> CONSENT_TOPICS = List.of("", "newsletter");
    static final List<String> IDENTITY_TYPES = List.of("email", "phone", "line_user_id", "messenger_psid", "user_id");
    static final List<Long> AMOUNTS = List.of(1L, 2L, 3L, 7L, 30L);
    static final List<String> REGEXES = List.of("^東", "o$", "[0-9]+", "\\d{3}", "a|b", "^.{2,3}$", "^$", "\\.", "^[A-Z]", "京",
            "\\s", "\\w+_\\w+", "line.break", "^\\d+$", "[^a-z]", "\\D", "\\W", "[\\d.]+", "[^\\d]", "^[\\w]+$", "\\S", "c$",
            "SKU-\\d+", "^sku", "[東京]", "\\|", "^.$", "寿司$", "%_", "\\\\");

    private static final DateTimeFormatter OFFSET_TIME = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ssXXX");

    final UUID workspaceId;
    final Instant now;
    final ZoneId zone;
    final LocalDate today;
    final EvaluationContext context;
    final List<UUID> segments;
    /** Instants on and next to every window boundary the conditions can express. */
    final List<Instant> instants;
    final List<LocalDate> dates;
    final Map<String, List<Object>> traitVocabulary;
    final Map<String, List<Object>> propertyVocabulary;
    final List<List<String>> traitPaths;
    final List<List<String>> propertyPaths;
    final List<String> strings;
    final List<BigDecimal> numbers;
    /** Every time the data generator stored, for the conditions to hit. */
    final List<Instant> used = new ArrayList<>();
    /** The computed numbers the data generator actually stored, for the conditions to hit. */
    final Map<ComputedField, Set<BigDecimal>> computedNumbers = new EnumMap<>(ComputedField.class);

    /**
     * @param round three rounds in four fall on a day where calendars are tricky (Feb 28, month
     *              ends, New Year, the New York DST changes), taken in turn; the fourth on any day
     */
    GenerationWorld(SeededRandom random, UUID workspaceId, int round) {
        this.workspaceId = workspaceId;
        ZoneId pickedZone = ZoneId.of(random.pick(ZONES));
        if (round % 4 == 3) {
            if (random.chance(0.25)) {
                // Now and then a zone that is a fixed offset (Etc/GMT+5 is UTC-05:00) or off the hour.
                pickedZone = ZoneId.of(random.pickOf("Etc/GMT+5", "Asia/Kathmandu"));
            }
            long from = ZonedDateTime.of(2025, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC).toEpochSecond();
            long to = ZonedDateTime.of(2028, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC).toEpochSecond() - 1;
            this.now = Instant.ofEpochSecond(random.between(from, to));
        } else {
            int special = (round / 4 * 3 + round % 4) % SPECIAL_DAYS;
            if (special == 1 || special == 4 || special == 11 || special == 12) {
                pickedZone = ZoneId.of("America/New_York"); // the DST days and a month after them
            }
            this.now = specialNow(random, pickedZone, special);
        }
        this.zone = pickedZone;
        this.context = new EvaluationContext(workspaceId, now, zone);
        this.today = context.today();
        List<UUID> segmentIds = new ArrayList<>();
        int segmentCount = random.between(2, 3);
        for (int i = 0; i < segmentCount; i++) {
            segmentIds.add(random.uuid());
        }
        this.segments = List.copyOf(segmentIds);
        this.dates = interestingDates();
        this.instants = interestingInstants();
        this.traitVocabulary = traitVocabulary();
        this.propertyVocabulary = propertyVocabulary();
        this.traitPaths = paths(traitVocabulary, List.of(List.of("address", "city"), List.of("address", "pref"), List.of("address", "zip"),
                List.of("address", "geo", "lat"), List.of("address", "geo"), List.of("city", "name"), List.of("unknown"),
                List.of("profile", "plan")));
        this.propertyPaths = paths(propertyVocabulary, List.of(List.of("product", "id"), List.of("product", "name"),
                List.of("product", "price"), List.of("product", "tags"), List.of("sku", "code"), List.of("missing_key")));
        Set<String> allStrings = new LinkedHashSet<>();
        Set<BigDecimal> allNumbers = new LinkedHashSet<>();
        for (Map<String, List<Object>> vocabulary : List.of(traitVocabulary, propertyVocabulary)) {
            vocabulary.values().forEach(values -> values.forEach(value -> collectScalars(value, allStrings, allNumbers, null)));
        }
        allStrings.add("zzz");
        allNumbers.add(new BigDecimal("42"));
        this.strings = List.copyOf(allStrings);
        this.numbers = List.copyOf(allNumbers);
    }

    // ---- now ----

    private static final int SPECIAL_DAYS = 13;

    /** "Now" on a day where calendars are tricky (2025..2027 have no Feb 29, so Feb 28 hosts the leap-day birthdays). */
    private static Instant specialNow(SeededRandom random, ZoneId zone, int special) {
        int year = random.between(2025, 2027);
        LocalDate dstStart = LocalDate.of(year, 3, 1).with(TemporalAdjusters.dayOfWeekInMonth(2, DayOfWeek.SUNDAY));
        LocalDate dstEnd = LocalDate.of(year, 11, 1).with(TemporalAdjusters.firstInMonth(DayOfWeek.SUNDAY));
        LocalDate day = switch (special) {
            case 0 -> LocalDate.of(year, 2, 28);
            case 1 -> dstStart;
            case 2 -> LocalDate.of(year, 3, 31);
            case 3 -> LocalDate.of(year, 12, 31);
            case 4 -> dstEnd;
            case 5 -> LocalDate.of(year, 3, 1);
            case 6 -> LocalDate.of(year, 1, 1);
            case 7 -> LocalDate.of(year, 5, 31);
            case 8 -> LocalDate.of(year, 10, 31);
            case 9 -> LocalDate.of(year, 1, 31);
            case 10 -> LocalDate.of(year, 4, 30);
            case 11 -> dstStart.plusMonths(1);
            default -> dstEnd.plusMonths(1);
        };
        LocalTime time = random.pickOf(LocalTime.MIDNIGHT, LocalTime.of(0, 0, 1), LocalTime.of(0, 30), LocalTime.of(1, 30), LocalTime.of(2, 30),
                LocalTime.NOON, LocalTime.of(23, 59, 59), LocalTime.of(23, 0), LocalTime.ofSecondOfDay(random.between(0, 86_399)));
        return ZonedDateTime.of(LocalDateTime.of(day, time), zone).toInstant();
    }

    // ---- instants and dates ----

    private List<Instant> interestingInstants() {
        Set<Instant> result = new LinkedHashSet<>();
        result.add(now);
        result.add(now.minusSeconds(1));
        result.add(now.plusSeconds(1));
        result.add(now.plusSeconds(3600));
        result.add(now.plusSeconds(2 * 86_400));
        result.add(now.plusSeconds(40 * 86_400));
        for (Span.Unit unit : Span.Unit.values()) {
            for (long amount : AMOUNTS) {
                Instant boundary = new Span(amount, unit).before(now, zone);
                result.add(boundary);
                if (amount == 3 || amount == 30) {
                    result.add(boundary.minusSeconds(1));
                    result.add(boundary.plusSeconds(1));
                }
            }
        }
        for (int days : new int[] { -40, -30, -7, -1, 0, 1, 2 }) {
            result.add(context.startOfDay(today.plusDays(days)));
        }
        result.add(context.startOfDay(today.plusDays(1)).minusSeconds(1));
        result.add(context.startOfDay(today.withDayOfMonth(1)));
        result.add(context.startOfDay(today.withDayOfMonth(1).plusMonths(1)));
        result.add(context.startOfDay(today.withDayOfYear(1)));
        result.add(now.minusSeconds(365L * 86_400 + 3600));
        for (LocalDate date : dates) {
            result.add(context.startOfDay(date));
        }
        return List.copyOf(result);
    }

    private List<LocalDate> interestingDates() {
        Set<LocalDate> result = new LinkedHashSet<>();
        for (int days : new int[] { -366, -365, -90, -31, -30, -8, -7, -2, -1, 0, 1, 2, 3, 7, 10, 30, 40 }) {
            result.add(today.plusDays(days));
        }
        result.add(today.minusMonths(1));
        result.add(today.minusMonths(3));
        result.add(today.minusYears(1));
        result.add(today.minusWeeks(2));
        result.add(today.withDayOfMonth(1));
        result.add(today.withDayOfMonth(today.lengthOfMonth()));
        result.add(LocalDate.of(today.getYear(), 2, 28));
        result.add(LocalDate.of(today.getYear(), 3, 1));
        result.add(LocalDate.of(2024, 2, 29));
        result.add(LocalDate.of(2028, 2, 29));
        result.add(LocalDate.of(today.getYear(), 12, 31));
        result.add(LocalDate.of(today.getYear() + 1, 1, 1));
        result.add(LocalDate.of(1990, 1, 1));
        return List.copyOf(result);
    }

    /** Days within a year from today where anniversaries are tricky: the next Feb 28, Feb 29, Mar 1, month ends, New Year's Eve. */
    List<LocalDate> anniversaryTargets() {
        List<LocalDate> targets = new ArrayList<>();
        for (int year = today.getYear(); year <= today.getYear() + 1; year++) {
            targets.add(LocalDate.of(year, 2, 28));
            targets.add(LocalDate.of(year, 3, 1));
            targets.add(LocalDate.of(year, 12, 31));
            if (LocalDate.of(year, 1, 1).isLeapYear()) {
                targets.add(LocalDate.of(year, 2, 29));
            }
        }
        targets.add(today.withDayOfMonth(today.lengthOfMonth()));
        targets.add(today.plusMonths(1).withDayOfMonth(today.plusMonths(1).lengthOfMonth()));
        return targets.stream().filter(date -> !date.isBefore(today) && !date.isAfter(today.plusDays(366))).toList();
    }

    /** A time for the data (recorded, so conditions can aim at the times the data really has). */
    Instant instant(SeededRandom random) {
        Instant instant = draw(random);
        used.add(instant);
        return instant;
    }

    /** Mostly an interesting instant, otherwise anywhere from 400 days ago to 30 days ahead. */
    private Instant draw(SeededRandom random) {
        if (random.chance(0.55)) {
            Instant instant = random.pick(instants);
            return random.chance(0.05) ? instant.plusNanos(random.chance(0.5) ? 1_000 : -1_000) : instant;
        }
        return switch (random.weighted(3, 3, 4, 1)) {
            case 0 -> now.minusSeconds(random.between(0, 6 * 3600));
            case 1 -> now.minusSeconds(random.between(0, 10 * 86_400));
            case 2 -> now.minusSeconds(random.between(0, 400 * 86_400));
            default -> now.plusSeconds(random.between(1, 30 * 86_400));
        };
    }

    /**
     * An instant for a condition's value or window bound: like {@link #instant}, sometimes off by
     * nanoseconds or a microsecond, since stored times have microseconds and conditions may not.
     */
    Instant conditionInstant(SeededRandom random) {
        Instant instant = !used.isEmpty() && random.chance(0.4) ? random.pick(used) : draw(random);
        if (random.chance(0.35)) {
            instant = instant.plusNanos(random.pickOf(-1_000L, 1_000L, -1L, 1L, 500L, -500L, 999L, 123_456_789L));
        }
        return instant;
    }

    LocalDate date(SeededRandom random) {
        if (!used.isEmpty() && random.chance(0.25)) {
            // The day of a stored time, or the day before or after it: lands exactly on start-of-day boundaries.
            return random.pick(used).atZone(zone).toLocalDate().plusDays(random.pickOf(-1, 0, 0, 1));
        }
        if (random.chance(0.8)) {
            return random.pick(dates);
        }
        return today.plusDays(random.between(-800, 400));
    }

    String offsetDateTime(Instant instant, SeededRandom random) {
        ZoneOffset offset = random.pickOf(ZoneOffset.UTC, ZoneOffset.ofHours(9), ZoneOffset.ofHours(-5));
        return OFFSET_TIME.format(instant.atOffset(offset));
    }

    // ---- JSON vocabularies ----

    private Map<String, List<Object>> traitVocabulary() {
        Map<String, List<Object>> v = new LinkedHashMap<>();
        v.put("city", values("東京", "大阪", "Tokyo", "", "tokyo", "東京都", "Osaka", n("100"), List.of("東京")));
        v.put("gender", values("female", "male", "other", "F", true));
        v.put("plan", values("free", "pro", "enterprise", "Pro", List.of("pro", "free")));
        v.put("age", values(n("0"), n("1"), n("18"), n("30"), n("29.99"), n("-1"), n("1.5"), n("1.50"), "30", n("100"),
                n("29.990000000000000001")));
        v.put("score", values(n("0"), n("-2.5"), n("1.5"), n("1.50"), n("100"), "100", n("12345678901234567890"),
                n("100.00000000000001"), n("1E+3"), n("0.1"), n("1000"), n("1.0000000000000000001")));
        v.put("vip", values(true, false, "true", n("1"), n("0")));
        List<Object> birthdays = new ArrayList<>();
        for (int years : new int[] { 20, 33, 45 }) {
            birthdays.add(today.minusYears(years).toString());
        }
        for (int days : new int[] { -1, 1, 3, 10, 30, 40 }) {
            birthdays.add(today.plusDays(days).minusYears(30).toString());
        }
        birthdays.addAll(List.of("1992-02-29", "1991-02-28", "2000-02-29", "1996-02-29", "1989-03-01", "2004-02-29", "1985-01-31", "1985-12-31", "1990-03-01",
                String.format("1990-%02d-01", today.getMonthValue()), String.format("1990-%02d-%02d", today.getMonthValue(), today.lengthOfMonth()),
                "2024-13-01", "1990-02-30", "2024-13", "not a date", n("19900101"), "1990-05-04T23:30:00+09:00", "", "1990/05/04",
                OFFSET_TIME.format(context.startOfDay(today).atOffset(ZoneOffset.UTC))));
        v.put("birthday", birthdays);
        List<Object> maturities = new ArrayList<>();
        for (int days : new int[] { 0, 1, 7, 10, 30, 40, -1, 366 }) {
            maturities.add(today.plusDays(days).toString());
        }
        anniversaryTargets().forEach(date -> maturities.add(date.toString()));
        maturities.add(today.plusYears(1).toString());
        maturities.add(today.minusYears(1).plusDays(30).toString());
        maturities.add(today.plusDays(30).toString() + "T00:00:00Z");
        v.put("contract_end", maturities);
        List<Object> visits = new ArrayList<>();
        for (int days : new int[] { 0, 1, 3, 7, 8, 14, 30, 31, 90, 365, 366, -1 }) {
            visits.add(today.minusDays(days).toString());
        }
        visits.add(today.minusMonths(1).toString());
        visits.add(today.minusMonths(3).toString());
        visits.add(today.minusYears(1).toString());
        visits.add(today.minusWeeks(2).toString());
        v.put("last_visit", visits);
        List<Object> signups = new ArrayList<>();
        SeededRandom offsets = new SeededRandom(now.getEpochSecond());
        for (Instant instant : instants) {
            if (offsets.chance(0.4)) {
                signups.add(offsetDateTime(instant, offsets));
            }
        }
        signups.add("2026-03-01T23:30:00-05:00");
        signups.add("2026-03-01T00:00:00Z");
        v.put("signup", signups);
        v.put("interests", values(List.of("sale", "new"), List.of("東京", "大阪"), List.of(n("1"), n("2"), n("3")), List.of(n("1.5")),
                List.of("100"), List.of(List.of("nested")), List.of(), Arrays.asList((Object) null), List.of("a", List.of("b")),
                List.of("Tokyo", n("100"), true), "sale", List.of(n("1.50"), false)));
        v.put("address", values(
                Map.of("city", "東京", "pref", "東京都", "zip", "100-0001"),
                Map.of("city", "大阪", "pref", "大阪府"),
                Map.of("city", "Tokyo", "geo", Map.of("lat", n("35.68"), "lng", n("139.76"))),
                mapWithNull("city"),
                Map.of(),
                Map.of("city", n("100"), "zip", "1000001"),
                Map.of("geo", "35.68,139.76"),
                "東京",
                List.of(Map.of("city", "東京"))));
        v.put("nickname", values("abc", "a|b", "123", "ab", "東京", "ABC", "a.b", "line\nbreak", "x_y", "  ", "o", "foo", "12345", "東",
                "abc\n", "Hello World", "sku-001", "Bob", "a b", "x-y", "🍣寿司", "sushi🍣", "50%_off", "a\\b"));
        v.put("好み", values("寿司", "ラーメン", "🍣", n("3"), List.of("寿司", "🍣")));
        return v;
    }

    private Map<String, List<Object>> propertyVocabulary() {
        Map<String, List<Object>> v = new LinkedHashMap<>();
        v.put("price", values(n("0"), n("100"), n("1.5"), n("1.50"), n("3800"), "100", n("-1"), n("99999999.99"), n("1E+3"), n("1000"),
                n("1.0000000000000000001")));
        v.put("category", values("shoes", "bags", "靴", "", n("5"), List.of("shoes", "bags"), "Shoes"));
        v.put("sku", values("SKU-001", "SKU-002", "sku-001", "SKU-100", "SKU-1000", Map.of("code", "SKU-001")));
        v.put("tags", values(List.of("sale", "new"), List.of("東京"), List.of(n("1"), n("2")), List.of(), List.of(List.of("sale")), "sale",
                List.of("sale", n("100"), true)));
        v.put("quantity", values(n("1"), n("2"), n("0"), "2", n("2.0"), n("-3")));
        v.put("product", values(
                Map.of("id", "p1", "name", "Tokyo Bag", "price", n("3800")),
                Map.of("id", "p2", "name", "東京バッグ", "tags", List.of("new")),
                Map.of("id", n("3")),
                mapWithNull("name"),
                List.of(Map.of("id", "p1")),
                "p1"));
        List<Object> deliveries = new ArrayList<>();
        for (LocalDate date : dates) {
            deliveries.add(date.toString());
        }
        deliveries.add("2024-13");
        v.put("delivery_date", deliveries);
        v.put("gift", values(true, false, "false"));
        v.put("note", values("abc", "a|b", "line\nbreak", "東京", "x_y", "123", "", "50%_off", "🍣"));
        return v;
    }

    private static List<List<String>> paths(Map<String, List<Object>> vocabulary, List<List<String>> nested) {
        List<List<String>> result = new ArrayList<>();
        vocabulary.keySet().forEach(key -> result.add(List.of(key)));
        result.addAll(nested);
        return List.copyOf(result);
    }

    /** The candidate JSON values at a path (descending into objects), arrays flattened one level. */
    List<Object> valuesAt(Map<String, List<Object>> vocabulary, List<String> path) {
        List<Object> current = vocabulary.getOrDefault(path.get(0), List.of());
        for (String key : path.subList(1, path.size())) {
            List<Object> next = new ArrayList<>();
            for (Object value : current) {
                if (value instanceof Map<?, ?> map && map.containsKey(key)) {
                    next.add(map.get(key));
                }
            }
            current = next;
        }
        return current;
    }

    static void collectScalars(Object value, Set<String> strings, Set<BigDecimal> numbers, Set<Boolean> booleans) {
        if (value instanceof String text) {
            strings.add(text);
        } else if (value instanceof BigDecimal number) {
            numbers.add(number);
        } else if (value instanceof Boolean bool && booleans != null) {
            booleans.add(bool);
        } else if (value instanceof List<?> list) {
            list.forEach(item -> collectScalars(item, strings, numbers, booleans));
        } else if (value instanceof Map<?, ?> map) {
            map.values().forEach(item -> collectScalars(item, strings, numbers, booleans));
        }
    }

    static BigDecimal n(String text) {
        return new BigDecimal(text);
    }

    private static List<Object> values(Object... values) {
        return Arrays.asList(values);
    }

    private static Map<String, Object> mapWithNull(String key) {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put(key, null);
        return map;
    }
}
