package io.kizuna.ingest.imports;

import java.time.Instant;
import java.util.Map;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

@Schema(name = "ImportJob")
public record ImportJobView(
        String id,
        ImportKind kind,
        ImportFormat format,
        ImportStatus status,
        @Schema(description = "Data rows in the upload, once known") Integer rowsTotal,
        @Schema(description = "Rows read so far") int rowsRead,
        @Schema(description = "Rows stored (or already stored by an earlier attempt)") int rowsImported,
        @Schema(description = "Rows refused; see GET /v1/imports/{id}/errors") int rowsRejected,
        Map<String, String> columns,
        @Schema(description = "Why the job failed, if it did") String failure,
        Instant createdAt,
        Instant startedAt,
        Instant finishedAt) {
}
