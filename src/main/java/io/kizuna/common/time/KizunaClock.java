package io.kizuna.common.time;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;

import jakarta.inject.Singleton;

import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The only source of "now" in Kizuna. Services inject {@link Clock}; tests inject this class
 * to pin and advance time, so a 30-day journey runs in milliseconds without sleeping.
 */
@Singleton
public class KizunaClock extends Clock {

    private final boolean mutable;
    private final AtomicReference<Instant> pinned = new AtomicReference<>();

    public KizunaClock(@ConfigProperty(name = "kizuna.clock.mutable", defaultValue = "false") boolean mutable) {
        this.mutable = mutable;
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return Clock.fixed(instant(), zone);
    }

    @Override
    public Instant instant() {
        Instant fixed = pinned.get();
        return fixed != null ? fixed : Instant.now();
    }

    /** Pins the clock at the given instant. */
    public void set(Instant instant) {
        requireMutable();
        pinned.set(instant);
    }

    /** Moves the clock forward, pinning it first if it was following the system clock. */
    public Instant advance(Duration duration) {
        requireMutable();
        return pinned.updateAndGet(current -> (current != null ? current : Instant.now()).plus(duration));
    }

    /** Returns to the system clock. */
    public void reset() {
        requireMutable();
        pinned.set(null);
    }

    private void requireMutable() {
        if (!mutable) {
            throw new IllegalStateException("The clock can only be moved when kizuna.clock.mutable=true (tests)");
        }
    }
}
