package io.kizuna.profile.gdpr;

import java.util.UUID;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;

/** A feature that holds data about profiles and adds its section to a GDPR export, read in the export's snapshot. */
public interface ExportParticipant {

    /** The section's name in the export, such as {@code tags}. */
    String section();

    /** The section's content: plain JSON values (maps, lists, strings, numbers, booleans). */
    Uni<Object> export(SqlConnection connection, UUID workspaceId, UUID profileId);
}
