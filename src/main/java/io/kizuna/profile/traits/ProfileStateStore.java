package io.kizuna.profile.traits;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.kizuna.common.json.Utf8Json;
import io.kizuna.common.time.UtcTimes;
import io.kizuna.profile.ProfileLocks;
import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;
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
            channel_activity, created_at, last_events""";

    // The JSON columns arrive as UTF-8 bytes (see Utf8Json).
    private static final String ROWS = """
            unnest($2::uuid[], $3::bytea[], $4::bytea[], $5::timestamptz[], $6::timestamptz[], $7::timestamptz[], $8::timestamptz[],
                   $9::int[], $10::numeric[], $11::numeric[], $12::bytea[], $13::numeric[], $14::timestamptz[], $15::bytea[], $16::bytea[],
                   $17::bytea[], $18::timestamptz[], $20::bytea[])
                AS u(id, traits, trait_times, first_seen_at, last_seen_at, first_order_at, last_order_at, order_count,
                     gross_revenue, refunded, cart, cart_value, cart_updated_at, viewed_products, purchased_products,
                     channel_activity, created_at, last_events)""";

    private static final String INSERT = "INSERT INTO profiles (workspace_id, " + COLUMNS + ", updated_at) "
            + """
            SELECT $1, u.id, convert_from(u.traits, 'UTF8')::jsonb, convert_from(u.trait_times, 'UTF8')::jsonb, u.first_seen_at, u.last_seen_at, u.first_order_at, u.last_order_at,
                   u.order_count, u.gross_revenue, u.refunded, convert_from(u.cart, 'UTF8')::jsonb, u.cart_value, u.cart_updated_at, convert_from(u.viewed_products, 'UTF8')::jsonb,
                   convert_from(u.purchased_products, 'UTF8')::jsonb, convert_from(u.channel_activity, 'UTF8')::jsonb, u.created_at, convert_from(u.last_events, 'UTF8')::jsonb, $19
              FROM""" + " " + ROWS;

    // "p.id = ANY($2)" makes the profiles side an index lookup of just these rows whatever join the
    // generic plan picks; without it a hash join may read every profile of the workspace. A null
    // JSON column means "unchanged": the stored value stays without being parsed and written again.
    private static final String UPDATE = """
            UPDATE profiles p SET traits = coalesce(convert_from(u.traits, 'UTF8')::jsonb, p.traits),
                   trait_times = coalesce(convert_from(u.trait_times, 'UTF8')::jsonb, p.trait_times), first_seen_at = u.first_seen_at,
                   last_seen_at = u.last_seen_at, first_order_at = u.first_order_at, last_order_at = u.last_order_at,
                   order_count = u.order_count, gross_revenue = u.gross_revenue, refunded = u.refunded,
                   cart = coalesce(convert_from(u.cart, 'UTF8')::jsonb, p.cart), cart_value = u.cart_value, cart_updated_at = u.cart_updated_at,
                   viewed_products = coalesce(convert_from(u.viewed_products, 'UTF8')::jsonb, p.viewed_products),
                   purchased_products = coalesce(convert_from(u.purchased_products, 'UTF8')::jsonb, p.purchased_products),
                   channel_activity = coalesce(convert_from(u.channel_activity, 'UTF8')::jsonb, p.channel_activity),
                   last_events = coalesce(convert_from(u.last_events, 'UTF8')::jsonb, p.last_events),
                   created_at = u.created_at, updated_at = $19
              FROM""" + " " + ROWS + """

             WHERE p.workspace_id = $1 AND p.id = ANY($2) AND p.id = u.id""";

    private static final String LOCK_AND_LOAD = ProfileLocks.lockSelecting(COLUMNS);

    /**
     * Locks the profiles (in id order, so two batches never deadlock; see {@link ProfileLocks}) and loads them. A profile
     * missing from the answer was merged away by a concurrent batch.
     */
    public Uni<Map<UUID, ProfileState>> lockAndLoad(SqlConnection connection, UUID workspaceId, List<UUID> ids) {
        if (ids.isEmpty()) {
            return Uni.createFrom().item(new HashMap<>());
        }
        return connection.preparedQuery(LOCK_AND_LOAD)
                .execute(Tuple.of(workspaceId, ProfileLocks.inLockOrder(ids)))
                .map(rows -> {
                    Map<UUID, ProfileState> states = new HashMap<>();
                    for (Row row : rows) {
                        ProfileState state = read(row);
                        states.put(state.id, state);
                    }
                    return states;
                });
    }

    /**
     * Writes new and changed profiles with one statement each, whatever their number, and deletes
     * merged-away ones. The statements touch different rows, so they are all sent at once
     * (pipelined) when the returned Uni is subscribed to, in this order.
     */
    public Uni<Void> save(SqlConnection connection, UUID workspaceId, List<ProfileState> created, List<ProfileState> changed,
            List<UUID> deleted, Instant now) {
        List<Uni<Void>> writes = new ArrayList<>();
        if (!created.isEmpty()) {
            writes.add(connection.preparedQuery(INSERT).execute(columns(workspaceId, created, now, true)).replaceWithVoid());
        }
        if (!changed.isEmpty()) {
            writes.add(connection.preparedQuery(UPDATE).execute(columns(workspaceId, changed, now, false)).replaceWithVoid());
        }
        if (!deleted.isEmpty()) {
            writes.add(connection.preparedQuery("DELETE FROM profiles WHERE workspace_id = $1 AND id = ANY($2)")
                    .execute(Tuple.of(workspaceId, deleted.toArray(UUID[]::new))).replaceWithVoid());
        }
        return writes.isEmpty() ? Uni.createFrom().voidItem() : Uni.join().all(writes).andFailFast().replaceWithVoid();
    }

    /** The profiles as one array per column, for {@link #ROWS}; unless {@code all}, unchanged JSON columns are null. */
    private static Tuple columns(UUID workspaceId, List<ProfileState> states, Instant now, boolean all) {
        int n = states.size();
        UUID[] ids = new UUID[n];
        Buffer[] traits = new Buffer[n];
        Buffer[] traitTimes = new Buffer[n];
        OffsetDateTime[] firstSeen = new OffsetDateTime[n];
        OffsetDateTime[] lastSeen = new OffsetDateTime[n];
        OffsetDateTime[] firstOrder = new OffsetDateTime[n];
        OffsetDateTime[] lastOrder = new OffsetDateTime[n];
        Integer[] orderCounts = new Integer[n];
        java.math.BigDecimal[] gross = new java.math.BigDecimal[n];
        java.math.BigDecimal[] refunded = new java.math.BigDecimal[n];
        Buffer[] carts = new Buffer[n];
        java.math.BigDecimal[] cartValues = new java.math.BigDecimal[n];
        OffsetDateTime[] cartUpdated = new OffsetDateTime[n];
        Buffer[] viewed = new Buffer[n];
        Buffer[] purchased = new Buffer[n];
        Buffer[] channels = new Buffer[n];
        OffsetDateTime[] createdAt = new OffsetDateTime[n];
        Buffer[] lastEvents = new Buffer[n];
        for (int i = 0; i < n; i++) {
            ProfileState state = states.get(i);
            ids[i] = state.id;
            traits[i] = all || state.traitsChanged ? Utf8Json.of(state.traits) : null;
            traitTimes[i] = all || state.traitsChanged ? Utf8Json.of(state.traitTimes) : null;
            firstSeen[i] = time(state.firstSeenAt);
            lastSeen[i] = time(state.lastSeenAt);
            firstOrder[i] = time(state.firstOrderAt);
            lastOrder[i] = time(state.lastOrderAt);
            orderCounts[i] = state.orderCount;
            gross[i] = state.grossRevenue;
            refunded[i] = state.refunded;
            carts[i] = all || state.cartChanged ? Utf8Json.of(state.cart) : null;
            cartValues[i] = state.cartValue;
            cartUpdated[i] = time(state.cartUpdatedAt);
            viewed[i] = all || state.viewedChanged ? Utf8Json.of(state.viewedProducts) : null;
            purchased[i] = all || state.purchasedChanged ? Utf8Json.of(state.purchasedProducts) : null;
            channels[i] = all || state.channelsChanged ? Utf8Json.of(state.channelActivity) : null;
            createdAt[i] = time(state.createdAt);
            lastEvents[i] = all || state.lastEventsChanged ? Utf8Json.of(state.lastEvents) : null;
        }
        return Tuple.tuple(java.util.Arrays.asList(workspaceId, ids, traits, traitTimes, firstSeen, lastSeen, firstOrder, lastOrder, orderCounts,
                gross, refunded, carts, cartValues, cartUpdated, viewed, purchased, channels, createdAt, time(now), lastEvents));
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
        state.lastEvents = (JsonObject) row.getValue("last_events");
        return state;
    }

    static OffsetDateTime time(Instant instant) {
        return UtcTimes.utc(instant);
    }

    static Instant instant(OffsetDateTime time) {
        return time == null ? null : time.toInstant();
    }
}
