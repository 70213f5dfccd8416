package io.kizuna.condition;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Random profiles for one round, drawn from the round's vocabularies so that conditions collide
 * with them: the same strings and numbers in several types, dates around today, instants exactly
 * on window boundaries, explicit JSON nulls, missing keys and values of the wrong type.
 */
final class ProfileDataGenerator {

    private static final List<String> GROSS = List.of("0", "1.5", "100", "3800", "100000", "100000.0001", "250000", "1234.5678", "99999.9999");
    private static final List<Double> INTERVAL_DAYS = List.of(0.1, 1.0, 1.5, 7.0, 7.25, 10.0, 30.0);

    private final SeededRandom random;
    private final GenerationWorld world;
    private int identitySequence;

    ProfileDataGenerator(SeededRandom random, GenerationWorld world) {
        this.random = random;
        this.world = world;
    }

    /**
     * One profile per id. The differential test gives every round (every workspace) the same ids,
     * so a sub-query that forgot its workspace filter would read another round's rows.
     */
    List<TestProfile> profiles(List<UUID> ids) {
        List<TestProfile> profiles = new ArrayList<>();
        for (UUID id : ids) {
            profiles.add(profile(id));
        }
        return profiles;
    }

    private TestProfile profile(UUID id) {
        TestProfile p = new TestProfile(id);
        world.traitVocabulary.forEach((key, values) -> {
            double roll = random.nextDouble();
            if (roll < 0.2) {
                return; // missing key
            }
            p.traits.put(key, roll < 0.26 ? null : copy(random.pick(values)));
        });
        seen(p);
        orders(p);
        cart(p);
        for (String channel : GenerationWorld.ACTIVITY_CHANNELS) {
            if (random.chance(0.4)) {
                Instant at = world.instant(random);
                if (random.chance(0.15)) {
                    at = at.plusMillis(random.between(1, 999));
                }
                p.channelActivity.put(channel, at.toString());
            }
        }
        if (random.chance(0.7)) {
            p.rfmRecency = random.between(1, 5);
            p.rfmFrequency = random.between(1, 5);
            p.rfmMonetary = random.between(1, 5);
        } else if (random.chance(0.3)) {
            p.rfmRecency = random.between(1, 5);
        }
        p.createdAt = world.instant(random);
        for (String type : random.sample(GenerationWorld.IDENTITY_TYPES, random.weighted(2, 4, 3, 2))) {
            p.identity(type, type + "-" + identitySequence++);
        }
        random.sample(GenerationWorld.TAGS, random.weighted(3, 4, 2, 1)).forEach(p::tag);
        for (var segment : world.segments) {
            if (random.chance(0.4)) {
                p.segments.add(segment);
            }
        }
        for (String channel : GenerationWorld.CONSENT_CHANNELS) {
            for (String topic : GenerationWorld.CONSENT_TOPICS) {
                if (random.chance(0.55)) {
                    p.consent(channel, topic, random.chance(0.5));
                }
            }
        }
        int events = random.weighted(2, 3, 3, 2) == 0 ? 0 : random.between(1, 15);
        for (int i = 0; i < events; i++) {
            String name = GenerationWorld.EVENT_NAMES.get(random.weighted(5, 4, 3, 1, 1));
            Map<String, Object> properties = new LinkedHashMap<>();
            world.propertyVocabulary.forEach((key, values) -> {
                double roll = random.nextDouble();
                if (roll < 0.4) {
                    return;
                }
                properties.put(key, roll < 0.45 ? null : copy(random.pick(values)));
            });
            Instant at = world.instant(random);
            p.event(name, at, properties);
            if (random.chance(0.1)) {
                // Another event at exactly the same instant (since-windows are exclusive).
                p.event(GenerationWorld.EVENT_NAMES.get(random.weighted(5, 4, 3, 1, 1)), at, Map.of());
            }
        }
        return p;
    }

    private void seen(TestProfile p) {
        if (random.chance(0.1)) {
            return;
        }
        Instant a = world.instant(random);
        Instant b = world.instant(random);
        if (random.chance(0.1)) {
            a = a.plusMillis(random.between(1, 999));
        }
        p.firstSeenAt = a.isBefore(b) ? a : b;
        p.lastSeenAt = a.isBefore(b) ? b : a;
        if (random.chance(0.15)) {
            p.firstSeenAt = p.lastSeenAt;
        }
        long days = Math.max(0, Math.floorDiv(world.now.getEpochSecond() - p.lastSeenAt.getEpochSecond()
                - (world.now.getNano() < p.lastSeenAt.getNano() ? 1 : 0), 86_400L));
        record(ComputedField.DAYS_SINCE_LAST_SEEN, BigDecimal.valueOf(days));
    }

    private void orders(TestProfile p) {
        int shape = random.weighted(3, 2, 3, 2);
        if (shape == 0) {
            record(ComputedField.ORDER_COUNT, BigDecimal.ZERO);
            return;
        }
        int count = shape == 1 ? 1 : random.between(2, 6);
        BigDecimal gross = new BigDecimal(random.pick(GROSS));
        BigDecimal refunded = switch (random.weighted(5, 1, 1, 1)) {
            case 0 -> BigDecimal.ZERO;
            case 1 -> new BigDecimal("100");
            case 2 -> new BigDecimal("1.5");
            default -> gross;
        };
        Instant first;
        Instant last;
        if (shape == 3) {
            // Land the predicted next order exactly on an interesting instant.
            double interval = random.pick(INTERVAL_DAYS);
            long intervalSeconds = Math.round(interval * 86_400);
            Instant predicted = random.pick(world.instants);
            world.used.add(predicted);
            last = predicted.minusSeconds(intervalSeconds);
            first = last.minusSeconds(intervalSeconds * (count - 1));
        } else {
            Instant a = world.instant(random);
            Instant b = world.instant(random);
            first = a.isBefore(b) ? a : b;
            last = a.isBefore(b) ? b : a;
            if (count == 1) {
                first = last;
            }
        }
        p.orders(count, gross.toPlainString(), refunded.toPlainString(), first, last);
        BigDecimal lifetime = gross.subtract(refunded);
        record(ComputedField.ORDER_COUNT, BigDecimal.valueOf(count));
        record(ComputedField.LIFETIME_REVENUE, lifetime);
        record(ComputedField.REFUNDED, refunded);
        record(ComputedField.AVERAGE_ORDER_VALUE, lifetime.divide(BigDecimal.valueOf(count), 4, RoundingMode.HALF_UP));
        if (count > 1) {
            double interval = (last.getEpochSecond() - first.getEpochSecond()) / 86400.0 / (count - 1);
            record(ComputedField.AVERAGE_ORDER_INTERVAL_DAYS, BigDecimal.valueOf(interval));
        }
    }

    private void cart(TestProfile p) {
        int lines = random.weighted(4, 3, 2, 1);
        BigDecimal value = BigDecimal.ZERO;
        for (int i = 0; i < lines; i++) {
            BigDecimal price = new BigDecimal(random.pickOf("1.5", "100", "3800", "0"));
            int quantity = random.between(1, 3);
            Map<String, Object> line = new LinkedHashMap<>();
            line.put("productId", "p" + random.between(1, 5));
            line.put("price", price);
            line.put("quantity", quantity);
            line.put("addedAt", world.instant(random).toString());
            p.cart.add(line);
            value = value.add(price.multiply(BigDecimal.valueOf(quantity)));
        }
        p.cartValue = value;
        p.cartUpdatedAt = lines == 0 ? (random.chance(0.2) ? world.instant(random) : null) : world.instant(random);
        record(ComputedField.CART_VALUE, value);
        record(ComputedField.CART_ITEM_COUNT, BigDecimal.valueOf(lines));
    }

    private void record(ComputedField field, BigDecimal value) {
        world.computedNumbers.computeIfAbsent(field, f -> new LinkedHashSet<>()).add(value);
    }

    /** A deep copy, so that no two profiles share a mutable list or map. */
    @SuppressWarnings("unchecked")
    static Object copy(Object value) {
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> result = new LinkedHashMap<>();
            ((Map<String, Object>) map).forEach((k, v) -> result.put(k, copy(v)));
            return result;
        }
        if (value instanceof List<?> list) {
            List<Object> result = new ArrayList<>();
            list.forEach(item -> result.add(copy(item)));
            return result;
        }
        return value;
    }
}
