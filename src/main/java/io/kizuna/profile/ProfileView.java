package io.kizuna.profile;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import io.kizuna.profile.computed.ComputedTraits;
import io.quarkus.runtime.annotations.RegisterForReflection;

@Schema(name = "Profile", description = "One customer: traits and computed traits")
@RegisterForReflection
public record ProfileView(
        @Schema(description = "Profile id", example = "0190f3a2-7b1c-7d2e-9f00-1a2b3c4d5e6f") String id,
        @Schema(description = "The id that was asked for, when it had been merged into this profile; null otherwise") String mergedFrom,
        @Schema(description = "Traits: standard ones (email, firstName, birthday, ...) and custom fields") Map<String, Object> traits,
        ComputedTraits computed,
        Instant createdAt,
        Instant updatedAt) {

    public static ProfileView of(StoredProfile profile, UUID requestedId, ComputedTraits computed) {
        return new ProfileView(profile.id().toString(), mergedFrom(profile, requestedId), profile.traits(), computed,
                profile.createdAt(), profile.updatedAt());
    }

    static String mergedFrom(StoredProfile profile, UUID requestedId) {
        return requestedId == null || requestedId.equals(profile.id()) ? null : requestedId.toString();
    }
}
