package io.kizuna.profile.identity;

import java.time.Instant;
import java.util.List;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import io.quarkus.runtime.annotations.RegisterForReflection;

@Schema(name = "ProfileMerge", description = "One merge decision: MERGED moved mergedId into survivorId; BLOCKED records a merge the identity rules refused")
@RegisterForReflection
public record MergeView(
        String id,
        String survivorId,
        String mergedId,
        @Schema(enumeration = { "MERGED", "BLOCKED" }) String outcome,
        String reason,
        @Schema(description = "The identities that linked the two profiles") List<IdentityKey> identities,
        Instant mergedAt) {
}
