package io.kizuna.profile.identity;

import java.util.List;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import io.quarkus.runtime.annotations.RegisterForReflection;

@Schema(name = "ProfileMerges", description = "Merge history of a profile and of the profiles merged into it, oldest first")
@RegisterForReflection
public record ProfileMerges(
        @Schema(description = "The profile's id; differs from the requested id when that one was merged away") String profileId,
        List<MergeView> items) {
}
