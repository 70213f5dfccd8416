package io.kizuna.workspace;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

@Schema(name = "CreateWorkspace")
public record CreateWorkspaceRequest(
        @NotBlank @Size(max = 200) @Schema(required = true, example = "Sakura Cosmetics") String name,
        @NotNull @IanaTimeZone @Schema(required = true, description = "IANA time zone", example = "Asia/Tokyo") String timeZone) {
}
