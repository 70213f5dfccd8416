package io.kizuna.tag;

import java.util.List;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** The profiles to tag or untag in bulk: ids, identities, the members of a segment, or any mix of them. */
@Schema(name = "TagAssignRequest", description = "Profiles to tag or untag: by ids, by identities, by the current members of a segment, or a mix; "
        + "at most " + TagService.MAX_BULK + " ids and identities together")
@RegisterForReflection
public record AssignRequest(
        @Schema(description = "Profile ids; a merged-away id counts as the profile it was merged into") List<String> profileIds,
        @Schema(description = "Identities, normalised as ingestion stores them (emails lower-cased, phones in E.164)") List<IdentityRef> identities,
        @Schema(description = "A segment id: its current members") String segmentId,
        @Schema(description = "Why, as recorded in the tag history: MANUAL (default) or IMPORT", enumeration = { "MANUAL", "IMPORT" }) String source) {

    @Schema(name = "TagIdentityRef", description = "An identity of a profile")
    @RegisterForReflection
    public record IdentityRef(@Schema(example = "email") String type, @Schema(example = "hanako@example.jp") String value) {
    }
}
