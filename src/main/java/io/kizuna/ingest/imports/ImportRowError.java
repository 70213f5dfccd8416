package io.kizuna.ingest.imports;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

@Schema(name = "ImportRowError")
public record ImportRowError(
        @Schema(description = "Data row number, 1-based (the CSV header is row 0)") int row,
        @Schema(description = "The offending column or field") String field,
        String message) {
}
