package io.kizuna.profile;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.enterprise.context.ApplicationScoped;

import io.kizuna.common.id.Ids;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.pgclient.PgPool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Writes profiles, identities, events and merges with plain SQL, in the shapes the ingestion
 * pipeline stores, so profile API tests do not depend on ingestion.
 */
@ApplicationScoped
public class ProfileSeeder {

    private static final Duration WAIT = Duration.ofSeconds(10);
    /** Milliseconds for profile ids, strictly increasing, so profiles created one after another list in that order. */
    private static final AtomicLong MILLIS = new AtomicLong(System.currentTimeMillis());

    private final PgPool pool;

    public ProfileSeeder(PgPool pool) {
        this.pool = pool;
    }

    public Profile profile(String workspaceId) {
        return new Profile(UUID.fromString(workspaceId));
    }

    public UUID event(String workspaceId, UUID profileId, String type, String name, Instant occurredAt, Map<String, Object> properties) {
        UUID id = Ids.newId(occurredAt);
        sql("""
                INSERT INTO events (workspace_id, id, profile_id, message_id, type, name, occurred_at, received_at, user_id,
                                    channel, properties, context)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $7, $8, 'web', $9, $10)""",
                UUID.fromString(workspaceId), id, profileId, "msg-" + id, type, name, at(occurredAt), "user-" + profileId,
                new JsonObject(properties), new JsonObject().put("ip", "203.0.113.7"));
        if (name != null) {
            // as ingestion keeps it: the profile's last event of each name (V10__profile_last_events.sql)
            sql("""
                    UPDATE profiles SET last_events = last_events || jsonb_build_object($3::text,
                           greatest((last_events ->> $3::text)::bigint, (extract(epoch FROM $4::timestamptz - '2000-01-01 00:00:00+00'::timestamptz) * 1000000)::bigint))
                     WHERE workspace_id = $1 AND id = $2""", UUID.fromString(workspaceId), profileId, name, at(occurredAt));
        }
        return id;
    }

    public UUID track(String workspaceId, UUID profileId, String name, Instant occurredAt) {
        return event(workspaceId, profileId, "track", name, occurredAt, Map.of("seq", occurredAt.toString()));
    }

    public void identity(String workspaceId, UUID profileId, String type, String value) {
        sql("INSERT INTO identities (workspace_id, type, value, profile_id, created_at) VALUES ($1, $2, $3, $4, now())",
                UUID.fromString(workspaceId), type, value, profileId);
    }

    /** Records that {@code merged} was merged into {@code survivor} (or that the merge was blocked). */
    public void merge(String workspaceId, UUID survivor, UUID merged, String outcome, Instant at, String type, String value) {
        sql("""
                INSERT INTO profile_merges (workspace_id, id, survivor_id, merged_id, outcome, reason, identities, merged_at)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8)""",
                UUID.fromString(workspaceId), Ids.newId(at), survivor, merged, outcome, "shared " + type,
                new JsonArray().add(new JsonObject().put("type", type).put("value", value)), at(at));
    }

    public long count(String sql, Object... parameters) {
        return rows(sql, parameters).iterator().next().getLong(0);
    }

    public RowSet<Row> rows(String sql, Object... parameters) {
        return pool.preparedQuery(sql).execute(Tuple.from(Arrays.asList(parameters))).await().atMost(WAIT);
    }

    private void sql(String sql, Object... parameters) {
        rows(sql, parameters);
    }

    private static OffsetDateTime at(Instant instant) {
        return instant == null ? null : OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }

    /** A profile to insert; everything not set keeps the column default. */
    public final class Profile {

        private final UUID workspaceId;
        private final Map<String, Object> traits = new LinkedHashMap<>();
        private final JsonObject traitTimes = new JsonObject();
        private final JsonArray cart = new JsonArray();
        private final JsonObject viewed = new JsonObject();
        private final JsonObject purchased = new JsonObject();
        private final JsonObject channels = new JsonObject();
        private final List<String[]> identities = new ArrayList<>();
        private Instant firstSeenAt;
        private Instant lastSeenAt;
        private Instant firstOrderAt;
        private Instant lastOrderAt;
        private int orderCount;
        private BigDecimal gross = BigDecimal.ZERO;
        private BigDecimal refunded = BigDecimal.ZERO;
        private BigDecimal cartValue = BigDecimal.ZERO;
        private Instant cartUpdatedAt;
        private Short recency;
        private Short frequency;
        private Short monetary;
        private Instant createdAt = Instant.parse("2026-01-01T00:00:00Z");

        private Profile(UUID workspaceId) {
            this.workspaceId = workspaceId;
        }

        public Profile trait(String name, Object value) {
            traits.put(name, value);
            traitTimes.put(name, createdAt.toString());
            return this;
        }

        public Profile seen(Instant first, Instant last) {
            firstSeenAt = first;
            lastSeenAt = last;
            return this;
        }

        public Profile orders(int count, String grossRevenue, String refundedAmount, Instant first, Instant last) {
            orderCount = count;
            gross = new BigDecimal(grossRevenue);
            refunded = new BigDecimal(refundedAmount);
            firstOrderAt = first;
            lastOrderAt = last;
            return this;
        }

        public Profile cartLine(String productId, String name, String price, int quantity, Instant addedAt) {
            cart.add(new JsonObject().put("productId", productId).put("sku", "SKU-" + productId).put("name", name)
                    .put("price", new BigDecimal(price)).put("quantity", quantity).put("addedAt", addedAt.toString()));
            cartValue = cartValue.add(new BigDecimal(price).multiply(BigDecimal.valueOf(quantity)));
            cartUpdatedAt = addedAt;
            return this;
        }

        public Profile viewed(String productId, String name, double price, Instant at) {
            viewed.put(productId, new JsonObject().put("at", at.toString()).put("name", name).put("price", price));
            return this;
        }

        public Profile purchased(String productId, Instant at) {
            purchased.put(productId, at.toString());
            return this;
        }

        public Profile channel(String channel, Instant at) {
            channels.put(channel, at.toString());
            return this;
        }

        public Profile rfm(int r, int f, int m) {
            recency = (short) r;
            frequency = (short) f;
            monetary = (short) m;
            return this;
        }

        public Profile identity(String type, String value) {
            identities.add(new String[] { type, value });
            return this;
        }

        public UUID create() {
            UUID id = Ids.newId(Instant.ofEpochMilli(MILLIS.updateAndGet(last -> Math.max(last + 1, System.currentTimeMillis()))));
            sql("""
                    INSERT INTO profiles (workspace_id, id, traits, trait_times, first_seen_at, last_seen_at, first_order_at,
                                          last_order_at, order_count, gross_revenue, refunded, cart, cart_value, cart_updated_at,
                                          viewed_products, purchased_products, channel_activity, rfm_recency, rfm_frequency,
                                          rfm_monetary, created_at, updated_at)
                    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $21)""",
                    workspaceId, id, new JsonObject(traits), traitTimes, at(firstSeenAt), at(lastSeenAt), at(firstOrderAt),
                    at(lastOrderAt), orderCount, gross, refunded, cart, cartValue, at(cartUpdatedAt), viewed, purchased, channels,
                    recency, frequency, monetary, at(createdAt));
            for (String[] identity : identities) {
                ProfileSeeder.this.identity(workspaceId.toString(), id, identity[0], identity[1]);
            }
            return id;
        }
    }
}
