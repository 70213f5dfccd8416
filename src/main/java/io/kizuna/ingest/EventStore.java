package io.kizuna.ingest;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.kizuna.common.json.Utf8Json;
import io.kizuna.common.time.UtcTimes;
import io.kizuna.profile.traits.Commerce;
import io.kizuna.profile.traits.TraitEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;

/** The append-only event store: deduplication by messageId, inserts, and moving events on a merge. */
@ApplicationScoped
public class EventStore {

    /** The JSON columns arrive as UTF-8 bytes (see {@link Utf8Json}). */
    private static final String INSERT = """
            INSERT INTO events (workspace_id, id, profile_id, message_id, type, name, occurred_at, received_at, sent_at,
                                user_id, anonymous_id, channel, properties, traits, context)
            SELECT $1, u.id, u.profile_id, u.message_id, u.type, u.name, u.occurred_at, u.received_at, u.sent_at,
                   u.user_id, u.anonymous_id, u.channel, %s, %s, %s
              FROM unnest($2::uuid[], $3::uuid[], $4::text[], $5::text[], $6::text[], $7::timestamptz[], $8::timestamptz[],
                          $9::timestamptz[], $10::text[], $11::text[], $12::text[], $13::bytea[], $14::bytea[], $15::bytea[])
                   AS u(id, profile_id, message_id, type, name, occurred_at, received_at, sent_at,
                        user_id, anonymous_id, channel, properties, traits, context)""".formatted(
            Utf8Json.sql("u.properties"), Utf8Json.sql("u.traits"), Utf8Json.sql("u.context"));

    /** A message ready to store, with the profile it belongs to. */
    public record NewEvent(UUID id, UUID profileId, TrackingMessage message, Instant receivedAt) {
    }

    /**
     * Claims the messageIds; returns those that were not stored before. The keys are inserted in
     * sorted order so that two batches resending overlapping messages lock them in the same order.
     */
    public Uni<List<String>> claimMessageIds(SqlConnection connection, UUID workspaceId, List<String> messageIds) {
        Map<UUID, String> byKey = new HashMap<>(messageIds.size() * 2);
        for (String messageId : messageIds) {
            byKey.put(MessageClaimKeys.of(workspaceId, messageId), messageId);
        }
        return connection.preparedQuery("""
                INSERT INTO message_claims (key)
                SELECT k FROM unnest($1::uuid[]) AS k ORDER BY k
                ON CONFLICT (key) DO NOTHING
                RETURNING key""")
                .execute(Tuple.of(byKey.keySet().toArray(UUID[]::new)))
                .map(rows -> {
                    List<String> fresh = new ArrayList<>();
                    rows.forEach(row -> fresh.add(byKey.get(row.getUUID("key"))));
                    return fresh;
                });
    }

    /** Appends the events with one multi-row statement: one round trip and one plan, whatever the batch size. */
    public Uni<Void> insert(SqlConnection connection, UUID workspaceId, List<NewEvent> events) {
        if (events.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        int n = events.size();
        UUID[] ids = new UUID[n];
        UUID[] profiles = new UUID[n];
        String[] messageIds = new String[n];
        String[] types = new String[n];
        String[] names = new String[n];
        OffsetDateTime[] occurred = new OffsetDateTime[n];
        OffsetDateTime[] received = new OffsetDateTime[n];
        OffsetDateTime[] sent = new OffsetDateTime[n];
        String[] userIds = new String[n];
        String[] anonymousIds = new String[n];
        String[] channels = new String[n];
        Buffer[] properties = new Buffer[n];
        Buffer[] traits = new Buffer[n];
        Buffer[] contexts = new Buffer[n];
        for (int i = 0; i < n; i++) {
            NewEvent event = events.get(i);
            TrackingMessage message = event.message();
            ids[i] = event.id();
            profiles[i] = event.profileId();
            messageIds[i] = message.messageId();
            types[i] = message.type();
            names[i] = message.name();
            occurred[i] = UtcTimes.utc(message.timestamp());
            received[i] = UtcTimes.utc(event.receivedAt());
            sent[i] = UtcTimes.utc(message.sentAt());
            userIds[i] = message.userId();
            anonymousIds[i] = message.anonymousId();
            channels[i] = message.channel();
            properties[i] = message.propertiesJson();
            traits[i] = message.traitsJson();
            contexts[i] = message.contextJson();
        }
        return connection.preparedQuery(INSERT)
                .execute(Tuple.tuple(java.util.Arrays.asList(workspaceId, ids, profiles, messageIds, types, names, occurred, received, sent,
                        userIds, anonymousIds, channels, properties, traits, contexts)))
                .replaceWithVoid();
    }

    /** Moves the events of merged-away profiles to their survivors. */
    public Uni<Void> reassign(SqlConnection connection, UUID workspaceId, Map<UUID, UUID> mergedInto) {
        if (mergedInto.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return connection.preparedQuery("""
                UPDATE events e SET profile_id = m.survivor
                  FROM unnest($2::uuid[], $3::uuid[]) AS m(loser, survivor)
                 WHERE e.workspace_id = $1 AND e.profile_id = m.loser AND e.profile_id = ANY($2)""")
                .execute(Tuple.of(workspaceId, mergedInto.keySet().toArray(UUID[]::new), mergedInto.values().toArray(UUID[]::new)))
                .replaceWithVoid();
    }

    /**
     * A profile's cart events since its last completed order, oldest first. The caller knows when
     * that order was ({@code lastOrderAt}, null for none), so only the events since then are read:
     * an index range scan instead of the profile's whole history.
     */
    public Uni<List<TraitEvent>> cartEvents(SqlConnection connection, UUID workspaceId, UUID profileId, Instant lastOrderAt) {
        return connection.preparedQuery("""
                SELECT type, name, occurred_at, channel, properties FROM events
                 WHERE workspace_id = $1 AND profile_id = $2 AND occurred_at >= $3 AND type = 'track' AND name = ANY($4)
                 ORDER BY occurred_at""")
                .execute(Tuple.of(workspaceId, profileId, lastOrderAt == null ? OffsetDateTime.of(1, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC)
                        : lastOrderAt.atOffset(ZoneOffset.UTC),
                        new String[] { Commerce.PRODUCT_ADDED, Commerce.PRODUCT_REMOVED, Commerce.ORDER_COMPLETED }))
                .map(rows -> {
                    List<TraitEvent> events = new ArrayList<>();
                    for (Row row : rows) {
                        events.add(new TraitEvent(row.getString("type"), row.getString("name"), row.getOffsetDateTime("occurred_at").toInstant(),
                                row.getString("channel"), (JsonObject) row.getValue("properties"), null));
                    }
                    return events;
                });
    }
}
