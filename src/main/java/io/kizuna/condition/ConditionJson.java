package io.kizuna.condition;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import io.kizuna.common.error.BadInputException;
import io.kizuna.common.error.FieldViolation;
import io.kizuna.common.time.IsoInstants;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * Reads the JSON form of a {@link Condition} (see the condition language contract) into the AST,
 * checking every node against the typing rules and limits, and writes the AST back in its
 * canonical form, so that {@code read(write(c))} equals {@code c}.
 *
 * <p>Reading reports every problem at once, each at the path of the offending JSON field
 * ({@code conditions.all[2].event.window.withinLast.unit}), so a UI can mark all of them together.
 */
public final class ConditionJson {

    static final int MAX_DEPTH = 12;
    static final int MAX_NODES = 200;
    static final int MAX_STRING_LENGTH = 1000;
    static final int MAX_LIST_SIZE = 1000;
    static final int MAX_FILTERS = 20;
    static final int MAX_PATH_KEYS = 10;
    static final int MAX_PATH_KEY_LENGTH = 100;
    static final int MAX_TAG_LENGTH = 100;
    static final int MAX_EVENT_NAME_LENGTH = 200;
    static final int MAX_TOPIC_LENGTH = 100;
    static final int MAX_ACTIVITY_CHANNEL_LENGTH = 50;
    static final int MAX_DURATION_AMOUNT = 100_000;
    static final int MAX_EVENT_COUNT = 1_000_000;
    static final int MAX_ANNIVERSARY_DAYS = 366;
    static final int MAX_SEED_LENGTH = 100;
    static final int MAX_BUCKETS = 10_000;

    private static final List<String> KINDS = List.of("all", "any", "not", "trait", "computed", "tag", "segment", "event",
            "lastEvent", "consent", "reachable", "anniversary", "random");
    private static final List<String> DAY_NAMES = List.of("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday");
    private static final Pattern DATE = Pattern.compile("[0-9]{4}-[0-9]{2}-[0-9]{2}");
    private static final Pattern UUID_TEXT = Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
    private static final Pattern ACTIVITY_CHANNEL = Pattern.compile("[a-z0-9_]{1," + MAX_ACTIVITY_CHANNEL_LENGTH + "}");

    private ConditionJson() {
    }

    /**
     * The condition in {@code json}: plain Java JSON (maps, lists, strings, numbers, booleans,
     * null) or Vert.x {@link JsonObject}/{@link JsonArray}.
     *
     * @param rootPath the name of the field that holds the condition, the first part of every violation path
     * @throws BadInputException listing every violation when the JSON is not a valid condition
     */
    public static Condition read(Object json, String rootPath) {
        Reader reader = new Reader();
        Condition condition = reader.condition(json, rootPath == null ? "" : rootPath, 1);
        if (!reader.violations.isEmpty()) {
            throw new BadInputException(reader.violations);
        }
        return condition;
    }

    /** The canonical JSON form of the condition as plain Java maps, lists, strings, BigDecimals and Booleans. */
    public static Object write(Condition condition) {
        Objects.requireNonNull(condition, "condition");
        if (condition instanceof Condition.All all) {
            return jsonObject("all", all.conditions().stream().map(ConditionJson::write).collect(Collectors.toCollection(ArrayList::new)));
        }
        if (condition instanceof Condition.Any any) {
            return jsonObject("any", any.conditions().stream().map(ConditionJson::write).collect(Collectors.toCollection(ArrayList::new)));
        }
        if (condition instanceof Condition.Not not) {
            return jsonObject("not", write(not.condition()));
        }
        if (condition instanceof Condition.Trait trait) {
            return jsonObject("trait", comparison(jsonObject("path", String.join(".", trait.path())), trait.op(), trait.value()));
        }
        if (condition instanceof Condition.Computed computed) {
            Map<String, Object> body = jsonObject("field", computed.field().json());
            if (computed.channel() != null) {
                body.put("channel", computed.channel());
            }
            return jsonObject("computed", comparison(body, computed.op(), computed.value()));
        }
        if (condition instanceof Condition.HasTag tag) {
            return jsonObject("tag", tag.tag());
        }
        if (condition instanceof Condition.InSegment segment) {
            return jsonObject("segment", segment.segmentId().toString());
        }
        if (condition instanceof Condition.Event event) {
            Map<String, Object> body = jsonObject("name", event.name());
            putFilters(body, event.where());
            if (!(event.window() instanceof Condition.EventWindow.Ever)) {
                body.put("window", writeWindow(event.window()));
            }
            body.put("count", writeCount(event.count()));
            return jsonObject("event", body);
        }
        if (condition instanceof Condition.LastEvent last) {
            Map<String, Object> body = jsonObject("name", last.name());
            putFilters(body, last.where());
            return jsonObject("lastEvent", comparison(body, last.op(), last.value()));
        }
        if (condition instanceof Condition.Consent consent) {
            Map<String, Object> body = jsonObject("channel", consent.channel());
            if (consent.topic() != null && !consent.topic().isEmpty()) {
                body.put("topic", consent.topic());
            }
            body.put("status", lower(consent.status()));
            return jsonObject("consent", body);
        }
        if (condition instanceof Condition.Reachable reachable) {
            return jsonObject("reachable", reachable.channel().json());
        }
        if (condition instanceof Condition.Anniversary anniversary) {
            Condition.FieldRef field = anniversary.field();
            Map<String, Object> body = field.computed() != null
                    ? jsonObject("computed", field.computed().json())
                    : jsonObject("trait", String.join(".", field.traitPath()));
            putTiming(body, anniversary.when(), anniversary.days());
            return jsonObject("anniversary", body);
        }
        if (condition instanceof Condition.RandomBucket random) {
            Map<String, Object> body = jsonObject("seed", random.seed());
            body.put("buckets", BigDecimal.valueOf(random.buckets()));
            body.put("from", BigDecimal.valueOf(random.from()));
            body.put("to", BigDecimal.valueOf(random.to()));
            return jsonObject("random", body);
        }
        throw new IllegalArgumentException("unknown condition " + condition.getClass().getName());
    }

    // ---------------------------------------------------------------- writing

    private static Map<String, Object> comparison(Map<String, Object> body, Operator op, Value value) {
        body.put("op", op.json());
        if (value != null) {
            body.put("value", writeValue(value));
        }
        return body;
    }

    private static void putFilters(Map<String, Object> body, List<Condition.PropertyFilter> where) {
        if (where.isEmpty()) {
            return;
        }
        List<Object> filters = new ArrayList<>();
        for (Condition.PropertyFilter filter : where) {
            filters.add(comparison(jsonObject("path", String.join(".", filter.path())), filter.op(), filter.value()));
        }
        body.put("where", filters);
    }

    private static void putTiming(Map<String, Object> body, Condition.AnniversaryWhen when, int days) {
        body.put("when", lower(when));
        if (needsDays(when)) {
            body.put("days", BigDecimal.valueOf(days));
        }
    }

    private static Object writeWindow(Condition.EventWindow window) {
        if (window instanceof Condition.EventWindow.WithinLast within) {
            return jsonObject("withinLast", writeSpan(within.span()));
        }
        if (window instanceof Condition.EventWindow.Between between) {
            Map<String, Object> bounds = new LinkedHashMap<>();
            if (between.from() != null) {
                bounds.put("from", between.from().toString());
            }
            if (between.to() != null) {
                bounds.put("to", between.to().toString());
            }
            return jsonObject("between", bounds);
        }
        if (window instanceof Condition.EventWindow.SinceEvent since) {
            return jsonObject("since", since.name());
        }
        throw new IllegalArgumentException("no JSON for the window " + window);
    }

    private static Object writeCount(Condition.EventCount count) {
        String key = switch (count.op()) {
            case AT_LEAST -> "atLeast";
            case AT_MOST -> "atMost";
            case EXACTLY -> "exactly";
        };
        return jsonObject(key, BigDecimal.valueOf(count.times()));
    }

    private static Object writeValue(Value value) {
        if (value instanceof Value.Text text) {
            return text.value();
        }
        if (value instanceof Value.Number number) {
            return number.value();
        }
        if (value instanceof Value.Bool bool) {
            return bool.value();
        }
        if (value instanceof Value.Date date) {
            return date.value().toString();
        }
        if (value instanceof Value.Timestamp timestamp) {
            return timestamp.value().toString();
        }
        if (value instanceof Value.Duration duration) {
            return writeSpan(duration.span());
        }
        if (value instanceof Value.ListOf list) {
            return list.values().stream().map(ConditionJson::writeValue).collect(Collectors.toCollection(ArrayList::new));
        }
        throw new IllegalArgumentException("unknown value " + value);
    }

    private static Map<String, Object> writeSpan(Span span) {
        Map<String, Object> body = jsonObject("amount", BigDecimal.valueOf(span.amount()));
        body.put("unit", span.unit().json());
        return body;
    }

    /** A mutable JSON object with its first member, so writers can add the rest in canonical order. */
    private static Map<String, Object> jsonObject(String key, Object value) {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put(key, value);
        return map;
    }

    // ---------------------------------------------------------------- reading

    /** What an operator is applied to; decides which operators and values are allowed. */
    private enum Subject {
        TRAIT("traits", except(Operator.DAY_OF_WEEK)),
        PROPERTY("event property filters", except(Operator.DAY_OF_WEEK, Operator.ANNIVERSARY)),
        NUMBER_FIELD("number fields", List.of(Operator.EQUALS, Operator.NOT_EQUALS, Operator.GT, Operator.GTE, Operator.LT,
                Operator.LTE, Operator.BETWEEN, Operator.IN, Operator.NOT_IN, Operator.EXISTS, Operator.MISSING)),
        TIMESTAMP_FIELD("timestamp fields", List.of(Operator.BEFORE, Operator.AFTER, Operator.BETWEEN, Operator.WITHIN_LAST,
                Operator.MORE_THAN_AGO, Operator.DAY_OF_WEEK, Operator.MONTH, Operator.EXISTS, Operator.MISSING, Operator.ANNIVERSARY)),
        LAST_EVENT("lastEvent", List.of(Operator.BEFORE, Operator.AFTER, Operator.BETWEEN, Operator.WITHIN_LAST,
                Operator.MORE_THAN_AGO, Operator.DAY_OF_WEEK, Operator.MONTH, Operator.EXISTS, Operator.MISSING));

        private final String label;
        /** In the order an operator menu would list them. */
        private final List<Operator> operators;

        Subject(String label, List<Operator> operators) {
            this.label = label;
            this.operators = operators;
        }

        private static List<Operator> except(Operator... excluded) {
            Set<Operator> operators = EnumSet.allOf(Operator.class);
            operators.removeAll(List.of(excluded));
            return List.copyOf(operators);
        }

        /** Values are calendar dates compared as text, as in traits, rather than instants. */
        boolean datesAreCalendarDays() {
            return this == TRAIT || this == PROPERTY;
        }

        String operatorNames() {
            return operators.stream().map(Operator::json).collect(Collectors.joining(", "));
        }
    }

    private record Timing(Condition.AnniversaryWhen when, int days) {
    }

    /** One read of a condition: walks the JSON, builds the AST and collects every violation. */
    private static final class Reader {
        private final List<FieldViolation> violations = new ArrayList<>();
        private int nodes;
        private boolean depthReported;
        private boolean sizeReported;

        Condition condition(Object raw, String at, int depth) {
            Object json = plain(raw);
            if (depth > MAX_DEPTH) {
                if (!depthReported) {
                    depthReported = true;
                    report(at, "conditions may nest at most " + MAX_DEPTH + " levels deep; flatten this one or move part of it into a segment");
                }
                return null;
            }
            if (++nodes > MAX_NODES && !sizeReported) {
                sizeReported = true;
                report(at, "a condition may have at most " + MAX_NODES + " nodes; move part of it into a segment and refer to it with {\"segment\": id}");
            }
            String kinds = String.join(", ", KINDS);
            if (!(json instanceof Map<?, ?> node)) {
                report(at, "must be an object with one key, one of " + kinds + "; got " + typeName(json));
                return null;
            }
            if (node.size() != 1) {
                report(at, node.isEmpty()
                        ? "must have one key, one of " + kinds
                        : "must have exactly one key, one of " + kinds + "; got " + node.size() + ": " + keys(node));
                return null;
            }
            Map.Entry<?, ?> entry = node.entrySet().iterator().next();
            String kind = String.valueOf(entry.getKey());
            Object body = plain(entry.getValue());
            String here = key(at, kind);
            return switch (kind) {
                case "all" -> group(body, here, depth, Condition.All::new);
                case "any" -> group(body, here, depth, Condition.Any::new);
                case "not" -> not(body, here, depth);
                case "trait" -> trait(body, here);
                case "computed" -> computed(body, here);
                case "tag" -> tag(body, here);
                case "segment" -> segment(body, here);
                case "event" -> event(body, here);
                case "lastEvent" -> lastEvent(body, here);
                case "consent" -> consent(body, here);
                case "reachable" -> reachable(body, here);
                case "anniversary" -> anniversary(body, here);
                case "random" -> random(body, here);
                default -> {
                    report(here, "unknown condition '" + clip(kind) + "'; use one of " + kinds);
                    yield null;
                }
            };
        }

        private Condition group(Object body, String at, int depth, Function<List<Condition>, Condition> make) {
            if (!(body instanceof List<?> items)) {
                report(at, "must be a list of conditions; got " + typeName(body));
                return null;
            }
            int mark = violations.size();
            List<Condition> children = new ArrayList<>(items.size());
            for (int i = 0; i < items.size(); i++) {
                children.add(condition(items.get(i), index(at, i), depth + 1));
            }
            return violations.size() > mark ? null : make.apply(children);
        }

        private Condition not(Object body, String at, int depth) {
            Condition child = condition(body, at, depth + 1);
            return child == null ? null : new Condition.Not(child);
        }

        private Condition trait(Object body, String at) {
            Map<?, ?> node = object(body, at, "an object such as {\"path\": \"address.city\", \"op\": \"equals\", \"value\": \"Tokyo\"}");
            if (node == null) {
                return null;
            }
            int mark = violations.size();
            onlyKeys(node, at, "path", "op", "value");
            List<String> path = path(get(node, "path"), key(at, "path"));
            Operator op = operator(get(node, "op"), key(at, "op"), Subject.TRAIT);
            if (op == Operator.ANNIVERSARY) {
                Timing timing = anniversaryValue(get(node, "value"), key(at, "value"));
                return violations.size() > mark ? null : new Condition.Anniversary(Condition.FieldRef.trait(path), timing.when(), timing.days());
            }
            Value value = op == null ? null : value(Subject.TRAIT, op, get(node, "value"), key(at, "value"));
            return violations.size() > mark ? null : new Condition.Trait(path, op, value);
        }

        private Condition computed(Object body, String at) {
            Map<?, ?> node = object(body, at, "an object such as {\"field\": \"order_count\", \"op\": \"gte\", \"value\": 2}");
            if (node == null) {
                return null;
            }
            int mark = violations.size();
            onlyKeys(node, at, "field", "channel", "op", "value");
            ComputedField field = computedField(get(node, "field"), key(at, "field"));
            String channel = null;
            Object channelJson = get(node, "channel");
            if (field == ComputedField.CHANNEL_LAST_ACTIVITY_AT) {
                channel = activityChannel(channelJson, key(at, "channel"));
            } else if (field != null && channelJson != null) {
                report(key(at, "channel"), "is only used with channel_last_activity_at; remove it");
            }
            if (field == null) {
                return null;
            }
            Subject subject = field.type() == ComputedField.FieldType.NUMBER ? Subject.NUMBER_FIELD : Subject.TIMESTAMP_FIELD;
            Operator op = operator(get(node, "op"), key(at, "op"), subject);
            if (op == Operator.ANNIVERSARY) {
                if (field == ComputedField.CHANNEL_LAST_ACTIVITY_AT) {
                    report(key(at, "op"), "anniversary is not available for channel_last_activity_at");
                }
                Timing timing = anniversaryValue(get(node, "value"), key(at, "value"));
                return violations.size() > mark ? null : new Condition.Anniversary(Condition.FieldRef.computed(field), timing.when(), timing.days());
            }
            Value value = op == null ? null : value(subject, op, get(node, "value"), key(at, "value"));
            return violations.size() > mark ? null : new Condition.Computed(field, channel, op, value);
        }

        private Condition tag(Object body, String at) {
            String tag = text(body, at, 1, MAX_TAG_LENGTH, "a tag name of 1 to " + MAX_TAG_LENGTH + " characters");
            return tag == null ? null : new Condition.HasTag(tag);
        }

        private Condition segment(Object body, String at) {
            if (body instanceof String text && UUID_TEXT.matcher(text).matches()) {
                return new Condition.InSegment(UUID.fromString(text));
            }
            report(at, "must be a segment id, a UUID such as 2b1c7a9e-5d3f-4c1a-9e8b-0f6d2a4c8e1b; got " + describe(body));
            return null;
        }

        private Condition event(Object body, String at) {
            Map<?, ?> node = object(body, at,
                    "an object such as {\"name\": \"Product Added\", \"window\": {\"withinLast\": {\"amount\": 3, \"unit\": \"hours\"}}}");
            if (node == null) {
                return null;
            }
            int mark = violations.size();
            onlyKeys(node, at, "name", "where", "window", "count");
            String name = eventName(get(node, "name"), key(at, "name"));
            List<Condition.PropertyFilter> where = filters(get(node, "where"), key(at, "where"));
            Condition.EventWindow window = window(get(node, "window"), key(at, "window"));
            Condition.EventCount count = count(get(node, "count"), key(at, "count"));
            return violations.size() > mark ? null : new Condition.Event(name, where, window, count);
        }

        private Condition lastEvent(Object body, String at) {
            Map<?, ?> node = object(body, at,
                    "an object such as {\"name\": \"Order Completed\", \"op\": \"within_last\", \"value\": {\"amount\": 30, \"unit\": \"days\"}}");
            if (node == null) {
                return null;
            }
            int mark = violations.size();
            onlyKeys(node, at, "name", "where", "op", "value");
            String name = eventName(get(node, "name"), key(at, "name"));
            List<Condition.PropertyFilter> where = filters(get(node, "where"), key(at, "where"));
            Operator op = operator(get(node, "op"), key(at, "op"), Subject.LAST_EVENT);
            Value value = op == null ? null : value(Subject.LAST_EVENT, op, get(node, "value"), key(at, "value"));
            return violations.size() > mark ? null : new Condition.LastEvent(name, where, op, value);
        }

        private Condition consent(Object body, String at) {
            Map<?, ?> node = object(body, at, "an object such as {\"channel\": \"email\", \"topic\": \"newsletter\", \"status\": \"granted\"}");
            if (node == null) {
                return null;
            }
            int mark = violations.size();
            onlyKeys(node, at, "channel", "topic", "status");
            Channel channel = channel(get(node, "channel"), key(at, "channel"));
            Object topicJson = get(node, "topic");
            String topic = topicJson == null ? "" : text(topicJson, key(at, "topic"), 0, MAX_TOPIC_LENGTH,
                    "a topic of at most " + MAX_TOPIC_LENGTH + " characters (leave it out for the channel as a whole)");
            Condition.ConsentStatus status = oneOf(get(node, "status"), key(at, "status"), Condition.ConsentStatus.class);
            return violations.size() > mark ? null : new Condition.Consent(channel.json(), topic, status);
        }

        private Condition reachable(Object body, String at) {
            Channel channel = channel(body, at);
            return channel == null ? null : new Condition.Reachable(channel);
        }

        private Condition anniversary(Object body, String at) {
            Map<?, ?> node = object(body, at, "an object such as {\"trait\": \"birthday\", \"when\": \"today\"}");
            if (node == null) {
                return null;
            }
            int mark = violations.size();
            onlyKeys(node, at, "trait", "computed", "when", "days");
            Object traitJson = get(node, "trait");
            Object computedJson = get(node, "computed");
            Condition.FieldRef field = null;
            if (traitJson != null && computedJson != null) {
                report(at, "give either trait or computed, not both");
            } else if (traitJson != null) {
                field = Condition.FieldRef.trait(path(traitJson, key(at, "trait")));
            } else if (computedJson != null) {
                field = Condition.FieldRef.computed(anniversaryField(computedJson, key(at, "computed")));
            } else {
                report(at, "needs trait (a path such as birthday) or computed (a timestamp field such as first_order_at)");
            }
            Timing timing = timing(node, at);
            return violations.size() > mark ? null : new Condition.Anniversary(field, timing.when(), timing.days());
        }

        private Condition random(Object body, String at) {
            Map<?, ?> node = object(body, at, "an object such as {\"seed\": \"holdout-2026\", \"buckets\": 100, \"from\": 0, \"to\": 9}");
            if (node == null) {
                return null;
            }
            int mark = violations.size();
            onlyKeys(node, at, "seed", "buckets", "from", "to");
            String seed = text(get(node, "seed"), key(at, "seed"), 1, MAX_SEED_LENGTH, "a seed of 1 to " + MAX_SEED_LENGTH + " characters");
            Long buckets = whole(get(node, "buckets"), key(at, "buckets"), 1, MAX_BUCKETS);
            long lastBucket = buckets == null ? MAX_BUCKETS - 1 : buckets - 1;
            Long from = whole(get(node, "from"), key(at, "from"), 0, lastBucket);
            Long to = whole(get(node, "to"), key(at, "to"), 0, lastBucket);
            if (from != null && to != null && from > to) {
                report(key(at, "to"), "must not be less than from (" + from + ")");
            }
            return violations.size() > mark ? null
                    : new Condition.RandomBucket(seed, buckets.intValue(), from.intValue(), to.intValue());
        }

        // ------------------------------------------------------------ parts of leaves

        private Operator operator(Object json, String at, Subject subject) {
            String allowed = "one of " + subject.operatorNames();
            if (json == null) {
                report(at, "is required: " + allowed);
                return null;
            }
            if (!(json instanceof String name)) {
                report(at, "must be " + allowed + "; got " + typeName(json));
                return null;
            }
            Operator op = Operator.fromJson(name);
            if (op == null) {
                report(at, "unknown operator '" + clip(name) + "'; use " + allowed);
                return null;
            }
            if (!subject.operators.contains(op)) {
                String why = subject == Subject.TRAIT && op == Operator.DAY_OF_WEEK
                        ? "day_of_week is not available on traits: trait dates are calendar days without a time zone"
                        : name + " is not available on " + subject.label;
                report(at, why + "; use " + allowed);
                return null;
            }
            return op;
        }

        private Value value(Subject subject, Operator op, Object json, String at) {
            String name = op.json();
            if (op.takesNoValue()) {
                if (json != null) {
                    report(at, name + " takes no value; remove it");
                }
                return null;
            }
            String needs = name + " needs " + expectation(subject, op);
            if (json == null) {
                report(at, needs);
                return null;
            }
            return switch (op) {
                case EQUALS, NOT_EQUALS, CONTAINS, NOT_CONTAINS -> subject == Subject.NUMBER_FIELD
                        ? number(json, at, needs)
                        : scalar(json, at, needs);
                case GT, GTE, LT, LTE -> number(json, at, needs);
                case IN, NOT_IN -> subject == Subject.NUMBER_FIELD
                        ? list(json, at, needs, (item, itemAt) -> number(item, itemAt, "must be a number"))
                        : list(json, at, needs, (item, itemAt) -> scalar(item, itemAt, "must be a string, number or boolean"));
                case BETWEEN -> between(subject, json, at, needs);
                case STARTS_WITH, ENDS_WITH -> string(json, at, needs);
                case MATCHES -> regex(json, at, needs);
                case BEFORE, AFTER -> subject.datesAreCalendarDays() ? calendarDate(json, at, needs) : dateOrTimestamp(json, at, needs);
                case WITHIN_LAST, MORE_THAN_AGO -> {
                    Span span = duration(json, at, needs, subject.datesAreCalendarDays());
                    yield span == null ? null : new Value.Duration(span);
                }
                case DAY_OF_WEEK -> numbered(json, at, needs, 7, DAY_NAMES,
                        "must be a day from 1 to 7 (Monday = 1) or a lowercase day name such as monday");
                case MONTH -> numbered(json, at, needs, 12, List.of(), "must be a month from 1 to 12");
                default -> throw new IllegalStateException("no value rule for " + op);
            };
        }

        private static String expectation(Subject subject, Operator op) {
            boolean calendar = subject.datesAreCalendarDays();
            return switch (op) {
                case EQUALS, NOT_EQUALS -> subject == Subject.NUMBER_FIELD ? "a number" : "a string, number or boolean";
                case CONTAINS, NOT_CONTAINS -> "a string, number or boolean";
                case GT, GTE, LT, LTE -> "a number";
                case IN, NOT_IN -> subject == Subject.NUMBER_FIELD
                        ? "a list of 1 to " + MAX_LIST_SIZE + " numbers"
                        : "a list of 1 to " + MAX_LIST_SIZE + " strings, numbers or booleans";
                case BETWEEN -> switch (subject) {
                    case NUMBER_FIELD -> "a list of two numbers [from, to]";
                    case TRAIT, PROPERTY -> "a list of two numbers or two dates (YYYY-MM-DD) [from, to]";
                    default -> "a list of two dates (YYYY-MM-DD) or two timestamps [from, to]";
                };
                case STARTS_WITH, ENDS_WITH -> "a string";
                case MATCHES -> "a regular expression (a string)";
                case BEFORE, AFTER -> calendar
                        ? "a date (YYYY-MM-DD)"
                        : "a date (YYYY-MM-DD) or a timestamp with offset such as 2026-01-31T09:00:00Z";
                case WITHIN_LAST, MORE_THAN_AGO -> calendar
                        ? "a duration in days, weeks, months or years such as {\"amount\": 30, \"unit\": \"days\"}"
                        : "a duration such as {\"amount\": 3, \"unit\": \"hours\"}";
                case DAY_OF_WEEK -> "a list of days from 1 to 7 (Monday = 1) or day names such as \"monday\"";
                case MONTH -> "a list of months from 1 to 12";
                case ANNIVERSARY -> "an object such as {\"when\": \"today\"} or {\"when\": \"in_days\", \"days\": 7}";
                default -> "no value";
            };
        }

        private Value scalar(Object json, String at, String needs) {
            if (json instanceof String text) {
                return checkedText(text, at);
            }
            if (json instanceof Boolean bool) {
                return new Value.Bool(bool);
            }
            BigDecimal number = decimal(json);
            if (number != null) {
                return new Value.Number(number);
            }
            report(at, needs + "; got " + typeName(json));
            return null;
        }

        private Value number(Object json, String at, String needs) {
            BigDecimal number = decimal(json);
            if (number == null) {
                report(at, needs + "; got " + typeName(json));
                return null;
            }
            return new Value.Number(number);
        }

        private Value string(Object json, String at, String needs) {
            if (json instanceof String text) {
                return checkedText(text, at);
            }
            report(at, needs + "; got " + typeName(json));
            return null;
        }

        private Value checkedText(String text, String at) {
            if (text.length() > MAX_STRING_LENGTH) {
                report(at, "must be at most " + MAX_STRING_LENGTH + " characters; got " + text.length());
                return null;
            }
            return new Value.Text(text);
        }

        private Value regex(Object json, String at, String needs) {
            if (!(json instanceof String pattern)) {
                report(at, needs + "; got " + typeName(json));
                return null;
            }
            String problem = SafeRegex.validate(pattern);
            if (problem != null) {
                report(at, problem);
                return null;
            }
            return new Value.Text(pattern);
        }

        private Value list(Object json, String at, String needs, BiFunction<Object, String, Value> item) {
            List<?> items = sizedList(json, at, needs);
            if (items == null) {
                return null;
            }
            int mark = violations.size();
            List<Value> values = new ArrayList<>(items.size());
            for (int i = 0; i < items.size(); i++) {
                values.add(item.apply(plain(items.get(i)), index(at, i)));
            }
            return violations.size() > mark ? null : new Value.ListOf(values);
        }

        private List<?> sizedList(Object json, String at, String needs) {
            if (!(json instanceof List<?> items)) {
                report(at, needs + "; got " + typeName(json));
                return null;
            }
            if (items.isEmpty() || items.size() > MAX_LIST_SIZE) {
                report(at, needs + "; got " + items.size() + " items");
                return null;
            }
            return items;
        }

        /** Whole numbers from 1 to {@code max}, or (for days of the week) their names, as numbers. */
        private Value numbered(Object json, String at, String needs, int max, List<String> names, String itemRule) {
            return list(json, at, needs, (item, itemAt) -> {
                int named = item instanceof String name ? names.indexOf(name) : -1;
                if (named >= 0) {
                    return new Value.Number(BigDecimal.valueOf(named + 1L));
                }
                Long number = wholeNumber(item);
                if (number == null || number < 1 || number > max) {
                    report(itemAt, itemRule + "; got " + describe(item));
                    return null;
                }
                return new Value.Number(BigDecimal.valueOf(number));
            });
        }

        private Value between(Subject subject, Object json, String at, String needs) {
            if (!(json instanceof List<?> items) || items.size() != 2) {
                report(at, needs + "; got " + (json instanceof List<?> other ? other.size() + " items" : typeName(json)));
                return null;
            }
            Value from = bound(subject, plain(items.get(0)), index(at, 0));
            Value to = bound(subject, plain(items.get(1)), index(at, 1));
            if (from == null || to == null) {
                return null;
            }
            if (from.getClass() != to.getClass()) {
                report(at, "between needs two bounds of the same kind; got a " + from.typeName() + " and a " + to.typeName());
                return null;
            }
            if (compare(from, to) > 0) {
                report(at, "between needs [from, to] with from <= to; got from after to");
                return null;
            }
            return new Value.ListOf(List.of(from, to));
        }

        private Value bound(Subject subject, Object json, String at) {
            return switch (subject) {
                case NUMBER_FIELD -> number(json, at, "must be a number");
                case TRAIT, PROPERTY -> json instanceof String
                        ? calendarDate(json, at, "must be a number or a date (YYYY-MM-DD)")
                        : number(json, at, "must be a number or a date (YYYY-MM-DD)");
                default -> dateOrTimestamp(json, at, "must be a date (YYYY-MM-DD) or a timestamp with offset such as 2026-01-31T09:00:00Z");
            };
        }

        /** A date as traits and event properties compare them: by calendar day, so a timestamp is refused rather than cut. */
        private Value calendarDate(Object json, String at, String needs) {
            if (!(json instanceof String text)) {
                report(at, needs + "; got " + typeName(json));
                return null;
            }
            LocalDate date = date(text);
            if (date != null) {
                return new Value.Date(date);
            }
            if (IsoInstants.parse(text) != null) {
                report(at, "trait and property dates compare by calendar day; use a date such as 2026-01-31, not a timestamp");
            } else {
                report(at, needs + "; got " + describe(text));
            }
            return null;
        }

        private Value dateOrTimestamp(Object json, String at, String needs) {
            if (json instanceof String text) {
                LocalDate date = date(text);
                if (date != null) {
                    return new Value.Date(date);
                }
                Instant instant = IsoInstants.parse(text);
                if (instant != null) {
                    return new Value.Timestamp(instant);
                }
            }
            report(at, needs + "; got " + describe(json));
            return null;
        }

        private Span duration(Object json, String at, String needs, boolean calendarOnly) {
            if (!(json instanceof Map<?, ?> node)) {
                report(at, needs + "; got " + typeName(json));
                return null;
            }
            onlyKeys(node, at, "amount", "unit");
            Long amount = whole(get(node, "amount"), key(at, "amount"), 1, MAX_DURATION_AMOUNT);
            Span.Unit unit = unit(get(node, "unit"), key(at, "unit"), calendarOnly);
            return amount == null || unit == null ? null : new Span(amount, unit);
        }

        private Span.Unit unit(Object json, String at, boolean calendarOnly) {
            Stream<Span.Unit> allowed = Arrays.stream(Span.Unit.values()).filter(unit -> !calendarOnly || unit.calendar());
            String rule = "one of " + allowed.map(Span.Unit::json).collect(Collectors.joining(", "));
            if (json == null) {
                report(at, "is required: " + rule);
                return null;
            }
            Span.Unit unit = json instanceof String name ? Span.Unit.fromJson(name) : null;
            if (unit == null) {
                report(at, "must be " + rule);
                return null;
            }
            if (calendarOnly && !unit.calendar()) {
                report(at, "must be " + rule + ": trait and property dates have no time of day");
                return null;
            }
            return unit;
        }

        private List<String> path(Object json, String at) {
            String rule = "a dot-separated path of 1 to " + MAX_PATH_KEYS + " keys such as address.city";
            if (json == null) {
                report(at, "is required: " + rule);
                return null;
            }
            if (!(json instanceof String text)) {
                report(at, "must be " + rule + "; got " + typeName(json));
                return null;
            }
            List<String> keys = List.of(text.split("\\.", -1));
            if (keys.size() > MAX_PATH_KEYS) {
                report(at, "must have at most " + MAX_PATH_KEYS + " keys; got " + keys.size());
                return null;
            }
            if (keys.stream().anyMatch(String::isEmpty)) {
                report(at, text.isEmpty() ? "must not be empty: " + rule : "has an empty key; separate keys with single dots, such as address.city");
                return null;
            }
            if (keys.stream().anyMatch(key -> key.length() > MAX_PATH_KEY_LENGTH)) {
                report(at, "keys may have at most " + MAX_PATH_KEY_LENGTH + " characters");
                return null;
            }
            return keys;
        }

        private ComputedField computedField(Object json, String at) {
            if (json == null) {
                report(at, "is required: a computed field such as order_count; see GET /v1/conditions/catalog");
                return null;
            }
            ComputedField field = json instanceof String name ? ComputedField.fromJson(name) : null;
            if (field == null) {
                report(at, json instanceof String name
                        ? "unknown computed field '" + clip(name) + "'; see GET /v1/conditions/catalog"
                        : "must be a computed field name such as order_count; got " + typeName(json));
            }
            return field;
        }

        private ComputedField anniversaryField(Object json, String at) {
            ComputedField field = computedField(json, at);
            if (field == null) {
                return null;
            }
            if (field.type() != ComputedField.FieldType.TIMESTAMP) {
                report(at, "must be a timestamp field such as first_order_at; " + field.json() + " is a number");
                return null;
            }
            if (field == ComputedField.CHANNEL_LAST_ACTIVITY_AT) {
                report(at, "channel_last_activity_at needs a channel and cannot be an anniversary; use another timestamp field");
                return null;
            }
            return field;
        }

        private String activityChannel(Object json, String at) {
            String rule = "a channel of 1 to " + MAX_ACTIVITY_CHANNEL_LENGTH + " lowercase letters, digits or underscores, such as line or web";
            if (json == null) {
                report(at, "is required for channel_last_activity_at: " + rule);
                return null;
            }
            if (json instanceof String name && ACTIVITY_CHANNEL.matcher(name).matches()) {
                return name;
            }
            report(at, "must be " + rule + "; got " + describe(json));
            return null;
        }

        private Channel channel(Object json, String at) {
            Channel channel = json instanceof String name ? Channel.fromJson(name) : null;
            if (channel == null) {
                String names = Arrays.stream(Channel.values()).map(Channel::json).collect(Collectors.joining(", "));
                report(at, (json == null ? "is required: one of " : "must be one of ") + names + (json == null ? "" : "; got " + describe(json)));
            }
            return channel;
        }

        private String eventName(Object json, String at) {
            return text(json, at, 1, MAX_EVENT_NAME_LENGTH, "an event name of 1 to " + MAX_EVENT_NAME_LENGTH + " characters");
        }

        private List<Condition.PropertyFilter> filters(Object json, String at) {
            if (json == null) {
                return List.of();
            }
            if (!(json instanceof List<?> items)) {
                report(at, "must be a list of property filters such as {\"path\": \"price\", \"op\": \"gt\", \"value\": 100}; got " + typeName(json));
                return null;
            }
            if (items.size() > MAX_FILTERS) {
                report(at, "may have at most " + MAX_FILTERS + " filters; got " + items.size());
                return null;
            }
            int mark = violations.size();
            List<Condition.PropertyFilter> filters = new ArrayList<>(items.size());
            for (int i = 0; i < items.size(); i++) {
                filters.add(filter(plain(items.get(i)), index(at, i)));
            }
            return violations.size() > mark ? null : filters;
        }

        private Condition.PropertyFilter filter(Object json, String at) {
            Map<?, ?> node = object(json, at, "a property filter such as {\"path\": \"price\", \"op\": \"gt\", \"value\": 100}");
            if (node == null) {
                return null;
            }
            int mark = violations.size();
            onlyKeys(node, at, "path", "op", "value");
            List<String> path = path(get(node, "path"), key(at, "path"));
            Operator op = operator(get(node, "op"), key(at, "op"), Subject.PROPERTY);
            Value value = op == null ? null : value(Subject.PROPERTY, op, get(node, "value"), key(at, "value"));
            return violations.size() > mark ? null : new Condition.PropertyFilter(path, op, value);
        }

        private Condition.EventWindow window(Object json, String at) {
            if (json == null) {
                return new Condition.EventWindow.Ever();
            }
            String rule = "an object with one key: withinLast, between or since";
            if (!(json instanceof Map<?, ?> node) || node.size() != 1) {
                report(at, "must be " + rule + "; got " + (json instanceof Map<?, ?> other ? other.size() + " keys" : typeName(json)));
                return null;
            }
            Map.Entry<?, ?> entry = node.entrySet().iterator().next();
            String kind = String.valueOf(entry.getKey());
            Object body = plain(entry.getValue());
            String here = key(at, kind);
            switch (kind) {
                case "withinLast" -> {
                    Span span = duration(body, here, "must be a duration such as {\"amount\": 3, \"unit\": \"hours\"}", false);
                    return span == null ? null : new Condition.EventWindow.WithinLast(span);
                }
                case "between" -> {
                    return betweenWindow(body, here);
                }
                case "since" -> {
                    String name = eventName(body, here);
                    return name == null ? null : new Condition.EventWindow.SinceEvent(name);
                }
                default -> {
                    report(here, "unknown window '" + clip(kind) + "'; use withinLast, between or since");
                    return null;
                }
            }
        }

        private Condition.EventWindow betweenWindow(Object json, String at) {
            Map<?, ?> node = object(json, at, "an object such as {\"from\": \"2026-01-01T00:00:00Z\", \"to\": \"2026-02-01T00:00:00Z\"}");
            if (node == null) {
                return null;
            }
            int mark = violations.size();
            onlyKeys(node, at, "from", "to");
            Instant from = eventTime(get(node, "from"), key(at, "from"));
            Instant to = eventTime(get(node, "to"), key(at, "to"));
            if (violations.size() > mark) {
                return null;
            }
            if (from == null && to == null) {
                report(at, "needs from, to or both");
                return null;
            }
            if (from != null && to != null && from.isAfter(to)) {
                report(at, "needs from <= to; got from after to");
                return null;
            }
            return new Condition.EventWindow.Between(from, to);
        }

        /** An optional bound of an event window; events happen at instants, so a bare date is refused. */
        private Instant eventTime(Object json, String at) {
            if (json == null) {
                return null;
            }
            Instant instant = json instanceof String text ? IsoInstants.parse(text) : null;
            if (instant == null) {
                report(at, "must be a timestamp with offset such as 2026-01-31T00:00:00Z; got " + describe(json));
            }
            return instant;
        }

        private Condition.EventCount count(Object json, String at) {
            if (json == null) {
                return new Condition.EventCount(Condition.CountOp.AT_LEAST, 1);
            }
            if ("never".equals(json)) {
                return new Condition.EventCount(Condition.CountOp.AT_MOST, 0);
            }
            String rule = "\"never\" or an object with one key: atLeast, atMost or exactly, such as {\"atLeast\": 2}";
            if (!(json instanceof Map<?, ?> node) || node.size() != 1) {
                report(at, "must be " + rule + "; got " + (json instanceof Map<?, ?> other ? other.size() + " keys" : describe(json)));
                return null;
            }
            Map.Entry<?, ?> entry = node.entrySet().iterator().next();
            String kind = String.valueOf(entry.getKey());
            Object body = plain(entry.getValue());
            String here = key(at, kind);
            Condition.CountOp op = switch (kind) {
                case "atLeast" -> Condition.CountOp.AT_LEAST;
                case "atMost" -> Condition.CountOp.AT_MOST;
                case "exactly" -> Condition.CountOp.EXACTLY;
                default -> null;
            };
            if (op == null) {
                report(here, "unknown count '" + clip(kind) + "'; use atLeast, atMost or exactly");
                return null;
            }
            Long times = whole(body, here, op == Condition.CountOp.AT_LEAST ? 1 : 0, MAX_EVENT_COUNT);
            return times == null ? null : new Condition.EventCount(op, times.intValue());
        }

        private Timing anniversaryValue(Object json, String at) {
            Map<?, ?> node = object(json, at, expectation(Subject.TRAIT, Operator.ANNIVERSARY));
            if (node == null) {
                return null;
            }
            onlyKeys(node, at, "when", "days");
            return timing(node, at);
        }

        private Timing timing(Map<?, ?> node, String at) {
            Condition.AnniversaryWhen when = oneOf(get(node, "when"), key(at, "when"), Condition.AnniversaryWhen.class);
            Object daysJson = get(node, "days");
            String daysAt = key(at, "days");
            if (when != null && needsDays(when) && daysJson == null) {
                report(daysAt, lower(when) + " needs days, a whole number from 0 to " + MAX_ANNIVERSARY_DAYS);
                return null;
            }
            if (when != null && !needsDays(when) && daysJson != null) {
                report(daysAt, "is only used with in_days and days_before; remove it");
                return null;
            }
            if (daysJson == null) {
                return new Timing(when, 0);
            }
            Long days = whole(daysJson, daysAt, 0, MAX_ANNIVERSARY_DAYS);
            return days == null ? null : new Timing(when, days.intValue());
        }

        // ------------------------------------------------------------ generic checks

        private Map<?, ?> object(Object json, String at, String expectation) {
            if (json instanceof Map<?, ?> node) {
                return node;
            }
            report(at, "must be " + expectation + "; got " + typeName(json));
            return null;
        }

        private void onlyKeys(Map<?, ?> node, String at, String... allowed) {
            List<String> known = List.of(allowed);
            for (Object name : node.keySet()) {
                String key = String.valueOf(name);
                if (!known.contains(key)) {
                    report(key(at, key), "unknown key; use " + String.join(", ", allowed));
                }
            }
        }

        private String text(Object json, String at, int min, int max, String rule) {
            if (json == null) {
                report(at, "is required: " + rule);
                return null;
            }
            if (!(json instanceof String text)) {
                report(at, "must be " + rule + "; got " + typeName(json));
                return null;
            }
            if (text.length() < min || text.length() > max) {
                report(at, "must be " + rule + "; got " + text.length() + " characters");
                return null;
            }
            return text;
        }

        private Long whole(Object json, String at, long min, long max) {
            String rule = "a whole number from " + min + " to " + max;
            if (json == null) {
                report(at, "is required: " + rule);
                return null;
            }
            Long number = wholeNumber(json);
            if (number == null || number < min || number > max) {
                report(at, "must be " + rule + "; got " + describe(json));
                return null;
            }
            return number;
        }

        private <E extends Enum<E>> E oneOf(Object json, String at, Class<E> type) {
            E[] constants = type.getEnumConstants();
            for (E constant : constants) {
                if (lower(constant).equals(json)) {
                    return constant;
                }
            }
            String names = Arrays.stream(constants).map(ConditionJson::lower).collect(Collectors.joining(", "));
            report(at, json == null ? "is required: one of " + names : "must be one of " + names + "; got " + describe(json));
            return null;
        }

        private void report(String at, String message) {
            violations.add(new FieldViolation(at, message));
        }
    }

    // ---------------------------------------------------------------- JSON helpers

    /** Vert.x wrappers as the maps and lists they hold. */
    private static Object plain(Object json) {
        if (json instanceof JsonObject object) {
            return object.getMap();
        }
        if (json instanceof JsonArray array) {
            return array.getList();
        }
        return json;
    }

    private static Object get(Map<?, ?> node, String key) {
        return plain(node.get(key));
    }

    private static BigDecimal decimal(Object json) {
        if (json instanceof BigDecimal decimal) {
            return decimal;
        }
        if (json instanceof Integer || json instanceof Long || json instanceof Short || json instanceof Byte) {
            return BigDecimal.valueOf(((Number) json).longValue());
        }
        if (json instanceof BigInteger integer) {
            return new BigDecimal(integer);
        }
        if (json instanceof Number number) {
            try {
                return new BigDecimal(number.toString());
            } catch (NumberFormatException notFinite) {
                return null;
            }
        }
        return null;
    }

    private static Long wholeNumber(Object json) {
        BigDecimal number = decimal(json);
        if (number == null || number.signum() != 0 && number.stripTrailingZeros().scale() > 0) {
            return null;
        }
        try {
            return number.longValueExact();
        } catch (ArithmeticException tooLarge) {
            return null;
        }
    }

    private static LocalDate date(String text) {
        if (!DATE.matcher(text).matches()) {
            return null;
        }
        try {
            return LocalDate.parse(text);
        } catch (DateTimeParseException impossible) {
            return null;
        }
    }

    private static int compare(Value a, Value b) {
        if (a instanceof Value.Number x && b instanceof Value.Number y) {
            return x.value().compareTo(y.value());
        }
        if (a instanceof Value.Date x && b instanceof Value.Date y) {
            return x.value().compareTo(y.value());
        }
        if (a instanceof Value.Timestamp x && b instanceof Value.Timestamp y) {
            return x.value().compareTo(y.value());
        }
        throw new IllegalArgumentException("cannot compare " + a + " with " + b);
    }

    private static boolean needsDays(Condition.AnniversaryWhen when) {
        return when == Condition.AnniversaryWhen.IN_DAYS || when == Condition.AnniversaryWhen.DAYS_BEFORE;
    }

    private static String lower(Enum<?> constant) {
        return constant.name().toLowerCase(Locale.ROOT);
    }

    private static String key(String at, String key) {
        return at.isEmpty() ? key : at + "." + key;
    }

    private static String index(String at, int index) {
        return at + "[" + index + "]";
    }

    private static String typeName(Object json) {
        if (json == null) {
            return "null";
        }
        if (json instanceof String) {
            return "string";
        }
        if (json instanceof Boolean) {
            return "boolean";
        }
        if (json instanceof Number) {
            return "number";
        }
        if (json instanceof Map) {
            return "object";
        }
        if (json instanceof List) {
            return "list";
        }
        return json.getClass().getSimpleName();
    }

    /** A short rendering of an offending value: strings and numbers themselves, anything else by its type. */
    private static String describe(Object json) {
        if (json instanceof String text) {
            return "\"" + clip(text) + "\"";
        }
        if (json instanceof Number) {
            BigDecimal number = decimal(json);
            return number == null ? "number" : clip(number.toPlainString());
        }
        return typeName(json);
    }

    private static String clip(String text) {
        return text.length() <= 40 ? text : text.substring(0, 40) + "…";
    }

    private static String keys(Map<?, ?> node) {
        return node.keySet().stream().map(String::valueOf).map(ConditionJson::clip).collect(Collectors.joining(", "));
    }
}
