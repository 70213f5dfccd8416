package io.kizuna.condition;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

import io.kizuna.ingest.EventPartitions;
import io.quarkus.arc.Arc;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.pgclient.PgPool;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * A profile with everything the condition language reads (traits, computed columns, identities,
 * tags, segment memberships, consents, events), written with plain SQL in the shapes Kizuna stores.
 */
final class TestProfile {

    record Consent(String channel, String topic, boolean granted) {
    }

    record EventRow(String name, Instant occurredAt, Map<String, Object> properties) {
    }

    final UUID id;
    final Map<String, Object> traits = new LinkedHashMap<>();
    Instant firstSeenAt;
    Instant lastSeenAt;
    Instant firstOrderAt;
    Instant lastOrderAt;
    int orderCount;
    BigDecimal gross = BigDecimal.ZERO;
    BigDecimal refunded = BigDecimal.ZERO;
    final List<Map<String, Object>> cart = new ArrayList<>();
    BigDecimal cartValue = BigDecimal.ZERO;
    Instant cartUpdatedAt;
    final Map<String, String> channelActivity = new LinkedHashMap<>();
    Integer rfmRecency;
    Integer rfmFrequency;
    Integer rfmMonetary;
    Instant createdAt = Instant.parse("2025-01-01T00:00:00Z");
    final List<String[]> identities = new ArrayList<>();
    final Set<String> tags = new LinkedHashSet<>();
    final Set<UUID> segments = new LinkedHashSet<>();
    final List<Consent> consents = new ArrayList<>();
    final List<EventRow> events = new ArrayList<>();

    TestProfile(UUID id) {
        this.id = id;
    }

    TestProfile trait(String key, Object value) {
        traits.put(key, value);
        return this;
    }

    TestProfile orders(int count, String grossRevenue, String refundedAmount, Instant first, Instant last) {
        orderCount = count;
        gross = new BigDecimal(grossRevenue);
        refunded = new BigDecimal(refundedAmount);
        firstOrderAt = first;
        lastOrderAt = last;
        return this;
    }

    TestProfile identity(String type, String value) {
        identities.add(new String[] { type, value });
        return this;
    }

    TestProfile tag(String tag) {
        tags.add(tag);
        return this;
    }

    TestProfile consent(String channel, String topic, boolean granted) {
        consents.add(new Consent(channel, topic, granted));
        return this;
    }

    TestProfile event(String name, Instant at, Map<String, Object> properties) {
        events.add(new EventRow(name, at, properties));
        return this;
    }

    /** Inserts a workspace row and the profiles with all their rows, in a few batched statements. */
    static void insert(PgPool pool, UUID workspaceId, String zone, Instant now, List<TestProfile> profiles) {
        // Events get their month's partition first, as ingestion does: rows left in the default
        // partition would stop that month's partition from ever being created (for other tests too).
        Set<YearMonth> months = new TreeSet<>();
        profiles.forEach(p -> p.events.forEach(event -> months.add(YearMonth.from(event.occurredAt().atOffset(ZoneOffset.UTC)))));
        Arc.container().instance(EventPartitions.class).get().ensure(months).await().indefinitely();
        pool.preparedQuery("INSERT INTO workspaces (id, name, time_zone, status, created_at, updated_at) VALUES ($1, $2, $3, 'ACTIVE', $4, $4)")
                .execute(Tuple.of(workspaceId, "conditions " + workspaceId, zone, at(now))).await().indefinitely();
        List<Tuple> rows = new ArrayList<>();
        List<Tuple> identities = new ArrayList<>();
        List<Tuple> tags = new ArrayList<>();
        List<Tuple> members = new ArrayList<>();
        List<Tuple> consents = new ArrayList<>();
        List<Tuple> events = new ArrayList<>();
        int sequence = 0;
        for (TestProfile p : profiles) {
            JsonArray cart = new JsonArray();
            p.cart.forEach(line -> cart.add(new JsonObject(new LinkedHashMap<>(line))));
            JsonObject channels = new JsonObject();
            p.channelActivity.forEach(channels::put);
            rows.add(Tuple.from(java.util.Arrays.asList(workspaceId, p.id, new JsonObject(new LinkedHashMap<>(p.traits)), at(p.firstSeenAt),
                    at(p.lastSeenAt), at(p.firstOrderAt), at(p.lastOrderAt), p.orderCount, p.gross, p.refunded, cart, p.cartValue,
                    at(p.cartUpdatedAt), channels, small(p.rfmRecency), small(p.rfmFrequency), small(p.rfmMonetary), at(p.createdAt), at(now))));
            for (String[] identity : p.identities) {
                identities.add(Tuple.of(workspaceId, identity[0], identity[1], p.id, at(now)));
            }
            for (String tag : p.tags) {
                tags.add(Tuple.of(workspaceId, tag, p.id, at(now)));
            }
            for (UUID segment : p.segments) {
                members.add(Tuple.of(workspaceId, segment, p.id, at(now)));
            }
            for (Consent consent : p.consents) {
                consents.add(Tuple.of(workspaceId, p.id, consent.channel(), consent.topic(), consent.granted(), at(now)));
            }
            for (EventRow event : p.events) {
                UUID eventId = UUID.nameUUIDFromBytes((workspaceId + "/" + p.id + "/" + sequence++).getBytes(java.nio.charset.StandardCharsets.UTF_8));
                events.add(Tuple.from(java.util.Arrays.asList(workspaceId, eventId, p.id, "msg-" + eventId, event.name(), at(event.occurredAt()),
                        at(now), new JsonObject(new LinkedHashMap<>(event.properties())))));
            }
        }
        batch(pool, """
                INSERT INTO profiles (workspace_id, id, traits, trait_times, first_seen_at, last_seen_at, first_order_at, last_order_at,
                                      order_count, gross_revenue, refunded, cart, cart_value, cart_updated_at, channel_activity,
                                      rfm_recency, rfm_frequency, rfm_monetary, created_at, updated_at)
                VALUES ($1, $2, $3, '{}'::jsonb, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)""", rows);
        batch(pool, "INSERT INTO identities (workspace_id, type, value, profile_id, created_at) VALUES ($1, $2, $3, $4, $5)", identities);
        batch(pool, "INSERT INTO profile_tags (workspace_id, tag, profile_id, source, assigned_at) VALUES ($1, $2, $3, 'MANUAL', $4)", tags);
        batch(pool, "INSERT INTO segment_members (workspace_id, segment_id, profile_id, entered_at) VALUES ($1, $2, $3, $4)", members);
        batch(pool, """
                INSERT INTO profile_consents (workspace_id, profile_id, channel, topic, granted, source, updated_at)
                VALUES ($1, $2, $3, $4, $5, 'test', $6)""", consents);
        batch(pool, """
                INSERT INTO events (workspace_id, id, profile_id, message_id, type, name, occurred_at, received_at, properties)
                VALUES ($1, $2, $3, $4, 'track', $5, $6, $7, $8)""", events);
        pool.preparedQuery(LAST_EVENTS).execute(Tuple.of(workspaceId)).await().indefinitely();
    }

    /**
     * Each profile's last event per name, as ingestion keeps it in profiles.last_events (the same
     * statement as V10__profile_last_events.sql, for one workspace).
     */
    static final String LAST_EVENTS = """
            UPDATE profiles p SET last_events = l.last_events
              FROM (SELECT profile_id,
                           jsonb_object_agg(name, (extract(epoch FROM last_at - '2000-01-01 00:00:00+00'::timestamptz) * 1000000)::bigint) AS last_events
                      FROM (SELECT profile_id, name, max(occurred_at) AS last_at
                              FROM events WHERE workspace_id = $1 AND name IS NOT NULL GROUP BY profile_id, name) n
                     GROUP BY profile_id) l
             WHERE p.workspace_id = $1 AND p.id = l.profile_id""";

    private static void batch(PgPool pool, String sql, List<Tuple> tuples) {
        if (!tuples.isEmpty()) {
            pool.preparedQuery(sql).executeBatch(tuples).await().indefinitely();
        }
    }

    static OffsetDateTime at(Instant instant) {
        return instant == null ? null : OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }

    private static Short small(Integer value) {
        return value == null ? null : value.shortValue();
    }
}
