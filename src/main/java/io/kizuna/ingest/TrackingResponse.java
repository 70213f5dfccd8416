package io.kizuna.ingest;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

@JsonInclude(JsonInclude.Include.NON_NULL)
@Schema(name = "TrackingResponse", description = "Segment's acknowledgement, with Kizuna's counts")
public record TrackingResponse(
        @Schema(description = "Always true when the request was accepted") boolean success,
        @Schema(description = "Messages stored now") int accepted,
        @Schema(description = "Messages whose messageId was already stored; acknowledged, not stored again") int duplicates,
        @Schema(description = "Messages dropped because an identifier was erased (GDPR)") int suppressed,
        @Schema(description = "Rejected batch items; absent when there are none") List<ItemError> errors) {
}
