package io.kizuna.segment;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** A segment to create, or the parts of one to change (PATCH: absent fields stay as they are). */
@Schema(name = "SegmentRequest", description = "A segment's name, description and conditions; on PATCH every field is optional")
@RegisterForReflection
public record SegmentRequest(
        @Schema(description = "1 to 200 characters; required on create", example = "Cart abandoners in Tokyo") String name,
        @Schema(description = "Free text, up to 2000 characters; an empty string clears it") String description,
        @Schema(implementation = Object.class, description = "A condition in JSON form (see /v1/conditions/catalog); required on create. "
                + "Segments may refer to other segments with {\"segment\": id}, never in a cycle.",
                example = "{\"all\": [{\"trait\": {\"path\": \"address.city\", \"op\": \"equals\", \"value\": \"東京\"}}, {\"tag\": \"vip\"}]}")
        Object conditions) {
}
