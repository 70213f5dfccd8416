package io.kizuna.tag;

import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.kizuna.condition.AudiencesChanged;

/** Counts the AudiencesChanged events per workspace, standing in for the real-time engine. */
@ApplicationScoped
public class AudienceChangesObserved {

    private final Map<UUID, AtomicInteger> fired = new ConcurrentHashMap<>();

    void on(@Observes AudiencesChanged event) {
        fired.computeIfAbsent(event.workspaceId(), id -> new AtomicInteger()).incrementAndGet();
    }

    public int count(String workspaceId) {
        AtomicInteger count = fired.get(UUID.fromString(workspaceId));
        return count == null ? 0 : count.get();
    }
}
