package io.kizuna.workspace;

import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

@Schema(name = "UpdateWorkspace", description = "Fields to change; absent fields stay as they are")
public record UpdateWorkspaceRequest(
        @Size(min = 1, max = 200) @Pattern(regexp = ".*\\S.*", message = "must not be blank") @Schema(example = "Sakura Cosmetics Japan") String name,
        @IanaTimeZone @Schema(description = "IANA time zone", example = "Asia/Tokyo") String timeZone) {
}
