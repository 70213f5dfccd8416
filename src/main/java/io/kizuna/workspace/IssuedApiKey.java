package io.kizuna.workspace;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

@Schema(name = "IssuedApiKey", description = "A new key. The secret is shown only in this response; store it now.")
public record IssuedApiKey(
        @Schema(description = "The key's metadata") ApiKeyView apiKey,
        @Schema(description = "The secret key, shown once", example = "kzn_4f9QzT1aXb...") String key) {
}
