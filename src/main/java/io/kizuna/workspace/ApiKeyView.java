package io.kizuna.workspace;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import io.kizuna.workspace.auth.Scope;

@Schema(name = "ApiKey", description = "An API key without its secret")
public record ApiKeyView(
        @Schema(description = "Key id") String id,
        @Schema(description = "Workspace the key belongs to") String workspaceId,
        @Schema(description = "Label") String name,
        @Schema(description = "The key's first characters, to tell keys apart", example = "kzn_4f9QzT1a") String prefix,
        @Schema(description = "Scopes the key was issued with") List<Scope> scopes,
        @Schema(description = "When it was issued") Instant createdAt,
        @Schema(description = "When it was revoked, if it was") Instant revokedAt) {

    static ApiKeyView of(ApiKey key) {
        return new ApiKeyView(key.id.toString(), key.workspaceId.toString(), key.name, key.prefix,
                Arrays.stream(key.scopes).map(Scope::fromWire).toList(), key.createdAt, key.revokedAt);
    }
}
