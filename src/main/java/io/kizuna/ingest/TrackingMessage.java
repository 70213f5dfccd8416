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
        List<Identity> identities,
        RawJson raw) {

    /**
     * The JSON text of {@code properties}, {@code traits} and {@code context} as the sender wrote
     * it, when it can be stored as is (null otherwise): storing it spares encoding them again.
     */
    public record RawJson(String properties, String traits, String context) {
        static final RawJson NONE = new RawJson(null, null, null);

        /** For a message whose context is combined with its batch's: the combination must be encoded. */
        RawJson withoutContext() {
            return new RawJson(properties, traits, null);
        }
    }

    public String propertiesJson() {
        return raw.properties() != null ? raw.properties() : properties.encode();
    }

    public String traitsJson() {
        return raw.traits() != null ? raw.traits() : traits == null ? null : traits.encode();
    }

    public String contextJson() {
        return raw.context() != null ? raw.context() : context == null ? null : context.encode();
    }
}
