package io.kizuna.condition;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import io.quarkus.runtime.annotations.RegisterForReflection;

@Schema(name = "ConditionPreview", description = "How many profiles match a condition now, and the first of them by id")
@RegisterForReflection
public record ConditionPreview(
        @Schema(description = "Matching profiles") long count,
        @Schema(description = "The first matching profiles, ordered by id") List<Member> members,
        @Schema(description = "The instant the condition was evaluated at") Instant evaluatedAt,
        @Schema(description = "The condition in canonical JSON form") Object conditions) {

    @Schema(name = "ConditionPreviewMember")
    @RegisterForReflection
    public record Member(UUID id, @Schema(description = "Traits as stored") Map<String, Object> traits, Instant lastSeenAt) {
    }
}
