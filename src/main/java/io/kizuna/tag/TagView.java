package io.kizuna.tag;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** A tag as the REST API shows it, with its current number of profiles; the nested records are the tag's other read models. */
@Schema(name = "TagDefinition", description = "A tag: MANUAL (set by hand or import) or RULE (kept true by its conditions)")
@RegisterForReflection
public record TagView(
        String name,
        @Schema(description = "MANUAL or RULE") String kind,
        String description,
        @Schema(implementation = Object.class, description = "Rule tags: the condition in canonical JSON form") Object conditions,
        @Schema(description = "Rule tags: BUILDING while the tag is (re)computed in the background, then READY; FAILED with a reason. Manual tags: READY") String status,
        @Schema(description = "Goes up by one each time the conditions change") int version,
        @Schema(description = "When the rule was last computed over every profile") Instant computedAt,
        @Schema(description = "Why the last computation failed (status FAILED)") String failure,
        @Schema(description = "Current number of profiles with the tag") long profiles,
        Instant createdAt,
        Instant updatedAt) {

    @Schema(name = "TagAssignment", description = "A tag a profile has now")
    @RegisterForReflection
    public record Assignment(String name, @Schema(description = "MANUAL, RULE or IMPORT") String source, Instant assignedAt) {
    }

    @Schema(name = "ProfileTags", description = "The tags a profile has now, by name")
    @RegisterForReflection
    public record ProfileTags(UUID profileId, List<Assignment> tags) {
    }

    @Schema(name = "TagMember", description = "A profile that has the tag")
    @RegisterForReflection
    public record Member(UUID profileId, @Schema(description = "MANUAL, RULE or IMPORT") String source, Instant assignedAt) {
    }

    @Schema(name = "TagHistoryEntry", description = "A tag added to or removed from a profile: when and why")
    @RegisterForReflection
    public record HistoryEntry(String tag, UUID profileId, @Schema(description = "ADDED or REMOVED") String action,
            @Schema(description = "Why: MANUAL, RULE, IMPORT, MERGE or ERASURE") String source, Instant at) {
    }

    @Schema(name = "TagAssigned", description = "The outcome of tagging profiles in bulk")
    @RegisterForReflection
    public record Assigned(String tag,
            @Schema(description = "Profiles that got the tag now") int added,
            @Schema(description = "Profiles that already had it") int alreadyHad,
            @Schema(description = "Ids and identities that match no profile of this workspace") int unknown,
            List<String> unknownProfileIds, List<AssignRequest.IdentityRef> unknownIdentities) {
    }

    @Schema(name = "TagUnassigned", description = "The outcome of untagging profiles in bulk")
    @RegisterForReflection
    public record Unassigned(String tag,
            @Schema(description = "Profiles that lost the tag now") int removed,
            @Schema(description = "Profiles that did not have it") int didNotHave,
            @Schema(description = "Ids and identities that match no profile of this workspace") int unknown,
            List<String> unknownProfileIds, List<AssignRequest.IdentityRef> unknownIdentities) {
    }
}
