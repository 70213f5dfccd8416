package io.kizuna.ingest;

import java.time.Instant;
import java.util.List;

import io.kizuna.common.json.Utf8Json;
import io.kizuna.profile.identity.Identity;
import io.vertx.core.buffer.Buffer;
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
     * The UTF-8 bytes of {@code properties}, {@code traits} and {@code context} as the sender wrote
     * them, when they can be stored as they are (null otherwise): storing them spares encoding the
     * objects again.
     */
    public record RawJson(Buffer properties, Buffer traits, Buffer context) {
        static final RawJson NONE = new RawJson(null, null, null);

        /** For a message whose context is combined with its batch's: the combination must be encoded. */
        RawJson withoutContext() {
            return new RawJson(properties, traits, null);
        }
    }

    /** The JSON to store for {@code properties}, as UTF-8 (see {@link Utf8Json}). */
    public Buffer propertiesJson() {
        return raw.properties() != null ? raw.properties() : Utf8Json.of(properties);
    }

    public Buffer traitsJson() {
        return raw.traits() != null ? raw.traits() : Utf8Json.of(traits);
    }

    public Buffer contextJson() {
        return raw.context() != null ? raw.context() : Utf8Json.of(context);
    }
}
