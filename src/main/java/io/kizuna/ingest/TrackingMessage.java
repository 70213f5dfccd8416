package io.kizuna.ingest;

import java.time.Instant;
import java.util.List;

import io.kizuna.profile.identity.Identity;
import io.vertx.core.json.JsonObject;

/**
 * One validated Segment message. {@code timestamp} is the event time after clock-skew correction;
 * {@code name} is the track event's name or the page or screen name.
 */
public record TrackingMessage(
        String type,
        String messageId,
        String userId,
        String anonymousId,
        String previousId,
        String groupId,
        String name,
        Instant timestamp,
        Instant sentAt,
        JsonObject properties,
        JsonObject traits,
        JsonObject context,
        String channel,
        List<Identity> identities) {
}
