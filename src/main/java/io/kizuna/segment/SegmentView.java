package io.kizuna.segment;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** A segment as the REST API shows it, with its current member count; the nested records are the segment's other read models. */
@Schema(name = "Segment", description = "A saved condition whose members are kept materialized")
@RegisterForReflection
public record SegmentView(
        UUID id,
        String name,
        String description,
        @Schema(implementation = Object.class, description = "The condition in canonical JSON form") Object conditions,
        @Schema(description = "BUILDING while the members are (re)computed in the background, then READY; FAILED with a reason") String status,
        @Schema(description = "Goes up by one each time the conditions change") int version,
        @Schema(description = "When the members were last computed in full") Instant computedAt,
        @Schema(description = "Why the last computation failed (status FAILED)") String failure,
        @Schema(description = "Current number of members") long members,
        Instant createdAt,
        Instant updatedAt) {

    @Schema(name = "SegmentMember", description = "A member of a segment, with the profile's traits")
    @RegisterForReflection
    public record Member(UUID profileId, @Schema(description = "When the profile entered the segment (this stay)") Instant enteredAt,
            @Schema(description = "The profile's traits as stored") Map<String, Object> traits) {
    }

    @Schema(name = "SegmentSize", description = "The number of members at an instant")
    @RegisterForReflection
    public record Size(Instant at, long size) {
    }

    @Schema(name = "SegmentChange", description = "A profile entering or leaving the segment")
    @RegisterForReflection
    public record Change(@Schema(description = "The change's number in the log, unique; read on with the answer's 'next', not with this") long seq,
            UUID profileId, @Schema(description = "ENTERED or EXITED") String change, Instant at) {
    }

    @Schema(name = "SegmentChanges", description = "Membership changes in log order")
    @RegisterForReflection
    public record Changes(List<Change> items,
            @Schema(description = "Pass as 'after' to read on; the same value as given when nothing new arrived") String next) {
    }

    @Schema(name = "SegmentMembership", description = "A profile's stay in a segment; exitedAt is absent while it lasts")
    @RegisterForReflection
    public record Stay(UUID segmentId, @Schema(description = "Absent when the segment was deleted since") String name,
            Instant enteredAt, Instant exitedAt) {
    }

    @Schema(name = "ProfileSegments", description = "The segments a profile is in now, and every stay, newest first")
    @RegisterForReflection
    public record ProfileSegments(UUID profileId, List<Stay> current, List<Stay> history) {
    }
}
