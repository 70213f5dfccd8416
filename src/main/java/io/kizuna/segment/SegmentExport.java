package io.kizuna.segment;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.kizuna.profile.gdpr.ExportParticipant;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;

/** A profile's segment stays in its GDPR export (segment id and name, entered and exited). */
@ApplicationScoped
public class SegmentExport implements ExportParticipant {

    private static final String STAYS = SegmentStays.OF_PROFILE + " ORDER BY h.entered_at, h.segment_id";

    @Override
    public String section() {
        return "segments";
    }

    @Override
    public Uni<Object> export(SqlConnection connection, UUID workspaceId, UUID profileId) {
        return connection.preparedQuery(STAYS).execute(Tuple.of(workspaceId, profileId)).map(rows -> {
            List<Map<String, Object>> stays = new ArrayList<>();
            for (Row row : rows) {
                Map<String, Object> stay = new LinkedHashMap<>();
                stay.put("segmentId", row.getUUID("segment_id").toString());
                stay.put("name", row.getString("name"));
                stay.put("enteredAt", row.getOffsetDateTime("entered_at").toInstant().toString());
                OffsetDateTime exited = row.getOffsetDateTime("exited_at");
                stay.put("exitedAt", exited == null ? null : exited.toInstant().toString());
                stays.add(stay);
            }
            return stays;
        });
    }
}
