package io.kizuna.ingest.imports;

import java.util.Map;

import jakarta.validation.constraints.NotNull;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

@Schema(name = "CreateImport")
public record CreateImportRequest(
        @NotNull @Schema(required = true, description = "PROFILES (rows become identify calls) or EVENTS (rows become track calls)") ImportKind kind,
        @NotNull @Schema(required = true, description = "CSV with a header row, or NDJSON with one Segment message per line") ImportFormat format,
        @Schema(description = """
                CSV column -> target. Targets: userId, anonymousId, timestamp, event, messageId, identity:<type>, \
                trait:<name>[:number|:boolean], property:<name>[:number|:boolean], ignore. Without a mapping, every column \
                is a trait (profiles) or property (events), and columns named userId, user_id, email, phone and \
                line_user_id also identify the person.""",
                example = "{\"会員番号\": \"identity:member_no\", \"電話番号\": \"identity:phone\", \"氏名\": \"trait:name\", \"ポイント\": \"trait:points:number\"}")
        Map<String, String> columns) {
}
