package io.kizuna.condition;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import io.kizuna.condition.Condition.EventCount;
import io.kizuna.condition.Condition.EventWindow;
import io.kizuna.condition.Condition.PropertyFilter;

/**
 * Random, valid conditions of every kind, with every operator each subject allows (per
 * condition-spec.md), whose values come mostly from the round's vocabularies so that equals, in,
 * contains, starts_with, matches, date and window tests actually hit the generated data.
 */
final class ConditionGenerator {

    static final int MAX_DEPTH = 4;
    private static final int MAX_NODES = 60;

    static final List<Operator> JSON_OPS = List.of(Operator.EXISTS, Operator.MISSING, Operator.EQUALS, Operator.NOT_EQUALS, Operator.IN,
            Operator.NOT_IN, Operator.GT, Operator.GTE, Operator.LT, Operator.LTE, Operator.BETWEEN, Operator.CONTAINS, Operator.NOT_CONTAINS,
            Operator.STARTS_WITH, Operator.ENDS_WITH, Operator.MATCHES, Operator.IS_TRUE, Operator.IS_FALSE, Operator.BEFORE, Operator.AFTER,
            Operator.WITHIN_LAST, Operator.MORE_THAN_AGO, Operator.MONTH);
    static final List<Operator> NUMBER_OPS = List.of(Operator.EQUALS, Operator.NOT_EQUALS, Operator.GT, Operator.GTE, Operator.LT,
            Operator.LTE, Operator.BETWEEN, Operator.IN, Operator.NOT_IN, Operator.EXISTS, Operator.MISSING);
    static final List<Operator> TIME_OPS = List.of(Operator.BEFORE, Operator.AFTER, Operator.BETWEEN, Operator.WITHIN_LAST,
            Operator.MORE_THAN_AGO, Operator.DAY_OF_WEEK, Operator.MONTH, Operator.EXISTS, Operator.MISSING);
    static final List<ComputedField> TIMESTAMP_FIELDS = List.of(ComputedField.values()).stream()
            .filter(field -> field.type() == ComputedField.FieldType.TIMESTAMP && field != ComputedField.CHANNEL_LAST_ACTIVITY_AT).toList();
    static final List<String> ACTIVITY_CHANNELS = List.of("web", "mobile", "line", "email", "store", "sms", "messenger");
    static final List<List<String>> ANNIVERSARY_PATHS = List.of(List.of("birthday"), List.of("birthday"), List.of("birthday"), List.of("contract_end"),
            List.of("contract_end"), List.of("signup"), List.of("last_visit"), List.of("nickname"), List.of("address", "city"), List.of("unknown"));
    private static final List<String> BUCKET_SEEDS = List.of("holdout-2026", "ab-test", "東京", "x");
    private static final List<Integer> BUCKETS = List.of(1, 2, 3, 10, 100, 10000);
    private static final List<Integer> ANNIVERSARY_DAYS = List.of(0, 1, 3, 7, 10, 30, 40);
    private static final List<BigDecimal> SMALL_NUMBERS = List.of(new BigDecimal("0"), new BigDecimal("1"), new BigDecimal("2"),
            new BigDecimal("3"), new BigDecimal("-1"), new BigDecimal("1.5"), new BigDecimal("5"), new BigDecimal("100"),
            new BigDecimal("100000"), new BigDecimal("3.5"), new BigDecimal("0.1"), new BigDecimal("7.25"));

    private final SeededRandom random;
    private final GenerationWorld world;
    private int nodes;

    ConditionGenerator(SeededRandom random, GenerationWorld world) {
        this.random = random;
        this.world = world;
    }

    Condition next() {
        nodes = 0;
        return node(0);
    }

    private Condition node(int depth) {
        nodes++;
        boolean composite = depth < MAX_DEPTH && nodes < MAX_NODES && random.chance(depth == 0 ? 0.65 : 0.3);
        if (!composite) {
            return leaf();
        }
        int kind = random.weighted(4, 4, 2);
        if (kind == 2) {
            return new Condition.Not(node(depth + 1));
        }
        int size = random.chance(0.05) ? 0 : random.between(1, 4);
        List<Condition> children = new ArrayList<>();
        for (int i = 0; i < size && nodes < MAX_NODES; i++) {
            children.add(node(depth + 1));
        }
        return kind == 0 ? new Condition.All(children) : new Condition.Any(children);
    }

    Condition leaf() {
        return switch (random.weighted(24, 18, 4, 4, 18, 8, 6, 5, 8, 3)) {
            case 0 -> trait();
            case 1 -> computed();
            case 2 -> new Condition.HasTag(random.chance(0.9) ? random.pick(GenerationWorld.TAGS) : "ghost");
            case 3 -> new Condition.InSegment(random.chance(0.85) ? random.pick(world.segments) : random.uuid());
            case 4 -> event();
            case 5 -> lastEvent();
            case 6 -> new Condition.Consent(random.pick(GenerationWorld.CONSENT_CHANNELS), random.chance(0.6) ? "" : "newsletter",
                    random.pick(List.of(Condition.ConsentStatus.values())));
            case 7 -> new Condition.Reachable(random.pick(List.of(Channel.values())));
            case 8 -> anniversary();
            default -> randomBucket();
        };
    }

    // ---- traits and property filters ----

    private Condition trait() {
        List<String> path = random.pick(world.traitPaths);
        Operator op = random.pick(JSON_OPS);
        return new Condition.Trait(path, op, jsonValue(op, world.valuesAt(world.traitVocabulary, path)));
    }

    PropertyFilter filter() {
        List<String> path = random.pick(world.propertyPaths);
        Operator op = random.pick(JSON_OPS);
        return new PropertyFilter(path, op, jsonValue(op, world.valuesAt(world.propertyVocabulary, path)));
    }

    private Value jsonValue(Operator op, List<Object> candidates) {
        Set<String> strings = new LinkedHashSet<>();
        Set<BigDecimal> numbers = new LinkedHashSet<>();
        Set<Boolean> booleans = new LinkedHashSet<>();
        candidates.forEach(value -> GenerationWorld.collectScalars(value, strings, numbers, booleans));
        return switch (op) {
            case EXISTS, MISSING, IS_TRUE, IS_FALSE -> null;
            case EQUALS, NOT_EQUALS -> scalar(strings, numbers, booleans);
            case CONTAINS, NOT_CONTAINS -> random.chance(0.4) ? new Value.Text(fragment(strings)) : scalar(strings, numbers, booleans);
            case IN, NOT_IN -> {
                List<Value> items = new ArrayList<>();
                int size = random.between(1, 4);
                for (int i = 0; i < size; i++) {
                    items.add(scalar(strings, numbers, booleans));
                }
                yield new Value.ListOf(items);
            }
            case GT, GTE, LT, LTE -> new Value.Number(number(numbers));
            case BETWEEN -> random.chance(0.55)
                    ? numberPair(numbers)
                    : datePair();
            case STARTS_WITH, ENDS_WITH -> new Value.Text(switch (random.weighted(4, 3, 3)) {
                case 0 -> text(strings);
                case 1 -> op == Operator.STARTS_WITH ? prefix(text(strings)) : suffix(text(strings));
                default -> fragment(strings);
            });
            case MATCHES -> new Value.Text(random.pick(GenerationWorld.REGEXES));
            case BEFORE, AFTER -> new Value.Date(world.date(random));
            case WITHIN_LAST, MORE_THAN_AGO -> new Value.Duration(span(true));
            case MONTH -> months();
            default -> throw new IllegalStateException("not a JSON operator: " + op);
        };
    }

    private Value scalar(Set<String> strings, Set<BigDecimal> numbers, Set<Boolean> booleans) {
        int kind = random.weighted(strings.isEmpty() ? 2 : 6, numbers.isEmpty() ? 2 : 5, booleans.isEmpty() ? 1 : 3);
        return switch (kind) {
            case 0 -> new Value.Text(text(strings));
            case 1 -> new Value.Number(number(numbers));
            default -> new Value.Bool(booleans.isEmpty() || random.chance(0.3) ? random.chance(0.5) : random.pick(List.copyOf(booleans)));
        };
    }

    private String text(Set<String> strings) {
        if (!strings.isEmpty() && random.chance(0.8)) {
            return random.pick(List.copyOf(strings));
        }
        return random.pick(world.strings);
    }

    private BigDecimal number(Set<BigDecimal> numbers) {
        if (!numbers.isEmpty() && random.chance(0.75)) {
            return random.pick(List.copyOf(numbers));
        }
        return random.chance(0.5) ? random.pick(world.numbers) : random.pick(SMALL_NUMBERS);
    }

    /** A substring of a vocabulary string (or a whole one), for contains. */
    private String fragment(Set<String> strings) {
        String text = text(strings);
        int length = text.codePointCount(0, text.length());
        if (length == 0 || random.chance(0.3)) {
            return text;
        }
        int from = random.between(0, length - 1);
        return codePoints(text, from, random.between(from + 1, length));
    }

    private String prefix(String text) {
        int length = text.codePointCount(0, text.length());
        return length == 0 ? text : codePoints(text, 0, random.between(1, length));
    }

    private String suffix(String text) {
        int length = text.codePointCount(0, text.length());
        return length == 0 ? text : codePoints(text, random.between(0, length - 1), length);
    }

    /** Code points [from, to) of the text, so an emoji is never cut in half. */
    private static String codePoints(String text, int from, int to) {
        return text.substring(text.offsetByCodePoints(0, from), text.offsetByCodePoints(0, to));
    }

    private Value numberPair(Set<BigDecimal> numbers) {
        BigDecimal a = number(numbers);
        BigDecimal b = number(numbers);
        if (a.compareTo(b) > 0) {
            BigDecimal t = a;
            a = b;
            b = t;
        }
        return new Value.ListOf(List.of(new Value.Number(a), new Value.Number(b)));
    }

    private Value datePair() {
        LocalDate a = world.date(random);
        LocalDate b = random.chance(0.15) ? a : world.date(random);
        if (a.isAfter(b)) {
            LocalDate t = a;
            a = b;
            b = t;
        }
        return new Value.ListOf(List.of(new Value.Date(a), new Value.Date(b)));
    }

    private Value months() {
        Set<Integer> months = new LinkedHashSet<>();
        if (random.chance(0.5)) {
            months.add(world.today.getMonthValue());
        }
        int size = random.between(1, 3);
        while (months.size() < size) {
            months.add(random.between(1, 12));
        }
        return numbers(months);
    }

    private Value daysOfWeek() {
        Set<Integer> days = new LinkedHashSet<>();
        if (random.chance(0.5)) {
            days.add(world.today.getDayOfWeek().getValue());
        }
        int size = random.between(1, 3);
        while (days.size() < size) {
            days.add(random.between(1, 7));
        }
        return numbers(days);
    }

    private static Value numbers(Set<Integer> items) {
        return new Value.ListOf(items.stream().sorted().map(i -> (Value) new Value.Number(BigDecimal.valueOf(i))).toList());
    }

    Span span(boolean calendarOnly) {
        List<Span.Unit> units = calendarOnly
                ? List.of(Span.Unit.DAYS, Span.Unit.WEEKS, Span.Unit.MONTHS, Span.Unit.YEARS)
                : List.of(Span.Unit.values());
        long amount = random.chance(0.8) ? random.pick(GenerationWorld.AMOUNTS) : random.between(1, 400);
        return new Span(amount, random.pick(units));
    }

    // ---- computed traits ----

    private Condition computed() {
        ComputedField field = random.pick(List.of(ComputedField.values()));
        String channel = field == ComputedField.CHANNEL_LAST_ACTIVITY_AT ? random.pick(ACTIVITY_CHANNELS) : null;
        if (field.type() == ComputedField.FieldType.TIMESTAMP) {
            Operator op = random.pick(TIME_OPS);
            return new Condition.Computed(field, channel, op, timeValue(op));
        }
        Operator op = random.pick(NUMBER_OPS);
        Set<BigDecimal> observed = world.computedNumbers.getOrDefault(field, Set.of());
        Value value = switch (op) {
            case EXISTS, MISSING -> null;
            case EQUALS, NOT_EQUALS, GT, GTE, LT, LTE -> new Value.Number(computedNumber(observed));
            case BETWEEN -> {
                BigDecimal a = computedNumber(observed);
                BigDecimal b = computedNumber(observed);
                if (a.compareTo(b) > 0) {
                    BigDecimal t = a;
                    a = b;
                    b = t;
                }
                yield new Value.ListOf(List.of(new Value.Number(a), new Value.Number(b)));
            }
            case IN, NOT_IN -> {
                List<Value> items = new ArrayList<>();
                int size = random.between(1, 4);
                for (int i = 0; i < size; i++) {
                    items.add(new Value.Number(computedNumber(observed)));
                }
                yield new Value.ListOf(items);
            }
            default -> throw new IllegalStateException(op.json());
        };
        return new Condition.Computed(field, channel, op, value);
    }

    private BigDecimal computedNumber(Set<BigDecimal> observed) {
        if (!observed.isEmpty() && random.chance(0.7)) {
            return random.pick(List.copyOf(observed));
        }
        return random.pick(SMALL_NUMBERS);
    }

    private Value timeValue(Operator op) {
        return switch (op) {
            case EXISTS, MISSING -> null;
            case BEFORE, AFTER -> random.chance(0.5) ? new Value.Date(world.date(random)) : new Value.Timestamp(world.conditionInstant(random));
            case BETWEEN -> {
                if (random.chance(0.5)) {
                    yield datePair();
                }
                Instant a = world.conditionInstant(random);
                Instant b = random.chance(0.1) ? a : world.conditionInstant(random);
                if (a.isAfter(b)) {
                    Instant t = a;
                    a = b;
                    b = t;
                }
                yield new Value.ListOf(List.of(new Value.Timestamp(a), new Value.Timestamp(b)));
            }
            case WITHIN_LAST, MORE_THAN_AGO -> new Value.Duration(span(false));
            case DAY_OF_WEEK -> daysOfWeek();
            case MONTH -> months();
            default -> throw new IllegalStateException(op.json());
        };
    }

    // ---- events ----

    private String eventName() {
        return random.chance(0.95) ? GenerationWorld.EVENT_NAMES.get(random.weighted(5, 4, 3, 1, 1)) : "Never Happened";
    }

    private List<PropertyFilter> filters() {
        int count = random.weighted(50, 35, 15);
        List<PropertyFilter> filters = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            filters.add(filter());
        }
        return filters;
    }

    private Condition event() {
        String name = eventName();
        List<PropertyFilter> where = filters();
        EventWindow window = switch (random.weighted(25, 30, 25, 20)) {
            case 0 -> new EventWindow.Ever();
            case 1 -> new EventWindow.WithinLast(span(false));
            case 2 -> {
                Instant a = world.conditionInstant(random);
                Instant b = world.conditionInstant(random);
                if (a.isAfter(b)) {
                    Instant t = a;
                    a = b;
                    b = t;
                }
                yield switch (random.weighted(2, 1, 1)) {
                    case 0 -> new EventWindow.Between(a, b);
                    case 1 -> new EventWindow.Between(a, null);
                    default -> new EventWindow.Between(null, b);
                };
            }
            default -> new EventWindow.SinceEvent(random.chance(0.9) ? GenerationWorld.EVENT_NAMES.get(random.weighted(5, 4, 3, 1, 1))
                    : "Never Happened");
        };
        EventCount count = switch (random.weighted(30, 15, 15, 15, 25)) {
            case 0 -> new EventCount(Condition.CountOp.AT_LEAST, 1);
            case 1 -> new EventCount(Condition.CountOp.AT_LEAST, random.between(2, 3));
            case 2 -> new EventCount(Condition.CountOp.AT_MOST, random.between(1, 3));
            case 3 -> new EventCount(Condition.CountOp.EXACTLY, random.between(0, 3));
            default -> new EventCount(Condition.CountOp.AT_MOST, 0);
        };
        return new Condition.Event(name, where, window, count);
    }

    private Condition lastEvent() {
        Operator op = random.pick(TIME_OPS);
        return new Condition.LastEvent(eventName(), filters(), op, timeValue(op));
    }

    // ---- anniversaries and buckets ----

    private Condition anniversary() {
        Condition.FieldRef field = random.chance(0.55)
                ? Condition.FieldRef.trait(random.pick(ANNIVERSARY_PATHS))
                : Condition.FieldRef.computed(random.pick(TIMESTAMP_FIELDS));
        Condition.AnniversaryWhen when = random.pick(List.of(Condition.AnniversaryWhen.values()));
        int days = 0;
        if (when == Condition.AnniversaryWhen.IN_DAYS || when == Condition.AnniversaryWhen.DAYS_BEFORE) {
            days = switch (random.weighted(4, 3, 3)) {
                case 0 -> random.pick(ANNIVERSARY_DAYS);
                case 1 -> random.between(0, 40);
                default -> (int) world.today.until(random.pick(world.anniversaryTargets()), java.time.temporal.ChronoUnit.DAYS);
            };
        }
        return new Condition.Anniversary(field, when, days);
    }

    private Condition randomBucket() {
        int buckets = random.chance(0.8) ? random.pick(BUCKETS) : random.between(1, 10000);
        int from = random.between(0, buckets - 1);
        int to = random.chance(0.2) ? from : random.between(from, buckets - 1);
        return new Condition.RandomBucket(random.pick(BUCKET_SEEDS), buckets, from, to);
    }
}
