package io.kizuna.profile.consent;

import java.time.Instant;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import io.quarkus.runtime.annotations.RegisterForReflection;

@Schema(name = "Consent", description = "Consent for a channel and topic; topic \"\" is the channel as a whole")
@RegisterForReflection
public record ConsentView(
        @Schema(description = "email, sms, line or messenger", example = "email") String channel,
        @Schema(description = "A subscription topic, or \"\" for the whole channel", example = "newsletter") String topic,
        @Schema(description = "Whether the customer agreed") boolean granted,
        @Schema(description = "Where the answer came from (form, store, import, ...)") String source,
        Instant updatedAt) {
}
