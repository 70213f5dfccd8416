package io.kizuna.workspace;

import java.time.Instant;

import org.eclipse.microprofile.graphql.Id;
import org.eclipse.microprofile.graphql.Type;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

@Type("Workspace")
@Schema(name = "Workspace")
public record WorkspaceView(
        @Id @Schema(description = "Workspace id", example = "0190f3a2-7b1c-7d2e-9f00-1a2b3c4d5e6f") String id,
        @Schema(description = "Display name", example = "Sakura Cosmetics") String name,
        @Schema(description = "IANA time zone used for quiet hours, birthdays and schedules", example = "Asia/Tokyo") String timeZone,
        @Schema(description = "ACTIVE or DISABLED; keys of a disabled workspace are refused") WorkspaceStatus status,
        @Schema(description = "When the workspace was created") Instant createdAt,
        @Schema(description = "When the workspace was disabled, if it is") Instant disabledAt) {

    static WorkspaceView of(Workspace workspace) {
        return new WorkspaceView(workspace.id.toString(), workspace.name, workspace.timeZone, workspace.status,
                workspace.createdAt, workspace.disabledAt);
    }
}
