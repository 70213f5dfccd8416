package io.kizuna.ingest;

import java.util.List;
import java.util.Map;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

@Schema(name = "SegmentBatch", description = "Up to 500 KB of messages; each at most 32 KB")
public record SegmentBatchSchema(
        @Schema(required = true, description = "The messages, each with its type") List<SegmentMessageSchema> batch,
        @Schema(description = "Context merged into every message") Map<String, Object> context,
        @Schema(description = "When the batch was sent, by the sender's clock") String sentAt) {
}
