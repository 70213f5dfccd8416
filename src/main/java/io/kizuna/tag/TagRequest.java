package io.kizuna.tag;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** A tag to create, or the parts of one to change (PATCH: absent fields stay as they are). */
@Schema(name = "TagRequest", description = "A tag's name, kind, description and, for a rule tag, its conditions; on PATCH every field is optional")
@RegisterForReflection
public record TagRequest(
        @Schema(description = "1 to 100 letters, digits, spaces and _ - . : (no leading or trailing space); required on create, cannot change",
                example = "vip") String name,
        @Schema(description = "MANUAL (set by hand or import) or RULE (kept true by its conditions); default RULE when conditions are given, else MANUAL; cannot change",
                enumeration = { "MANUAL", "RULE" }) String kind,
        @Schema(description = "Free text, up to 2000 characters; an empty string clears it") String description,
        @Schema(implementation = Object.class, description = "Rule tags only: a condition in JSON form (see /v1/conditions/catalog). "
                + "It may refer to other tags with {\"tag\": name}, never in a cycle, and never to segments.",
                example = "{\"computed\": {\"field\": \"lifetime_revenue\", \"op\": \"gte\", \"value\": 100000}}")
        Object conditions) {
}
