package io.kizuna.condition;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.MonthDay;
import java.time.Year;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import io.kizuna.condition.Condition.EventCount;
import io.kizuna.condition.Condition.EventWindow;
import io.kizuna.condition.Condition.PropertyFilter;
import io.kizuna.condition.ProfileSnapshot.EventRecord;

/**
 * The in-memory engine: decides a condition for one profile snapshot. It implements exactly the
 * semantics of {@link SqlCompiler} (the differential test holds them together), so a profile's
 * real-time evaluation and a segment count over millions of profiles never disagree.
 */
public final class ConditionMatcher {

    private static final java.util.regex.Pattern DATE_LIKE = java.util.regex.Pattern.compile("^[0-9]{4}-[0-9]{2}-[0-9]{2}");
    private static final MonthDay LEAP_DAY = MonthDay.of(2, 29);

    private ConditionMatcher() {
    }

    public static boolean matches(Condition condition, ProfileSnapshot profile, EvaluationContext context) {
        if (condition instanceof Condition.All all) {
            return all.conditions().stream().allMatch(child -> matches(child, profile, context));
        }
        if (condition instanceof Condition.Any any) {
            return any.conditions().stream().anyMatch(child -> matches(child, profile, context));
        }
        if (condition instanceof Condition.Not not) {
            return !matches(not.condition(), profile, context);
        }
        if (condition instanceof Condition.Trait trait) {
            return jsonTest(at(profile.traits(), trait.path()), trait.op(), trait.value(), context);
        }
        if (condition instanceof Condition.Computed computed) {
            return computedTest(computed, profile, context);
        }
        if (condition instanceof Condition.HasTag tag) {
            return profile.tags().contains(tag.tag());
        }
        if (condition instanceof Condition.InSegment segment) {
            return profile.segments().contains(segment.segmentId());
        }
        if (condition instanceof Condition.Event event) {
            return countMatches(event.count(), matchingEvents(event.name(), event.where(), event.window(), profile, context));
        }
        if (condition instanceof Condition.LastEvent last) {
            return timeTest(lastOccurrence(last, profile, context), last.op(), last.value(), context);
        }
        if (condition instanceof Condition.Consent consent) {
            return consentStatus(profile, consent.channel(), consent.topic()) == consent.status();
        }
        if (condition instanceof Condition.Reachable reachable) {
            return profile.identityTypes().contains(reachable.channel().identityType())
                    && consentStatus(profile, reachable.channel().json(), "") != Condition.ConsentStatus.DENIED;
        }
        if (condition instanceof Condition.Anniversary anniversary) {
            return anniversary(anniversary, profile, context);
        }
        Condition.RandomBucket random = (Condition.RandomBucket) condition;
        int bucket = bucket(random.seed(), profile.id().toString()) % random.buckets();
        return bucket >= random.from() && bucket <= random.to();
    }

    // ---- traits and event properties (JSON values) ----

    /** The value at a path of object keys; null when absent, JSON null, or a non-object is on the way. */
    static Object at(Map<String, Object> root, List<String> path) {
        Object current = root;
        for (String key : path) {
            if (!(current instanceof Map<?, ?> object)) {
                return null;
            }
            current = object.get(key);
        }
        return current;
    }

    static boolean jsonTest(Object v, Operator op, Value value, EvaluationContext context) {
        Operator positive = op.negated();
        if (positive != null) {
            return !jsonTest(v, positive, value, context);
        }
        if (v == null) {
            return false;
        }
        return switch (op) {
            case EXISTS -> true;
            case EQUALS -> jsonEquals(v, value);
            case IN -> isScalar(v) && ((Value.ListOf) value).values().stream().anyMatch(item -> jsonEquals(v, item));
            case GT, GTE, LT, LTE -> v instanceof Number number && compare(op, decimal(number).compareTo(((Value.Number) value).value()));
            case BETWEEN -> between(v, (Value.ListOf) value);
            case CONTAINS -> contains(v, value);
            case STARTS_WITH -> v instanceof String text && text.startsWith(((Value.Text) value).value());
            case ENDS_WITH -> v instanceof String text && text.endsWith(((Value.Text) value).value());
            case MATCHES -> v instanceof String text && SafeRegex.compile(((Value.Text) value).value()).matcher(text).find();
            case IS_TRUE -> Boolean.TRUE.equals(v);
            case IS_FALSE -> Boolean.FALSE.equals(v);
            case BEFORE -> dateOf(v) != null && dateOf(v).compareTo(((Value.Date) value).value().toString()) < 0;
            case AFTER -> dateOf(v) != null && dateOf(v).compareTo(((Value.Date) value).value().toString()) > 0;
            case WITHIN_LAST -> {
                String date = dateOf(v);
                LocalDate today = context.today();
                yield date != null && date.compareTo(((Value.Duration) value).span().before(today).toString()) >= 0
                        && date.compareTo(today.toString()) <= 0;
            }
            case MORE_THAN_AGO -> {
                String date = dateOf(v);
                yield date != null && date.compareTo(((Value.Duration) value).span().before(context.today()).toString()) < 0;
            }
            case MONTH -> {
                String date = dateOf(v);
                yield date != null && containsNumber((Value.ListOf) value, Integer.parseInt(date.substring(5, 7)));
            }
            default -> throw new IllegalArgumentException(op.json() + " does not apply to traits");
        };
    }

    private static boolean isScalar(Object v) {
        return v instanceof String || v instanceof Number || v instanceof Boolean;
    }

    private static boolean jsonEquals(Object v, Value value) {
        if (value instanceof Value.Text text) {
            return text.value().equals(v);
        }
        if (value instanceof Value.Number number) {
            return v instanceof Number n && decimal(n).compareTo(number.value()) == 0;
        }
        return value instanceof Value.Bool bool && v instanceof Boolean b && b == bool.value();
    }

    private static boolean between(Object v, Value.ListOf bounds) {
        Value low = bounds.values().get(0);
        Value high = bounds.values().get(1);
        if (low instanceof Value.Number from && high instanceof Value.Number to) {
            if (!(v instanceof Number number)) {
                return false;
            }
            BigDecimal decimal = decimal(number);
            return decimal.compareTo(from.value()) >= 0 && decimal.compareTo(to.value()) <= 0;
        }
        String date = dateOf(v);
        return date != null && date.compareTo(((Value.Date) low).value().toString()) >= 0
                && date.compareTo(((Value.Date) high).value().toString()) <= 0;
    }

    private static boolean contains(Object v, Value value) {
        if (v instanceof String text) {
            return value instanceof Value.Text needle && text.contains(needle.value());
        }
        if (v instanceof List<?> list) {
            return list.stream().anyMatch(element -> element != null && jsonEquals(element, value));
        }
        return false;
    }

    /** The calendar date of a date-like JSON string (its first 10 characters), or null. */
    static String dateOf(Object v) {
        return v instanceof String text && DATE_LIKE.matcher(text).find() ? text.substring(0, 10) : null;
    }

    static BigDecimal decimal(Number number) {
        return number instanceof BigDecimal decimal ? decimal : new BigDecimal(number.toString());
    }

    private static boolean compare(Operator op, int comparison) {
        return switch (op) {
            case GT -> comparison > 0;
            case GTE -> comparison >= 0;
            case LT -> comparison < 0;
            case LTE -> comparison <= 0;
            default -> throw new IllegalArgumentException(op.json());
        };
    }

    /** Days as ISO numbers (Monday = 1) or lower-case English names, as the SQL engine accepts them. */
    private static boolean containsDay(Value.ListOf list, java.time.DayOfWeek day) {
        String name = day.name().toLowerCase(java.util.Locale.ROOT);
        return containsNumber(list, day.getValue())
                || list.values().stream().anyMatch(item -> item instanceof Value.Text text && text.value().equalsIgnoreCase(name));
    }

    private static boolean containsNumber(Value.ListOf list, int number) {
        return list.values().stream().anyMatch(item -> item instanceof Value.Number n && n.value().compareTo(BigDecimal.valueOf(number)) == 0);
    }

    // ---- computed traits ----

    private static boolean computedTest(Condition.Computed computed, ProfileSnapshot profile, EvaluationContext context) {
        Object v = computedValue(computed.field(), computed.channel(), profile.computed(), context.now());
        if (computed.field().type() == ComputedField.FieldType.TIMESTAMP) {
            return timeTest((Instant) v, computed.op(), computed.value(), context);
        }
        return numberTest(v, computed.op(), computed.value());
    }

    static Object computedValue(ComputedField field, String channel, ProfileSnapshot.Computed c, Instant now) {
        return switch (field) {
            case FIRST_SEEN_AT -> c.firstSeenAt();
            case LAST_SEEN_AT -> c.lastSeenAt();
            case DAYS_SINCE_LAST_SEEN -> c.lastSeenAt() == null ? null
                    : BigDecimal.valueOf(Math.max(0, Math.floorDiv(now.getEpochSecond() - c.lastSeenAt().getEpochSecond()
                            - (now.getNano() < c.lastSeenAt().getNano() ? 1 : 0), 86_400L)));
            case FIRST_ORDER_AT -> c.firstOrderAt();
            case LAST_ORDER_AT -> c.lastOrderAt();
            case ORDER_COUNT -> BigDecimal.valueOf(c.orderCount());
            case LIFETIME_REVENUE -> c.lifetimeRevenue();
            case REFUNDED -> c.refunded();
            case AVERAGE_ORDER_VALUE -> c.averageOrderValue();
            case AVERAGE_ORDER_INTERVAL_DAYS -> c.averageOrderIntervalDays();
            case PREDICTED_NEXT_ORDER_AT -> c.orderCount() >= 2 && c.averageOrderIntervalDays() != null && c.lastOrderAt() != null
                    ? c.lastOrderAt().plusSeconds(Math.round(c.averageOrderIntervalDays() * 86_400d))
                    : null;
            case CART_VALUE -> c.cartValue();
            case CART_ITEM_COUNT -> BigDecimal.valueOf(c.cartItemCount());
            case CART_UPDATED_AT -> c.cartUpdatedAt();
            case RFM_RECENCY -> c.rfmRecency() == null ? null : BigDecimal.valueOf(c.rfmRecency());
            case RFM_FREQUENCY -> c.rfmFrequency() == null ? null : BigDecimal.valueOf(c.rfmFrequency());
            case RFM_MONETARY -> c.rfmMonetary() == null ? null : BigDecimal.valueOf(c.rfmMonetary());
            case CHANNEL_LAST_ACTIVITY_AT -> c.channelActivity() == null ? null : c.channelActivity().get(channel);
            case CREATED_AT -> c.createdAt();
        };
    }

    private static boolean numberTest(Object v, Operator op, Value value) {
        Operator positive = op.negated();
        if (positive != null) {
            return !numberTest(v, positive, value);
        }
        if (v == null) {
            return false;
        }
        if (op == Operator.EXISTS) {
            return true;
        }
        return switch (op) {
            case EQUALS -> compareNumber(v, ((Value.Number) value).value()) == 0;
            case IN -> ((Value.ListOf) value).values().stream().anyMatch(item -> compareNumber(v, ((Value.Number) item).value()) == 0);
            case GT, GTE, LT, LTE -> compare(op, compareNumber(v, ((Value.Number) value).value()));
            case BETWEEN -> compareNumber(v, ((Value.Number) ((Value.ListOf) value).values().get(0)).value()) >= 0
                    && compareNumber(v, ((Value.Number) ((Value.ListOf) value).values().get(1)).value()) <= 0;
            default -> throw new IllegalArgumentException(op.json() + " does not apply to numbers");
        };
    }

    /** Doubles (the average interval) compare as doubles, the way PostgreSQL casts a numeric parameter to float8. */
    private static int compareNumber(Object v, BigDecimal value) {
        if (v instanceof Double d) {
            return Double.compare(d, value.doubleValue());
        }
        return decimal((Number) v).compareTo(value);
    }

    /** The time operators, shared by computed timestamps and the last occurrence of an event. */
    static boolean timeTest(Instant t, Operator op, Value value, EvaluationContext context) {
        if (op == Operator.MISSING) {
            return t == null;
        }
        if (t == null) {
            return false;
        }
        return switch (op) {
            case EXISTS -> true;
            case BEFORE -> value instanceof Value.Date date ? t.isBefore(context.startOfDay(date.value()))
                    : t.isBefore(((Value.Timestamp) value).value());
            case AFTER -> value instanceof Value.Date date ? !t.isBefore(context.startOfDay(date.value().plusDays(1)))
                    : t.isAfter(((Value.Timestamp) value).value());
            case BETWEEN -> {
                Value low = ((Value.ListOf) value).values().get(0);
                Value high = ((Value.ListOf) value).values().get(1);
                if (low instanceof Value.Date from && high instanceof Value.Date to) {
                    yield !t.isBefore(context.startOfDay(from.value())) && t.isBefore(context.startOfDay(to.value().plusDays(1)));
                }
                yield !t.isBefore(((Value.Timestamp) low).value()) && !t.isAfter(((Value.Timestamp) high).value());
            }
            case WITHIN_LAST -> !t.isBefore(((Value.Duration) value).span().before(context.now(), context.zone())) && !t.isAfter(context.now());
            case MORE_THAN_AGO -> t.isBefore(((Value.Duration) value).span().before(context.now(), context.zone()));
            case DAY_OF_WEEK -> containsDay((Value.ListOf) value, t.atZone(context.zone()).getDayOfWeek());
            case MONTH -> containsNumber((Value.ListOf) value, t.atZone(context.zone()).getMonthValue());
            default -> throw new IllegalArgumentException(op.json() + " does not apply to timestamps");
        };
    }

    // ---- events ----

    static int matchingEvents(String name, List<PropertyFilter> where, EventWindow window, ProfileSnapshot profile, EvaluationContext context) {
        Instant from = null;
        Instant to = null;
        boolean exclusiveFrom = false;
        if (window instanceof EventWindow.WithinLast last) {
            from = last.span().before(context.now(), context.zone());
            to = context.now();
        } else if (window instanceof EventWindow.Between between) {
            from = between.from();
            to = between.to();
        } else if (window instanceof EventWindow.SinceEvent since) {
            from = lastOccurrence(since.name(), List.of(), profile, context);
            if (from == null) {
                return 0;
            }
            exclusiveFrom = true;
        }
        int count = 0;
        for (EventRecord event : profile.events()) {
            if (!event.name().equals(name)) {
                continue;
            }
            Instant at = event.occurredAt();
            if (from != null && (exclusiveFrom ? !at.isAfter(from) : at.isBefore(from))) {
                continue;
            }
            if (to != null && at.isAfter(to)) {
                continue;
            }
            if (passes(event, where, context)) {
                count++;
            }
        }
        return count;
    }

    private static boolean passes(EventRecord event, List<PropertyFilter> where, EvaluationContext context) {
        for (PropertyFilter filter : where) {
            if (!jsonTest(at(event.properties(), filter.path()), filter.op(), filter.value(), context)) {
                return false;
            }
        }
        return true;
    }

    private static boolean countMatches(EventCount count, int n) {
        return switch (count.op()) {
            case AT_LEAST -> n >= count.times();
            case AT_MOST -> n <= count.times();
            case EXACTLY -> n == count.times();
        };
    }

    private static Instant lastOccurrence(Condition.LastEvent last, ProfileSnapshot profile, EvaluationContext context) {
        return lastOccurrence(last.name(), last.where(), profile, context);
    }

    private static Instant lastOccurrence(String name, List<PropertyFilter> where, ProfileSnapshot profile, EvaluationContext context) {
        Instant last = null;
        for (EventRecord event : profile.events()) {
            if (event.name().equals(name) && (last == null || event.occurredAt().isAfter(last)) && passes(event, where, context)) {
                last = event.occurredAt();
            }
        }
        return last;
    }

    // ---- consent, anniversaries, buckets ----

    private static Condition.ConsentStatus consentStatus(ProfileSnapshot profile, String channel, String topic) {
        Boolean granted = profile.consents().get(ProfileSnapshot.consentKey(channel, topic));
        if (granted == null) {
            return Condition.ConsentStatus.UNKNOWN;
        }
        return granted ? Condition.ConsentStatus.GRANTED : Condition.ConsentStatus.DENIED;
    }

    private static boolean anniversary(Condition.Anniversary anniversary, ProfileSnapshot profile, EvaluationContext context) {
        String date;
        if (anniversary.field().computed() != null) {
            Instant t = (Instant) computedValue(anniversary.field().computed(), null, profile.computed(), context.now());
            date = t == null ? null : t.atZone(context.zone()).toLocalDate().toString();
        } else {
            date = dateOf(at(profile.traits(), anniversary.field().traitPath()));
        }
        if (date == null) {
            return false;
        }
        LocalDate today = context.today();
        String monthDay = date.substring(5, 10);
        return switch (anniversary.when()) {
            case TODAY -> sameMonthDay(monthDay, today);
            case IN_DAYS -> sameMonthDay(monthDay, today.plusDays(anniversary.days()));
            case THIS_MONTH -> Objects.equals(date.substring(5, 7), String.format(java.util.Locale.ROOT, "%02d", today.getMonthValue()));
            case DAYS_BEFORE -> date.equals(today.plusDays(anniversary.days()).toString());
        };
    }

    /** Feb 29 anniversaries fall on Feb 28 in years without a leap day. */
    private static boolean sameMonthDay(String monthDay, LocalDate target) {
        String targetMonthDay = target.toString().substring(5, 10);
        if (monthDay.equals(targetMonthDay)) {
            return true;
        }
        return monthDay.equals(LEAP_DAY.toString().substring(2)) && targetMonthDay.equals("02-28") && !Year.isLeap(target.getYear());
    }

    /** The first 28 bits of md5(seed + ":" + id), as PostgreSQL computes them with md5() and a bit(28) cast. */
    static int bucket(String seed, String profileId) {
        try {
            byte[] digest = MessageDigest.getInstance("MD5").digest((seed + ":" + profileId).getBytes(StandardCharsets.UTF_8));
            return ((digest[0] & 0xff) << 20) | ((digest[1] & 0xff) << 12) | ((digest[2] & 0xff) << 4) | ((digest[3] & 0xff) >>> 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("MD5 is always available", e);
        }
    }
}
