package io.kizuna.workspace;

import java.util.List;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import io.kizuna.workspace.auth.Scope;

@Schema(name = "CreateApiKey")
public record CreateApiKeyRequest(
        @NotBlank @Size(max = 200) @Schema(required = true, example = "web shop write key") String name,
        @NotEmpty @Schema(required = true, description = "Any of ingest, read, admin", example = "[\"ingest\"]") List<@NotNull Scope> scopes) {
}
