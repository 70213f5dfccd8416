package io.kizuna.profile.event;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import org.eclipse.microprofile.graphql.Description;
import org.eclipse.microprofile.graphql.Id;
import org.eclipse.microprofile.graphql.Ignore;
import org.eclipse.microprofile.graphql.NonNull;
import org.eclipse.microprofile.graphql.Type;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import io.kizuna.common.json.JsonValues;
import io.kizuna.profile.StoredProfile;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.vertx.mutiny.sqlclient.Row;

/**
 * One stored event of a profile. GraphQL has no JSON scalar, so there the JSON members are
 * replaced by their JSON text ({@code propertiesJson} and so on, see {@code ProfileGraphQL}).
 */
@Type("Event")
@Description("One event of a profile")
@Schema(name = "Event", description = "One event of a profile")
@RegisterForReflection
public record ProfileEventView(
        @NonNull @Id String id,
        @NonNull @Id @Schema(description = "The profile the event was recorded on; a profile merged into this one keeps its own id here") String profileId,
        @Schema(description = "The sender's messageId, unique per workspace") String messageId,
        @NonNull @Schema(enumeration = { "identify", "track", "page", "screen", "group", "alias" }) String type,
        @Description("The event name (track) or page/screen name") @Schema(description = "The event name (track) or page/screen name", example = "Order Completed") String name,
        Instant occurredAt,
        Instant receivedAt,
        Instant sentAt,
        String userId,
        String anonymousId,
        @Schema(example = "web") String channel,
        @Ignore Map<String, Object> properties,
        @Ignore Map<String, Object> traits,
        @Ignore Map<String, Object> context) {

    static final String COLUMNS = """
            e.id, e.profile_id, e.message_id, e.type, e.name, e.occurred_at, e.received_at, e.sent_at,
            e.user_id, e.anonymous_id, e.channel, e.properties, e.traits, e.context""";

    static ProfileEventView from(Row row) {
        return new ProfileEventView(row.getUUID("id").toString(), row.getUUID("profile_id").toString(),
                row.getString("message_id"), row.getString("type"), row.getString("name"),
                StoredProfile.instant(row, "occurred_at"), StoredProfile.instant(row, "received_at"),
                StoredProfile.instant(row, "sent_at"), row.getString("user_id"), row.getString("anonymous_id"),
                row.getString("channel"), JsonValues.object(row.getValue("properties")),
                JsonValues.objectOrNull(row.getValue("traits")), JsonValues.objectOrNull(row.getValue("context")));
    }

    EventCursor cursor() {
        return new EventCursor(occurredAt, UUID.fromString(id));
    }
}
