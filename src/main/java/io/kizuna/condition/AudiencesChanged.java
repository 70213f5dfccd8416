package io.kizuna.condition;

import java.util.UUID;

/**
 * Fired (CDI event, after commit) when a workspace's rule tags or segments were created, changed or
 * deleted, so the real-time engine reloads their conditions and re-plans time-relative wake-ups.
 */
public record AudiencesChanged(UUID workspaceId) {
}
