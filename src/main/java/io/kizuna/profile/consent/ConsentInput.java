package io.kizuna.profile.consent;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import io.quarkus.runtime.annotations.RegisterForReflection;

@Schema(name = "ConsentInput")
@RegisterForReflection
public record ConsentInput(
        @Schema(required = true, description = "email, sms, line or messenger", example = "line") String channel,
        @Schema(description = "A subscription topic; absent or \"\" means the channel as a whole", example = "newsletter") String topic,
        @Schema(required = true, description = "true when the customer agreed, false when they refused or unsubscribed") Boolean granted,
        @Schema(description = "Where the answer came from", example = "signup-form") String source) {
}
