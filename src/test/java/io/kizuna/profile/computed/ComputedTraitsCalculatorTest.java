package io.kizuna.profile.computed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.kizuna.common.error.BadInputException;
import io.kizuna.profile.StoredProfile;

class ComputedTraitsCalculatorTest {

    static final Instant NOW = Instant.parse("2026-11-23T03:00:00Z");

    @Test
    void the_next_order_is_predicted_from_two_orders_on() {
        ComputedTraits one = compute(profile(1, 0d, Map.of(), Map.of(), Instant.parse("2026-11-01T00:00:00Z")));
        assertNull(one.predictedNextOrderAt());

        ComputedTraits three = compute(profile(3, 45.5d, Map.of(), Map.of(), Instant.parse("2026-11-01T00:00:00Z")));
        assertEquals(Instant.parse("2026-12-16T12:00:00Z"), three.predictedNextOrderAt());
        assertEquals(45.5d, three.averageOrderIntervalDays());
    }

    @Test
    void a_view_counts_until_a_purchase_at_or_after_it() {
        Map<String, Object> viewed = Map.of(
                "bought-same-time", Map.of("at", "2026-11-20T00:00:00Z", "name", "A"),
                "bought-before", Map.of("at", "2026-11-20T00:00:00Z", "name", "B"),
                "edge-of-window", Map.of("at", "2026-10-24T03:00:00Z", "name", "C"),
                "too-old", Map.of("at", "2026-10-24T02:59:59Z", "name", "D"),
                "unreadable", Map.of("at", "last week"));
        Map<String, Object> purchased = Map.of(
                "bought-same-time", "2026-11-20T00:00:00Z",
                "bought-before", "2026-11-19T23:59:59Z");
        List<ViewedProduct> result = compute(profile(0, null, viewed, purchased, null)).viewedNotBought();
        assertEquals(List.of("bought-before", "edge-of-window"), result.stream().map(ViewedProduct::productId).toList());
    }

    @Test
    void days_since_last_seen_are_whole_days_and_never_negative() {
        assertEquals(0, ComputedTraitsCalculator.daysSince(NOW.minusSeconds(86_399), NOW));
        assertEquals(1, ComputedTraitsCalculator.daysSince(NOW.minusSeconds(86_400), NOW));
        assertEquals(0, ComputedTraitsCalculator.daysSince(NOW.plusSeconds(5_000), NOW));
        assertNull(ComputedTraitsCalculator.daysSince(null, NOW));
    }

    @Test
    void amounts_lose_the_storage_scale() {
        assertEquals("1200", ComputedTraitsCalculator.money(new BigDecimal("1200.0000")).toPlainString());
        assertEquals("12.5", ComputedTraitsCalculator.money(new BigDecimal("12.5000")).toPlainString());
        assertEquals("0", ComputedTraitsCalculator.money(new BigDecimal("0.0000")).toString());
    }

    @Test
    void the_viewed_window_is_one_to_365_days() {
        assertEquals(30, ComputedTraitsCalculator.viewedDays(null));
        assertEquals(365, ComputedTraitsCalculator.viewedDays(365));
        assertThrows(BadInputException.class, () -> ComputedTraitsCalculator.viewedDays(0));
        assertThrows(BadInputException.class, () -> ComputedTraitsCalculator.viewedDays(366));
    }

    private static ComputedTraits compute(StoredProfile profile) {
        return ComputedTraitsCalculator.compute(profile, NOW, 30);
    }

    private static StoredProfile profile(int orders, Double interval, Map<String, Object> viewed, Map<String, Object> purchased,
            Instant lastOrder) {
        return new StoredProfile(UUID.randomUUID(), Map.of(), Map.of(), null, null, null, lastOrder, orders, BigDecimal.ZERO,
                BigDecimal.ZERO, BigDecimal.ZERO, null, interval, List.of(), BigDecimal.ZERO, null, viewed, purchased, Map.of(),
                null, null, null, NOW, NOW);
    }
}
