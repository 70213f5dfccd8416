package io.kizuna.ingest;

import java.util.List;
import java.util.Map;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** Documentation of the Segment message shape for the OpenAPI contract; parsing is done by {@link SegmentParser}. */
@Schema(name = "SegmentMessage", description = "A Segment tracking message (https://segment.com/docs/connections/spec/)")
public record SegmentMessageSchema(
        @Schema(description = "identify, track, page, screen, group or alias (required in a batch)") String type,
        @Schema(description = "The user's id in your system; userId or anonymousId is required") String userId,
        @Schema(description = "A device or cookie id for a user not yet known") String anonymousId,
        @Schema(description = "Unique per message; retries with the same messageId are stored once") String messageId,
        @Schema(description = "When the event happened, by the sender's clock (ISO-8601)") String timestamp,
        @Schema(description = "When the sender sent it, by its clock; used to correct clock skew") String sentAt,
        @Schema(description = "track: the event name, e.g. Order Completed") String event,
        @Schema(description = "page and screen: the page or screen name") String name,
        @Schema(description = "alias: the previous id to merge into userId") String previousId,
        @Schema(description = "group: the group id") String groupId,
        @Schema(description = "track, page, screen: event properties") Map<String, Object> properties,
        @Schema(description = "identify, group: traits; email, phone, lineUserId and shopifyCustomerId also identify the person") Map<String, Object> traits,
        @Schema(description = "Context: ip, userAgent, page, app, device, channel, traits, externalIds [{id, type}]") Map<String, Object> context,
        @Schema(description = "Destination switches; stored with the context, not acted on") Map<String, Object> integrations) {
}
