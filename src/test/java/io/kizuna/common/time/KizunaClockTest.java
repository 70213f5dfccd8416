package io.kizuna.common.time;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;

class KizunaClockTest {

    @Test
    void a_pinned_clock_stands_still_until_advanced() {
        KizunaClock clock = new KizunaClock(true);
        Instant start = Instant.parse("2026-11-23T03:00:00Z");
        clock.set(start);
        assertEquals(start, clock.instant());
        assertEquals(start, clock.instant());
        clock.advance(Duration.ofDays(30));
        assertEquals(Instant.parse("2026-12-23T03:00:00Z"), clock.instant());
        clock.reset();
        assertTrue(clock.instant().isAfter(Instant.parse("2026-01-01T00:00:00Z")));
    }

    @Test
    void advancing_a_free_running_clock_pins_it_ahead_of_now() {
        KizunaClock clock = new KizunaClock(true);
        Instant before = Instant.now();
        Instant moved = clock.advance(Duration.ofHours(3));
        assertTrue(!moved.isBefore(before.plus(Duration.ofHours(3))));
        assertEquals(moved, clock.instant());
    }

    @Test
    void outside_tests_the_clock_cannot_be_moved() {
        KizunaClock clock = new KizunaClock(false);
        assertThrows(IllegalStateException.class, () -> clock.set(Instant.EPOCH));
        assertThrows(IllegalStateException.class, () -> clock.advance(Duration.ofSeconds(1)));
    }
}
