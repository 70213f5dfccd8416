package io.kizuna.profile.identity;

import java.time.Instant;

import org.eclipse.microprofile.graphql.NonNull;
import org.eclipse.microprofile.graphql.Type;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import io.quarkus.runtime.annotations.RegisterForReflection;

@Type("Identity")
@Schema(name = "Identity", description = "An identifier that resolves to the profile")
@RegisterForReflection
public record IdentityView(
        @NonNull @Schema(description = "user_id, anonymous_id, email, phone, line_user_id, shopify_customer_id or a custom type", example = "email") String type,
        @NonNull @Schema(description = "The normalised value", example = "hanako@example.jp") String value,
        @Schema(description = "When Kizuna first saw it") Instant createdAt) {
}
