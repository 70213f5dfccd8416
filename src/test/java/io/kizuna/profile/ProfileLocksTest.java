package io.kizuna.profile;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;

class ProfileLocksTest {

    @Test
    void ids_are_locked_once_each_in_the_order_postgresql_sorts_uuids() {
        UUID high = UUID.fromString("80000000-0000-0000-0000-000000000000");
        UUID low = UUID.fromString("00000000-0000-0000-0000-000000000001");
        UUID lowLaterBytes = UUID.fromString("00000000-0000-0000-8000-000000000000");

        // Java's compareTo would put "8000…" first (a negative long); PostgreSQL compares bytes.
        assertArrayEquals(new UUID[] { low, lowLaterBytes, high }, ProfileLocks.inLockOrder(List.of(high, lowLaterBytes, low, high)));
    }
}
