package io.kizuna.profile.identity;

import java.util.List;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import io.quarkus.runtime.annotations.RegisterForReflection;

@Schema(name = "ProfileIdentities", description = "The identities of a profile")
@RegisterForReflection
public record ProfileIdentities(
        @Schema(description = "The profile's id; differs from the requested id when that one was merged away") String profileId,
        List<IdentityView> items) {
}
