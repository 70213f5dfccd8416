package io.kizuna.tag;

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

/** A profile's tags in its GDPR export: the current ones and every addition and removal. */
@ApplicationScoped
public class TagExport implements ExportParticipant {

    @Override
    public String section() {
        return "tags";
    }

    @Override
    public Uni<Object> export(SqlConnection connection, UUID workspaceId, UUID profileId) {
        Tuple parameters = Tuple.of(workspaceId, profileId);
        return connection.preparedQuery("SELECT tag, source, assigned_at FROM profile_tags WHERE workspace_id = $1 AND profile_id = $2 ORDER BY tag")
                .execute(parameters)
                .chain(current -> connection.preparedQuery(
                        "SELECT audience AS tag, CASE change WHEN 'ENTERED' THEN 'ADDED' ELSE 'REMOVED' END AS action, source, at"
                                + " FROM audience_changes WHERE workspace_id = $1 AND profile_id = $2 AND kind = 'TAG' ORDER BY seq").execute(parameters)
                        .map(history -> {
                            Map<String, Object> section = new LinkedHashMap<>();
                            section.put("current", rows(current, "tag", "source", "assigned_at"));
                            section.put("history", rows(history, "tag", "action", "source", "at"));
                            return section;
                        }));
    }

    static List<Map<String, Object>> rows(Iterable<Row> rows, String... columns) {
        List<Map<String, Object>> list = new ArrayList<>();
        for (Row row : rows) {
            Map<String, Object> item = new LinkedHashMap<>();
            for (String column : columns) {
                Object value = row.getValue(column);
                item.put(column, value instanceof OffsetDateTime time ? time.toInstant().toString() : value == null ? null : value.toString());
            }
            list.add(item);
        }
        return list;
    }
}
