package io.kizuna.ingest;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

@Schema(name = "BatchItemError", description = "An item of a batch that was rejected; the others were kept")
public record ItemError(
        @Schema(description = "Position in the batch array") int index,
        @Schema(description = "The offending field", example = "batch[3].event") String field,
        @Schema(description = "What is wrong") String message) {
}
