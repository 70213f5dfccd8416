package io.kizuna.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import java.util.UUID;

import org.junit.jupiter.api.Test;

class InFlightMessagesTest {

    private final InFlightMessages inFlight = new InFlightMessages();
    private final UUID workspace = UUID.randomUUID();

    @Test
    void a_resend_of_a_message_being_stored_waits_for_that_transaction_and_learns_whether_it_committed() {
        InFlightMessages.Split original = inFlight.claim(workspace, List.of("m-1", "m-2"));
        InFlightMessages.Split resend = inFlight.claim(workspace, List.of("m-2", "m-3"));

        assertEquals(List.of("m-1", "m-2"), original.owned());
        assertEquals(List.of("m-3"), resend.owned());
        assertEquals(Set.of("m-2"), resend.waiting().keySet());
        assertSame(original.owner(), resend.waiting().get("m-2"));
        assertFalse(resend.waiting().get("m-2").ended().isDone());

        inFlight.release(workspace, original, true);
        assertTrue(resend.waiting().get("m-2").ended().join());
        inFlight.release(workspace, resend, true);
        assertEquals(0, inFlight.size(workspace));
    }

    @Test
    void after_a_failed_transaction_its_messages_can_be_claimed_again() {
        InFlightMessages.Split failing = inFlight.claim(workspace, List.of("m-1"));
        InFlightMessages.Split resend = inFlight.claim(workspace, List.of("m-1"));
        inFlight.release(workspace, failing, false);

        assertFalse(resend.waiting().get("m-1").ended().join());
        InFlightMessages.Split retry = inFlight.claim(workspace, List.of("m-1"));
        assertEquals(List.of("m-1"), retry.owned());
        inFlight.release(workspace, resend, true);
        inFlight.release(workspace, retry, true);
        assertEquals(0, inFlight.size(workspace));
    }

    @Test
    void workspaces_do_not_share_message_ids() {
        InFlightMessages.Split first = inFlight.claim(workspace, List.of("m-1"));
        InFlightMessages.Split other = inFlight.claim(UUID.randomUUID(), List.of("m-1"));
        assertEquals(List.of("m-1"), other.owned());
        assertTrue(other.waiting().isEmpty());
        inFlight.release(workspace, first, true);
    }
}
