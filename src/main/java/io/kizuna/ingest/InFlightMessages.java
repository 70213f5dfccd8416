package io.kizuna.ingest;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The messageIds this instance is storing right now, in transactions not yet ended.
 *
 * <p>A resend that arrives while its original is still in an open transaction would otherwise
 * block inside PostgreSQL: its insert into {@code message_claims} has to wait for the original's
 * transaction to commit or roll back, and meanwhile it holds the claims it already made, so
 * other batches queue behind it. Instead the resend is set aside here and decided after the
 * original's transaction has ended: a duplicate if it committed, stored anew if it failed.
 * The database's unique key stays the guarantee across instances; this only keeps one
 * instance from queueing on itself.
 */
final class InFlightMessages {

    /** One transaction's claim; completes with true when it committed, false when it failed. */
    static final class Owner {
        private final CompletableFuture<Boolean> ended = new CompletableFuture<>();

        CompletableFuture<Boolean> ended() {
            return ended;
        }
    }

    /** What a transaction may store now, and the messages that wait for another owner. */
    record Split(Owner owner, List<String> owned, Map<String, Owner> waiting) {
    }

    private final Map<UUID, ConcurrentHashMap<String, Owner>> byWorkspace = new ConcurrentHashMap<>();

    Split claim(UUID workspaceId, Collection<String> messageIds) {
        ConcurrentHashMap<String, Owner> inFlight = byWorkspace.computeIfAbsent(workspaceId, id -> new ConcurrentHashMap<>());
        Owner owner = new Owner();
        List<String> owned = new ArrayList<>(messageIds.size());
        Map<String, Owner> waiting = new LinkedHashMap<>();
        for (String messageId : messageIds) {
            Owner current = inFlight.putIfAbsent(messageId, owner);
            if (current == null) {
                owned.add(messageId);
            } else {
                waiting.put(messageId, current);
            }
        }
        return new Split(owner, owned, waiting);
    }

    void release(UUID workspaceId, Split split, boolean committed) {
        ConcurrentHashMap<String, Owner> inFlight = byWorkspace.get(workspaceId);
        for (String messageId : split.owned()) {
            inFlight.remove(messageId, split.owner());
        }
        split.owner().ended.complete(committed);
    }

    int size(UUID workspaceId) {
        ConcurrentHashMap<String, Owner> inFlight = byWorkspace.get(workspaceId);
        return inFlight == null ? 0 : inFlight.size();
    }
}
