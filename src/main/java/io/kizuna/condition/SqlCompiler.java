package io.kizuna.condition;

import java.math.BigDecimal;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import io.kizuna.common.time.StoredMicros;
import io.kizuna.condition.Condition.CountOp;
import io.kizuna.condition.Condition.EventCount;
import io.kizuna.condition.Condition.EventWindow;
import io.kizuna.condition.Condition.PropertyFilter;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * The SQL engine: compiles a condition into a boolean expression over {@code profiles p}, to be
 * used as {@code ... FROM profiles p WHERE p.workspace_id = $1 AND (<sql>)}. It implements the
 * same semantics as {@link ConditionMatcher} (see the condition language contract).
 *
 * <p>Every value is a parameter with an explicit cast; only fixed SQL text and the column
 * expressions of {@link ComputedField} are written literally. Every leaf is two-valued (never
 * NULL), so NOT and the negative operators are plain negations. Casts sit behind a type test in a
 * CASE, because PostgreSQL does not promise the evaluation order of AND. Sub-queries are
 * uncorrelated, so they plan as semi/anti-joins at the top level and as hashed sub-plans under OR
 * and NOT.
 */
public final class SqlCompiler {

    private static final String TEXT = "text";
    private static final String NUMERIC = "numeric";
    private static final String FLOAT8 = "float8";
    private static final String INT = "int";
    private static final String BIGINT = "bigint";
    private static final String JSONB = "jsonb";
    private static final String TIMESTAMPTZ = "timestamptz";
    private static final String DATE = "date";
    private static final String UUID_TYPE = "uuid";
    private static final String TEXT_ARRAY = "text[]";
    private static final String INT_ARRAY = "int[]";
    private static final String NUMERIC_ARRAY = "numeric[]";
    private static final String FLOAT8_ARRAY = "float8[]";

    private static final String DATE_LIKE_PATTERN = "'^[0-9]{4}-[0-9]{2}-[0-9]{2}'";

    private final EvaluationContext context;
    private final List<Object> params = new ArrayList<>();
    /** The same scalar with the same cast is bound once ($now, the zone, repeated path keys). */
    private final Map<SharedParameter, String> placeholders = new HashMap<>();
    /** Event name → an instant its last occurrence is known to be at or after (see {@link #withSiblingBounds}). */
    private Map<String, Instant> sinceBounds = Map.of();

    private record SharedParameter(Object value, String type) {
    }

    private SqlCompiler(EvaluationContext context) {
        this.context = context;
    }

    public static CompiledCondition compile(Condition condition, EvaluationContext context) {
        SqlCompiler compiler = new SqlCompiler(context);
        String sql = compiler.condition(condition);
        return new CompiledCondition(sql, compiler.params);
    }

    private String condition(Condition condition) {
        if (condition instanceof Condition.All all) {
            Map<String, Instant> outer = sinceBounds;
            sinceBounds = withSiblingBounds(outer, all.conditions());
            try {
                return junction(all.conditions(), " AND ", "true");
            } finally {
                sinceBounds = outer;
            }
        }
        if (condition instanceof Condition.Any any) {
            return junction(any.conditions(), " OR ", "false");
        }
        if (condition instanceof Condition.Not not) {
            return "NOT (" + condition(not.condition()) + ")";
        }
        if (condition instanceof Condition.Trait trait) {
            return jsonTest("p.traits", trait.path(), trait.op(), trait.value());
        }
        if (condition instanceof Condition.Computed computed) {
            return computed(computed);
        }
        if (condition instanceof Condition.HasTag tag) {
            return "p.id IN (SELECT t.profile_id FROM profile_tags t WHERE t.workspace_id = $1 AND t.tag = "
                    + param(tag.tag(), TEXT) + ")";
        }
        if (condition instanceof Condition.InSegment segment) {
            return "p.id IN (SELECT m.profile_id FROM segment_members m WHERE m.workspace_id = $1 AND m.segment_id = "
                    + param(segment.segmentId(), UUID_TYPE) + ")";
        }
        if (condition instanceof Condition.Event event) {
            return event(event);
        }
        if (condition instanceof Condition.LastEvent last) {
            return lastEvent(last);
        }
        if (condition instanceof Condition.Consent consent) {
            return consent(consent);
        }
        if (condition instanceof Condition.Reachable reachable) {
            return reachable(reachable.channel());
        }
        if (condition instanceof Condition.Anniversary anniversary) {
            return anniversary(anniversary);
        }
        if (condition instanceof Condition.RandomBucket random) {
            return randomBucket(random);
        }
        throw new IllegalArgumentException("unknown condition " + condition);
    }

    /**
     * Inside an {@code all} that also requires "E at least once since T", the profile's last E is
     * at or after T whenever that sibling holds, and when it does not the whole {@code all} is
     * false anyway. So a "since E" window anywhere below may look for the last E only from T on,
     * which lets PostgreSQL skip older partitions instead of reading every E of the profile's
     * history. The answer is unchanged.
     */
    private Map<String, Instant> withSiblingBounds(Map<String, Instant> outer, List<Condition> siblings) {
        Map<String, Instant> bounds = new HashMap<>(outer);
        for (Condition sibling : siblings) {
            if (!(sibling instanceof Condition.Event event) || !impliesOccurrence(event.count())) {
                continue;
            }
            Instant from = null;
            if (event.window() instanceof EventWindow.WithinLast last) {
                from = last.span().before(context.now(), context.zone());
            } else if (event.window() instanceof EventWindow.Between between) {
                from = between.from();
            }
            if (from != null) {
                bounds.merge(event.name(), from, (a, b) -> a.isAfter(b) ? a : b);
            }
        }
        return bounds;
    }

    private static boolean impliesOccurrence(EventCount count) {
        return (count.op() == CountOp.AT_LEAST || count.op() == CountOp.EXACTLY) && count.times() >= 1;
    }

    private String junction(List<Condition> children, String operator, String whenEmpty) {
        if (children.isEmpty()) {
            return whenEmpty;
        }
        List<String> parts = new ArrayList<>();
        for (Condition child : children) {
            parts.add(condition(child));
        }
        return "(" + String.join(operator, parts) + ")";
    }

    // ---- traits and event properties (JSON values) ----

    /** A trait or property test; {@code root} is the jsonb column ({@code p.traits}, {@code e.properties}). */
    private String jsonTest(String root, List<String> path, Operator op, Value value) {
        Operator positive = op.negated();
        if (positive != null) {
            return "NOT (" + jsonTest(root, path, positive, value) + ")";
        }
        // Containment of the nested document is exactly "v = value" for a scalar (1 = 1.0, and a
        // scalar inside a nested array does not match), and a GIN index on the column can serve it.
        if (op == Operator.EQUALS) {
            Object scalar = jsonScalar(value);
            return scalar == null ? "false" : root + " @> " + param(nestedDocument(path, scalar), JSONB);
        }
        if (op == Operator.IS_TRUE || op == Operator.IS_FALSE) {
            return root + " @> " + param(nestedDocument(path, op == Operator.IS_TRUE), JSONB);
        }
        if (op == Operator.CONTAINS && jsonScalar(value) == null) {
            return "false";
        }
        String v = jsonAt(root, path);
        String asText = textAt(root, path);
        return switch (op) {
            case EXISTS -> "coalesce(jsonb_typeof(" + v + ") <> 'null', false)";
            case IN -> {
                JsonArray items = new JsonArray();
                for (Value item : list(value, op).values()) {
                    Object scalar = jsonScalar(item);
                    if (scalar != null) {
                        items.add(scalar);
                    }
                }
                yield "CASE WHEN jsonb_typeof(" + v + ") IN ('string', 'number', 'boolean') THEN "
                        + param(items, JSONB) + " @> jsonb_build_array(" + v + ") ELSE false END";
            }
            case GT, GTE, LT, LTE -> whenNumber(v, "(" + v + ")::numeric " + comparison(op) + " " + param(number(value, op), NUMERIC));
            case BETWEEN -> jsonBetween(v, asText, list(value, op));
            case CONTAINS -> jsonContains(v, asText, value);
            case STARTS_WITH -> whenString(v, "starts_with(" + asText + ", " + param(text(value, op), TEXT) + ")");
            case ENDS_WITH -> {
                String suffix = param(text(value, op), TEXT);
                yield whenString(v, "right(" + asText + ", length(" + suffix + ")) = " + suffix);
            }
            case MATCHES -> whenString(v, asText + " ~ " + param(SafeRegex.normalize(text(value, op)), TEXT));
            case BEFORE -> whenDateLike(v, asText, dateOf(asText) + " < " + param(date(value, op).toString(), TEXT));
            case AFTER -> whenDateLike(v, asText, dateOf(asText) + " > " + param(date(value, op).toString(), TEXT));
            case WITHIN_LAST -> {
                LocalDate today = context.today();
                String from = param(duration(value, op).before(today).toString(), TEXT);
                yield whenDateLike(v, asText, dateOf(asText) + " >= " + from + " AND " + dateOf(asText) + " <= " + param(today.toString(), TEXT));
            }
            case MORE_THAN_AGO -> whenDateLike(v, asText,
                    dateOf(asText) + " < " + param(duration(value, op).before(context.today()).toString(), TEXT));
            case MONTH -> whenDateLike(v, asText, "substr(" + asText + ", 6, 2) = ANY(" + param(twoDigits(integers(value, op)), TEXT_ARRAY) + ")");
            default -> throw new IllegalArgumentException(op.json() + " does not apply to traits or event properties");
        };
    }

    /** The value at a path of object keys; {@code ->} with a text key gives NULL on arrays and scalars, as the spec wants. */
    /** The value at the path as text, like {@code jsonAt(...) #>> '{}'} but with one operator fewer per row. */
    private String textAt(String root, List<String> path) {
        StringBuilder sql = new StringBuilder("(").append(root);
        for (int i = 0; i < path.size(); i++) {
            sql.append(i == path.size() - 1 ? " ->> " : " -> ").append(param(path.get(i), TEXT));
        }
        return sql.append(")").toString();
    }

    private String jsonAt(String root, List<String> path) {
        StringBuilder sql = new StringBuilder("(").append(root);
        for (String key : path) {
            sql.append(" -> ").append(param(key, TEXT));
        }
        return sql.append(")").toString();
    }

    private static JsonObject nestedDocument(List<String> path, Object leaf) {
        Object document = leaf;
        for (int i = path.size() - 1; i >= 0; i--) {
            document = new JsonObject().put(path.get(i), document);
        }
        return (JsonObject) document;
    }

    /** The JSON scalar a value stands for in equals, in and contains; null for values that never equal a JSON value. */
    private static Object jsonScalar(Value value) {
        if (value instanceof Value.Text text) {
            return text.value();
        }
        if (value instanceof Value.Number number) {
            return number.value();
        }
        if (value instanceof Value.Bool bool) {
            return bool.value();
        }
        return null;
    }

    private String jsonBetween(String v, String asText, Value.ListOf bounds) {
        Value low = bound(bounds, 0);
        Value high = bound(bounds, 1);
        if (low instanceof Value.Number from && high instanceof Value.Number to) {
            return whenNumber(v, "(" + v + ")::numeric BETWEEN " + param(from.value(), NUMERIC) + " AND " + param(to.value(), NUMERIC));
        }
        if (low instanceof Value.Date from && high instanceof Value.Date to) {
            return whenDateLike(v, asText, dateOf(asText) + " >= " + param(from.value().toString(), TEXT)
                    + " AND " + dateOf(asText) + " <= " + param(to.value().toString(), TEXT));
        }
        throw new IllegalArgumentException("between takes two numbers or two dates");
    }

    private String jsonContains(String v, String asText, Value value) {
        String inArray = v + " @> " + param(new JsonArray().add(jsonScalar(value)), JSONB);
        if (value instanceof Value.Text needle) {
            return "CASE jsonb_typeof(" + v + ") WHEN 'string' THEN strpos(" + asText + ", " + param(needle.value(), TEXT)
                    + ") > 0 WHEN 'array' THEN " + inArray + " ELSE false END";
        }
        return "CASE WHEN jsonb_typeof(" + v + ") = 'array' THEN " + inArray + " ELSE false END";
    }

    private static String whenNumber(String v, String test) {
        return "CASE WHEN jsonb_typeof(" + v + ") = 'number' THEN " + test + " ELSE false END";
    }

    private static String whenString(String v, String test) {
        return "CASE WHEN jsonb_typeof(" + v + ") = 'string' THEN " + test + " ELSE false END";
    }

    /**
     * A text test on a date-like string. The test only compares text, so it is safe on any string
     * and runs before the regular expression: over a million profiles, "birthday this month" then
     * runs the expression on the twelfth that pass instead of on every one.
     */
    private static String whenDateLike(String v, String asText, String textTest) {
        return "CASE WHEN " + textTest + " THEN jsonb_typeof(" + v + ") = 'string' AND " + asText + " ~ " + DATE_LIKE_PATTERN + " ELSE false END";
    }

    /** Months as the two digits of a date-like string: 1 is "01"; numbers of other widths never match two digits. */
    private static String[] twoDigits(Integer[] numbers) {
        String[] texts = new String[numbers.length];
        for (int i = 0; i < numbers.length; i++) {
            texts[i] = String.format(Locale.ROOT, "%02d", numbers[i]);
        }
        return texts;
    }

    /** date(v): the first 10 characters, compared as strings in code point order like the matcher's String.compareTo. */
    private static String dateOf(String asText) {
        return "left(" + asText + ", 10) COLLATE \"C\"";
    }

    // ---- computed traits ----

    private String computed(Condition.Computed computed) {
        ComputedField field = computed.field();
        if (field.type() == ComputedField.FieldType.TIMESTAMP) {
            return timeTest(timestampSql(field, computed.channel()), field.nullable(), computed.op(), computed.value());
        }
        String sql = field == ComputedField.DAYS_SINCE_LAST_SEEN ? daysSinceLastSeen() : field.sql();
        return numberTest(sql, field == ComputedField.AVERAGE_ORDER_INTERVAL_DAYS, field.nullable(), computed.op(), computed.value());
    }

    /**
     * Whole days since last seen, NULL when never seen. The CASE is needed because greatest()
     * ignores NULL arguments: greatest(0, NULL) is 0, not NULL. Now rounded down to microseconds
     * leaves the floor unchanged, since last_seen_at has whole microseconds.
     */
    private String daysSinceLastSeen() {
        return "(CASE WHEN p.last_seen_at IS NOT NULL THEN greatest(0, floor(extract(epoch from ("
                + param(roundedDown(context.now()), TIMESTAMPTZ) + " - p.last_seen_at)) / 86400)) END)";
    }

    private String timestampSql(ComputedField field, String channel) {
        if (field.type() != ComputedField.FieldType.TIMESTAMP) {
            throw new IllegalArgumentException(field.json() + " is not a timestamp");
        }
        if (field == ComputedField.CHANNEL_LAST_ACTIVITY_AT) {
            if (channel == null) {
                throw new IllegalArgumentException(field.json() + " needs a channel");
            }
            return "(p.channel_activity ->> " + param(channel, TEXT) + ")::timestamptz";
        }
        return field.sql();
    }

    /**
     * Number operators over a column expression. A nullable one is wrapped so that NULL is false; a
     * column that is never NULL is not, so the planner estimates the test from the column's
     * statistics (a wrapped "lifetime_revenue > 50000" was estimated at 13 times its real rows, and
     * the join with a segment hashed the wrong side). The average interval is a double precision
     * column and compares with doubles, exactly as the matcher's {@code doubleValue()}.
     */
    private String numberTest(String sql, boolean isDouble, boolean nullable, Operator op, Value value) {
        Operator positive = op.negated();
        if (positive != null) {
            return "NOT (" + numberTest(sql, isDouble, nullable, positive, value) + ")";
        }
        String test = switch (op) {
            case EXISTS -> sql + " IS NOT NULL";
            case EQUALS -> sql + " = " + numberParam(number(value, op), isDouble);
            case GT, GTE, LT, LTE -> sql + " " + comparison(op) + " " + numberParam(number(value, op), isDouble);
            case BETWEEN -> {
                Value.ListOf bounds = list(value, op);
                yield sql + " BETWEEN " + numberParam(number(bound(bounds, 0), op), isDouble)
                        + " AND " + numberParam(number(bound(bounds, 1), op), isDouble);
            }
            case IN -> {
                List<Value> items = list(value, op).values();
                Object array = isDouble
                        ? items.stream().map(item -> number(item, op).doubleValue()).toArray(Double[]::new)
                        : items.stream().map(item -> number(item, op)).toArray(BigDecimal[]::new);
                yield sql + " = ANY(" + param(array, isDouble ? FLOAT8_ARRAY : NUMERIC_ARRAY) + ")";
            }
            default -> throw new IllegalArgumentException(op.json() + " does not apply to numbers");
        };
        return nullable && op != Operator.EXISTS ? "coalesce(" + test + ", false)" : "(" + test + ")";
    }

    private String numberParam(BigDecimal number, boolean isDouble) {
        return isDouble ? param(number.doubleValue(), FLOAT8) : param(number, NUMERIC);
    }

    /**
     * Time operators over a timestamptz expression, shared by computed timestamps and the last
     * occurrence of an event. {@code nullable} wraps the test so a NULL time is false.
     */
    private String timeTest(String t, boolean nullable, Operator op, Value value) {
        String test = switch (op) {
            case EXISTS -> t + " IS NOT NULL";
            case MISSING -> t + " IS NULL";
            case BEFORE -> t + " < " + (value instanceof Value.Date date
                    ? roundedUpParam(context.startOfDay(date.value()))
                    : roundedUpParam(timestamp(value, op)));
            case AFTER -> value instanceof Value.Date date
                    ? t + " >= " + roundedUpParam(context.startOfDay(date.value().plusDays(1)))
                    : t + " > " + roundedDownParam(timestamp(value, op));
            case BETWEEN -> {
                Value.ListOf bounds = list(value, op);
                Value low = bound(bounds, 0);
                Value high = bound(bounds, 1);
                if (low instanceof Value.Date from && high instanceof Value.Date to) {
                    yield t + " >= " + roundedUpParam(context.startOfDay(from.value()))
                            + " AND " + t + " < " + roundedUpParam(context.startOfDay(to.value().plusDays(1)));
                }
                if (low instanceof Value.Timestamp from && high instanceof Value.Timestamp to) {
                    yield t + " >= " + roundedUpParam(from.value()) + " AND " + t + " <= " + roundedDownParam(to.value());
                }
                throw new IllegalArgumentException("between takes two dates or two timestamps");
            }
            case WITHIN_LAST -> t + " >= " + roundedUpParam(duration(value, op).before(context.now(), context.zone()))
                    + " AND " + t + " <= " + roundedDownParam(context.now());
            case MORE_THAN_AGO -> t + " < " + roundedUpParam(duration(value, op).before(context.now(), context.zone()));
            case DAY_OF_WEEK -> "extract(isodow from (" + t + " AT TIME ZONE " + zoneParam() + "))::int = ANY("
                    + param(daysOfWeek(value, op), INT_ARRAY) + ")";
            case MONTH -> "extract(month from (" + t + " AT TIME ZONE " + zoneParam() + "))::int = ANY("
                    + param(integers(value, op), INT_ARRAY) + ")";
            default -> throw new IllegalArgumentException(op.json() + " does not apply to timestamps");
        };
        boolean neverNull = op == Operator.EXISTS || op == Operator.MISSING || !nullable;
        return neverNull ? "(" + test + ")" : "coalesce(" + test + ", false)";
    }

    // ---- events ----

    private String event(Condition.Event event) {
        EventCount count = event.count();
        int times = count.times();
        if (count.op() == CountOp.AT_LEAST && times <= 0) {
            return "true";
        }
        if (count.op() != CountOp.AT_LEAST && times < 0) {
            return "false";
        }
        String occurred = occurrence(event);
        if (occurred != null) {
            return count.op() == CountOp.AT_LEAST ? occurred : "NOT " + occurred;
        }
        String matching = matchingEvents(event.name(), event.where(), event.window());
        return switch (count.op()) {
            case AT_LEAST -> times == 1 ? "p.id IN (" + matching + ")"
                    : "p.id IN (" + matching + " GROUP BY e.profile_id HAVING count(*) >= " + param(times, INT) + ")";
            case AT_MOST -> times == 0 ? "NOT (p.id IN (" + matching + "))"
                    : "NOT (p.id IN (" + matching + " GROUP BY e.profile_id HAVING count(*) > " + param(times, INT) + "))";
            case EXACTLY -> times == 0 ? "NOT (p.id IN (" + matching + "))"
                    : "p.id IN (" + matching + " GROUP BY e.profile_id HAVING count(*) = " + param(times, INT) + ")";
        };
    }

    /**
     * "At least once" (or, negated, "never") of an unfiltered event, decided from the profile's
     * last event of that name ({@code profiles.last_events}) instead of the event store, where that
     * is exact: ever; since the last other event; from a time on; and within a window ending now or
     * at a date, as long as the last event is not after the window's end (an event dated in the
     * future), in which case the event store is asked through kizuna_event_between (a function, so
     * that the count can still scan profiles in parallel). Null when the event is filtered or counted.
     */
    private String occurrence(Condition.Event event) {
        EventCount count = event.count();
        boolean once = count.op() == CountOp.AT_LEAST && count.times() == 1;
        boolean never = (count.op() == CountOp.EXACTLY || count.op() == CountOp.AT_MOST) && count.times() == 0;
        if (!event.where().isEmpty() || !(once || never)) {
            return null;
        }
        String last = lastMicros(event.name());
        EventWindow window = event.window();
        if (window == null || window instanceof EventWindow.Ever) {
            return "(" + last + " IS NOT NULL)";
        }
        if (window instanceof EventWindow.SinceEvent since) {
            return "coalesce(" + last + " > " + lastMicros(since.name()) + ", false)";
        }
        Instant from;
        Instant to;
        if (window instanceof EventWindow.WithinLast within) {
            from = within.span().before(context.now(), context.zone());
            to = context.now();
        } else if (window instanceof EventWindow.Between between) {
            from = between.from();
            to = between.to();
        } else {
            return null;
        }
        String atOrAfterFrom = from == null ? "true" : last + " >= " + microsParam(roundedUp(from));
        if (to == null) {
            return "coalesce(" + atOrAfterFrom + ", false)";
        }
        String beforeTheEnd = last + " <= " + microsParam(roundedDown(to).toInstant());
        String fromParam = from == null ? "'-infinity'::timestamptz" : roundedUpParam(from);
        return "(CASE WHEN " + last + " IS NULL THEN false WHEN " + beforeTheEnd + " THEN " + atOrAfterFrom
                + " ELSE kizuna_event_between($1, p.id, " + param(event.name(), TEXT) + ", " + fromParam + ", " + roundedDownParam(to) + ") END)";
    }

    /** The profile's last event named {@code name} in stored microseconds (see V10__profile_last_events.sql); null if none. */
    private String lastMicros(String name) {
        return "(p.last_events ->> " + param(name, TEXT) + ")::bigint";
    }

    private String microsParam(Instant exactToTheMicrosecond) {
        return param(StoredMicros.of(exactToTheMicrosecond), BIGINT);
    }

    private static Instant roundedUp(Instant instant) {
        Instant down = instant.truncatedTo(ChronoUnit.MICROS);
        return down.equals(instant) ? down : down.plusNanos(1000);
    }

    private String lastEvent(Condition.LastEvent last) {
        if (last.where().isEmpty()) {
            String micros = lastMicros(last.name());
            return switch (last.op()) {
                case EXISTS -> "(" + micros + " IS NOT NULL)";
                case MISSING -> "(" + micros + " IS NULL)";
                default -> timeTest(StoredMicros.sqlTimestamp(micros), true, last.op(), last.value());
            };
        }
        String matching = matchingEvents(last.name(), last.where(), new EventWindow.Ever());
        return switch (last.op()) {
            case EXISTS -> "p.id IN (" + matching + ")";
            case MISSING -> "NOT (p.id IN (" + matching + "))";
            default -> "p.id IN (" + matching + " GROUP BY e.profile_id HAVING "
                    + timeTest("max(e.occurred_at)", false, last.op(), last.value()) + ")";
        };
    }

    /** The profile ids of the matching events, one row per event (callers group when they count). */
    private String matchingEvents(String name, List<PropertyFilter> where, EventWindow window) {
        StringBuilder from = new StringBuilder("events e");
        List<String> tests = new ArrayList<>();
        tests.add("e.workspace_id = $1");
        tests.add("e.name = " + param(name, TEXT));
        if (window instanceof EventWindow.WithinLast last) {
            tests.add("e.occurred_at >= " + roundedUpParam(last.span().before(context.now(), context.zone())));
            tests.add("e.occurred_at <= " + roundedDownParam(context.now()));
        } else if (window instanceof EventWindow.Between between) {
            if (between.from() != null) {
                tests.add("e.occurred_at >= " + roundedUpParam(between.from()));
            }
            if (between.to() != null) {
                tests.add("e.occurred_at <= " + roundedDownParam(between.to()));
            }
        } else if (window instanceof EventWindow.SinceEvent since) {
            from.append(" JOIN (SELECT r.profile_id, max(r.occurred_at) AS since FROM events r WHERE r.workspace_id = $1 AND r.name = ")
                    .append(param(since.name(), TEXT));
            Instant bound = sinceBounds.get(since.name());
            if (bound != null) {
                from.append(" AND r.occurred_at >= ").append(roundedUpParam(bound));
            }
            from.append(" GROUP BY r.profile_id) s ON s.profile_id = e.profile_id");
            tests.add("e.occurred_at > s.since");
        } else if (!(window instanceof EventWindow.Ever) && window != null) {
            throw new IllegalArgumentException("unknown event window " + window);
        }
        for (PropertyFilter filter : where) {
            tests.add(jsonTest("e.properties", filter.path(), filter.op(), filter.value()));
        }
        return "SELECT e.profile_id FROM " + from + " WHERE " + String.join(" AND ", tests);
    }

    // ---- consent and reachability ----

    private String consent(Condition.Consent consent) {
        String rows = "SELECT c.profile_id FROM profile_consents c WHERE c.workspace_id = $1 AND c.channel = "
                + param(consent.channel(), TEXT) + " AND c.topic = " + param(consent.topic() == null ? "" : consent.topic(), TEXT);
        return switch (consent.status()) {
            case GRANTED -> "p.id IN (" + rows + " AND c.granted)";
            case DENIED -> "p.id IN (" + rows + " AND NOT c.granted)";
            case UNKNOWN -> "NOT (p.id IN (" + rows + "))";
        };
    }

    private String reachable(Channel channel) {
        return "(p.id IN (SELECT i.profile_id FROM identities i WHERE i.workspace_id = $1 AND i.type = " + param(channel.identityType(), TEXT)
                + ") AND NOT (p.id IN (SELECT c.profile_id FROM profile_consents c WHERE c.workspace_id = $1 AND c.channel = "
                + param(channel.json(), TEXT) + " AND c.topic = '' AND NOT c.granted)))";
    }

    // ---- anniversaries and buckets ----

    private String anniversary(Condition.Anniversary anniversary) {
        LocalDate today = context.today();
        LocalDate target = today.plusDays(anniversary.days());
        Condition.FieldRef field = anniversary.field();
        if (field.computed() != null) {
            String local = "(" + timestampSql(field.computed(), null) + " AT TIME ZONE " + zoneParam() + ")";
            String test = switch (anniversary.when()) {
                case TODAY -> "to_char(" + local + ", 'MM-DD') = ANY(" + param(anniversaryMonthDays(today), TEXT_ARRAY) + ")";
                case IN_DAYS -> "to_char(" + local + ", 'MM-DD') = ANY(" + param(anniversaryMonthDays(target), TEXT_ARRAY) + ")";
                case THIS_MONTH -> "extract(month from " + local + ")::int = " + param(today.getMonthValue(), INT);
                case DAYS_BEFORE -> local + "::date = " + param(target, DATE);
            };
            return "coalesce(" + test + ", false)";
        }
        String v = jsonAt("p.traits", field.traitPath());
        String asText = textAt("p.traits", field.traitPath());
        String monthDay = "substr(" + asText + ", 6, 5)";
        String test = switch (anniversary.when()) {
            case TODAY -> monthDay + " = ANY(" + param(anniversaryMonthDays(today), TEXT_ARRAY) + ")";
            case IN_DAYS -> monthDay + " = ANY(" + param(anniversaryMonthDays(target), TEXT_ARRAY) + ")";
            case THIS_MONTH -> "substr(" + asText + ", 6, 2) = " + param(String.format(Locale.ROOT, "%02d", today.getMonthValue()), TEXT);
            case DAYS_BEFORE -> "left(" + asText + ", 10) = " + param(target.toString(), TEXT);
        };
        return whenDateLike(v, asText, test);
    }

    /** The "MM-DD" values whose anniversary falls on the target day: Feb 29 falls on Feb 28 in years without a leap day. */
    private static String[] anniversaryMonthDays(LocalDate target) {
        String monthDay = String.format(Locale.ROOT, "%02d-%02d", target.getMonthValue(), target.getDayOfMonth());
        if (monthDay.equals("02-28") && !target.isLeapYear()) {
            return new String[] {"02-28", "02-29"};
        }
        return new String[] {monthDay};
    }

    private String randomBucket(Condition.RandomBucket random) {
        if (random.buckets() < 1) {
            throw new IllegalArgumentException("buckets must be at least 1");
        }
        return "((('x' || substr(md5(" + param(random.seed(), TEXT) + " || ':' || p.id::text), 1, 7))::bit(28)::int % "
                + param(random.buckets(), INT) + ") BETWEEN " + param(random.from(), INT) + " AND " + param(random.to(), INT) + ")";
    }

    // ---- parameters ----

    /** Binds a value and returns its placeholder with the cast that fixes its type, e.g. {@code $3::text}. */
    private String param(Object value, String type) {
        boolean shareable = !value.getClass().isArray() && !(value instanceof JsonObject) && !(value instanceof JsonArray);
        if (shareable) {
            String existing = placeholders.get(new SharedParameter(value, type));
            if (existing != null) {
                return existing;
            }
        }
        params.add(value);
        String placeholder = "$" + (params.size() + 1) + "::" + type;
        if (shareable) {
            placeholders.put(new SharedParameter(value, type), placeholder);
        }
        return placeholder;
    }

    /*
     * Stored times have microsecond precision and the matcher compares full Instants. Rounding a
     * bound to microseconds in the direction of its comparison keeps the two exact:
     * t >= x and t < x hold for whole microseconds t exactly when they hold against x rounded up;
     * t <= x and t > x exactly when they hold against x rounded down.
     */
    private String roundedUpParam(Instant instant) {
        return param(utc(roundedUp(instant)), TIMESTAMPTZ);
    }

    private String roundedDownParam(Instant instant) {
        return param(roundedDown(instant), TIMESTAMPTZ);
    }

    private static OffsetDateTime roundedDown(Instant instant) {
        return utc(instant.truncatedTo(ChronoUnit.MICROS));
    }

    private static OffsetDateTime utc(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }

    /**
     * The workspace zone as PostgreSQL reads it. A fixed offset is spelled the POSIX way, because
     * PostgreSQL reads '+09:00' (and 'UTC+9') as nine hours west of Greenwich.
     */
    private String zoneParam() {
        ZoneId zone = context.zone().normalized();
        if (!(zone instanceof ZoneOffset offset)) {
            return param(zone.getId(), TEXT);
        }
        int seconds = offset.getTotalSeconds();
        if (seconds == 0) {
            return param("UTC", TEXT);
        }
        int magnitude = Math.abs(seconds);
        String east = String.format(Locale.ROOT, "%02d:%02d", magnitude / 3600, magnitude / 60 % 60)
                + (magnitude % 60 == 0 ? "" : String.format(Locale.ROOT, ":%02d", magnitude % 60));
        String abbreviation = (seconds < 0 ? "-" : "+") + east.replace(":", "");
        return param("<" + abbreviation + ">" + (seconds < 0 ? "+" : "-") + east, TEXT);
    }

    // ---- values ----

    private static String comparison(Operator op) {
        return switch (op) {
            case GT -> ">";
            case GTE -> ">=";
            case LT -> "<";
            case LTE -> "<=";
            default -> throw new IllegalArgumentException(op.json() + " is not a comparison");
        };
    }

    private static Value.ListOf list(Value value, Operator op) {
        if (value instanceof Value.ListOf list) {
            return list;
        }
        throw mismatch(op, "a list", value);
    }

    private static Value bound(Value.ListOf bounds, int index) {
        if (bounds.values().size() != 2) {
            throw new IllegalArgumentException("between takes a list of two bounds");
        }
        return bounds.values().get(index);
    }

    private static BigDecimal number(Value value, Operator op) {
        if (value instanceof Value.Number number) {
            return number.value();
        }
        throw mismatch(op, "a number", value);
    }

    private static String text(Value value, Operator op) {
        if (value instanceof Value.Text text) {
            return text.value();
        }
        throw mismatch(op, "a string", value);
    }

    private static LocalDate date(Value value, Operator op) {
        if (value instanceof Value.Date date) {
            return date.value();
        }
        throw mismatch(op, "a date", value);
    }

    private static Instant timestamp(Value value, Operator op) {
        if (value instanceof Value.Timestamp timestamp) {
            return timestamp.value();
        }
        throw mismatch(op, "a date or a timestamp", value);
    }

    private static Span duration(Value value, Operator op) {
        if (value instanceof Value.Duration duration) {
            return duration.span();
        }
        throw mismatch(op, "a duration", value);
    }

    /** The whole numbers of a list (months, ISO days); other numbers can never equal a month or a day, as in the matcher. */
    private static Integer[] integers(Value value, Operator op) {
        Set<Integer> numbers = new LinkedHashSet<>();
        for (Value item : list(value, op).values()) {
            if (item instanceof Value.Number number) {
                wholeNumber(number.value(), numbers);
            }
        }
        return numbers.toArray(Integer[]::new);
    }

    /** ISO days of week from numbers (Monday = 1) or names ("monday"). */
    private static Integer[] daysOfWeek(Value value, Operator op) {
        Set<Integer> days = new LinkedHashSet<>();
        for (Value item : list(value, op).values()) {
            if (item instanceof Value.Number number) {
                wholeNumber(number.value(), days);
            } else if (item instanceof Value.Text name) {
                for (DayOfWeek day : DayOfWeek.values()) {
                    if (day.name().equalsIgnoreCase(name.value())) {
                        days.add(day.getValue());
                    }
                }
            }
        }
        return days.toArray(Integer[]::new);
    }

    private static void wholeNumber(BigDecimal number, Set<Integer> into) {
        try {
            into.add(number.intValueExact());
        } catch (ArithmeticException notWholeOrTooLarge) {
            // 3.5 is no month; it matches nothing.
        }
    }

    private static IllegalArgumentException mismatch(Operator op, String expected, Value value) {
        return new IllegalArgumentException(op.json() + " takes " + expected + ", not " + (value == null ? "nothing" : value.typeName()));
    }
}
