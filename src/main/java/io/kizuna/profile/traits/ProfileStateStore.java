package io.kizuna.profile.traits;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;

/** Loads profiles under a row lock and writes their folded state back, in batches. */
@ApplicationScoped
public class ProfileStateStore {

    private static final String COLUMNS = """
            id, traits, trait_times, first_seen_at, last_seen_at, first_order_at, last_order_at, order_count,
            gross_revenue, refunded, cart, cart_value, cart_updated_at, viewed_products, purchased_products,
            channel_activity, created_at""";

    private static final String INSERT = "INSERT INTO profiles (workspace_id, " + COLUMNS + ", updated_at) VALUES "
            + "($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)";

    private static final String UPDATE = """
            UPDATE profiles SET traits = $3, trait_times = $4, first_seen_at = $5, last_seen_at = $6, first_order_at = $7,
                   last_order_at = $8, order_count = $9, gross_revenue = $10, refunded = $11, cart = $12, cart_value = $13,
                   cart_updated_at = $14, viewed_products = $15, purchased_products = $16, channel_activity = $17,
                   created_at = $18, updated_at = $19
             WHERE workspace_id = $1 AND id = $2""";

    /**
     * Locks the profiles (in id order, so two batches never deadlock) and loads them. A profile
     * missing from the answer was merged away by a concurrent batch.
     */
    public Uni<Map<UUID, ProfileState>> lockAndLoad(SqlConnection connection, UUID workspaceId, List<UUID> ids) {
        if (ids.isEmpty()) {
            return Uni.createFrom().item(new HashMap<>());
        }
        return connection.preparedQuery("SELECT " + COLUMNS + " FROM profiles WHERE workspace_id = $1 AND id = ANY($2) ORDER BY id FOR UPDATE")
                .execute(Tuple.of(workspaceId, ids.toArray(UUID[]::new)))
                .map(rows -> {
                    Map<UUID, ProfileState> states = new HashMap<>();
                    for (Row row : rows) {
                        ProfileState state = read(row);
                        states.put(state.id, state);
                    }
                    return states;
                });
    }

    public Uni<Void> save(SqlConnection connection, UUID workspaceId, List<ProfileState> created, List<ProfileState> changed,
            List<UUID> deleted, Instant now) {
        Uni<Void> work = Uni.createFrom().voidItem();
        if (!created.isEmpty()) {
            List<Tuple> rows = new ArrayList<>();
            for (ProfileState state : created) {
                rows.add(tuple(workspaceId, state, now));
            }
            work = work.chain(() -> connection.preparedQuery(INSERT).executeBatch(rows).replaceWithVoid());
        }
        if (!changed.isEmpty()) {
            List<Tuple> rows = new ArrayList<>();
            for (ProfileState state : changed) {
                rows.add(tuple(workspaceId, state, now));
            }
            work = work.chain(() -> connection.preparedQuery(UPDATE).executeBatch(rows).replaceWithVoid());
        }
        if (!deleted.isEmpty()) {
            work = work.chain(() -> connection.preparedQuery("DELETE FROM profiles WHERE workspace_id = $1 AND id = ANY($2)")
                    .execute(Tuple.of(workspaceId, deleted.toArray(UUID[]::new))).replaceWithVoid());
        }
        return work;
    }

    private static Tuple tuple(UUID workspaceId, ProfileState state, Instant now) {
        return Tuple.tuple(List.of(workspaceId, state.id, state.traits, state.traitTimes))
                .addValue(time(state.firstSeenAt)).addValue(time(state.lastSeenAt))
                .addValue(time(state.firstOrderAt)).addValue(time(state.lastOrderAt))
                .addValue(state.orderCount).addValue(state.grossRevenue).addValue(state.refunded)
                .addValue(state.cart).addValue(state.cartValue).addValue(time(state.cartUpdatedAt))
                .addValue(state.viewedProducts).addValue(state.purchasedProducts).addValue(state.channelActivity)
                .addValue(time(state.createdAt)).addValue(time(now));
    }

    private static ProfileState read(Row row) {
        ProfileState state = new ProfileState(row.getUUID("id"), instant(row.getOffsetDateTime("created_at")));
        state.traits = row.getJsonObject("traits");
        state.traitTimes = row.getJsonObject("trait_times");
        state.firstSeenAt = instant(row.getOffsetDateTime("first_seen_at"));
        state.lastSeenAt = instant(row.getOffsetDateTime("last_seen_at"));
        state.firstOrderAt = instant(row.getOffsetDateTime("first_order_at"));
        state.lastOrderAt = instant(row.getOffsetDateTime("last_order_at"));
        state.orderCount = row.getInteger("order_count");
        state.grossRevenue = row.getBigDecimal("gross_revenue");
        state.refunded = row.getBigDecimal("refunded");
        state.cart = (JsonArray) row.getValue("cart");
        state.cartValue = row.getBigDecimal("cart_value");
        state.cartUpdatedAt = instant(row.getOffsetDateTime("cart_updated_at"));
        state.viewedProducts = (JsonObject) row.getValue("viewed_products");
        state.purchasedProducts = (JsonObject) row.getValue("purchased_products");
        state.channelActivity = (JsonObject) row.getValue("channel_activity");
        return state;
    }

    static OffsetDateTime time(Instant instant) {
        return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
    }

    static Instant instant(OffsetDateTime time) {
        return time == null ? null : time.toInstant();
    }
}
