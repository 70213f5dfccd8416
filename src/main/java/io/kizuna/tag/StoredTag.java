package io.kizuna.tag;

import java.time.Instant;
import java.time.OffsetDateTime;

import io.kizuna.common.json.JsonValues;
import io.vertx.mutiny.sqlclient.Row;

/** A tag row as stored. */
record StoredTag(String name, String kind, String description, Object conditions, String status, int version,
        Instant computedAt, String failure, Instant createdAt, Instant updatedAt) {

    static final String MANUAL = "MANUAL";
    static final String RULE = "RULE";

    /** The select list matching {@link #from(Row)}, for {@code tags g}. */
    static final String COLUMNS = "g.name, g.kind, g.description, g.condition, g.status, g.version, g.computed_at, g.failure, g.created_at, g.updated_at";

    static StoredTag from(Row row) {
        Object condition = row.getValue("condition");
        return new StoredTag(row.getString("name"), row.getString("kind"), row.getString("description"),
                condition == null ? null : JsonValues.plain(condition), row.getString("status"), row.getInteger("version"),
                instant(row.getOffsetDateTime("computed_at")), row.getString("failure"),
                instant(row.getOffsetDateTime("created_at")), instant(row.getOffsetDateTime("updated_at")));
    }

    boolean rule() {
        return RULE.equals(kind);
    }

    TagView view(long profiles) {
        return new TagView(name, kind, description, conditions, status, version, computedAt, failure, profiles, createdAt, updatedAt);
    }

    static Instant instant(OffsetDateTime value) {
        return value == null ? null : value.toInstant();
    }
}
