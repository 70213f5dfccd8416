package io.kizuna.condition;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.kizuna.common.time.StoredMicros;

/**
 * The latest event of a name comes from profiles.last_events, not from the event store: a real-time
 * snapshot holds it at the stored time, once, whether or not a range read brought it already.
 */
class SnapshotLatestEventsTest {

    private static final Instant LAST_ADD = Instant.parse("2026-11-20T09:15:00.123456Z");
    private static final Map<String, Object> LAST_EVENTS = Map.of("Product Added", StoredMicros.of(LAST_ADD),
            "Order Completed", StoredMicros.of(Instant.parse("2026-10-01T00:00:00Z")));

    @Test
    void an_add_to_cart_older_than_every_range_read_is_added_at_its_stored_time_without_properties() {
        List<ProfileSnapshot.EventRecord> loaded = List.of(new ProfileSnapshot.EventRecord("Product Viewed", Instant.parse("2026-11-23T10:00:00Z"),
                Map.of("category", "Skincare")));

        List<ProfileSnapshot.EventRecord> events = SnapshotLoader.latestEvents(loaded, Set.of("Product Added"), LAST_EVENTS);

        assertEquals(List.of(loaded.get(0), new ProfileSnapshot.EventRecord("Product Added", LAST_ADD, Map.of())), events);
    }

    @Test
    void an_add_to_cart_a_range_read_already_brought_is_not_added_twice() {
        List<ProfileSnapshot.EventRecord> loaded = List.of(new ProfileSnapshot.EventRecord("Product Added", LAST_ADD, Map.of("price", 4800)));

        assertEquals(loaded, SnapshotLoader.latestEvents(loaded, Set.of("Product Added"), LAST_EVENTS));
    }

    @Test
    void a_name_the_profile_never_sent_adds_nothing() {
        assertTrue(SnapshotLoader.latestEvents(List.of(), Set.of("Checkout Started"), LAST_EVENTS).isEmpty());
    }

    @Test
    void names_no_condition_asks_the_latest_of_are_left_out() {
        assertTrue(SnapshotLoader.latestEvents(List.of(), Set.of(), LAST_EVENTS).isEmpty());
    }
}
