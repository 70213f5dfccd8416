package io.kizuna.segment;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.UUID;

import io.kizuna.common.json.JsonValues;
import io.vertx.mutiny.sqlclient.Row;

/** A segment row as stored. */
record StoredSegment(UUID id, String name, String description, Object conditions, String status, int version,
        Instant computedAt, String failure, Instant createdAt, Instant updatedAt) {

    /** The select list matching {@link #from(Row)}, for {@code segments s}. */
    static final String COLUMNS = "s.id, s.name, s.description, s.condition, s.status, s.version, s.computed_at, s.failure, s.created_at, s.updated_at";

    static StoredSegment from(Row row) {
        return new StoredSegment(row.getUUID("id"), row.getString("name"), row.getString("description"),
                JsonValues.plain(row.getValue("condition")), row.getString("status"), row.getInteger("version"),
                instant(row.getOffsetDateTime("computed_at")), row.getString("failure"),
                instant(row.getOffsetDateTime("created_at")), instant(row.getOffsetDateTime("updated_at")));
    }

    SegmentView view(long members) {
        return new SegmentView(id, name, description, conditions, status, version, computedAt, failure, members, createdAt, updatedAt);
    }

    static Instant instant(OffsetDateTime value) {
        return value == null ? null : value.toInstant();
    }
}
