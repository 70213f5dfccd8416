package io.kizuna.profile.gdpr;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import io.kizuna.profile.StoredProfile;
import io.kizuna.profile.computed.ComputedTraits;
import io.kizuna.profile.consent.ConsentView;
import io.kizuna.profile.event.ProfileEventView;
import io.kizuna.profile.identity.IdentityView;
import io.kizuna.profile.identity.MergeView;
import io.quarkus.runtime.annotations.RegisterForReflection;

@Schema(name = "ProfileExport", description = "Everything Kizuna holds about one person (GDPR access and portability)")
@RegisterForReflection
public record ProfileExport(
        @Schema(description = "The profile's id") String profileId,
        @Schema(description = "When this export was taken") Instant exportedAt,
        @Schema(description = "The profile row as stored") StoredProfile profile,
        @Schema(description = "Traits derived at export time") ComputedTraits computed,
        List<IdentityView> identities,
        @Schema(description = "Every event, oldest first, including those of profiles merged into this one") List<ProfileEventView> events,
        List<MergeView> merges,
        @Schema(description = "Consent per channel and topic") List<ConsentView> consents,
        @Schema(description = "What other features hold about the person, by section: tags (current and history), segments (current memberships and history)")
        Map<String, Object> related) {
}
