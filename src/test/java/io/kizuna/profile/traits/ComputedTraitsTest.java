package io.kizuna.profile.traits;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.kizuna.support.Api.Tenant;
import io.kizuna.support.Db;
import io.kizuna.support.Tracking;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Row;

@QuarkusTest
class ComputedTraitsTest {

    @Inject
    Db db;

    private Tenant shop;
    private UUID workspace;

    @BeforeEach
    void a_shop() {
        shop = Tenant.create("computed");
        workspace = UUID.fromString(shop.workspaceId());
    }

    private static Map<String, Object> track(String event, String timestamp, Map<String, Object> properties) {
        return Map.of("type", "track", "userId", "u-1", "event", event, "timestamp", timestamp, "properties", properties);
    }

    @Test
    void orders_arriving_out_of_order_with_a_refund_give_correct_totals_and_intervals() {
        // Sent newest first, as a mobile SDK flushing an offline queue might.
        Tracking.send(shop.ingestKey(), "batch", Map.of("batch", List.of(
                track("Order Completed", "2026-11-21T10:00:00Z", Map.of("order_id", "o-3", "total", 3000)),
                track("Order Refunded", "2026-11-22T10:00:00Z", Map.of("order_id", "o-2", "total", 2000)),
                track("Order Completed", "2026-11-01T10:00:00Z", Map.of("order_id", "o-1", "total", 1000))))).statusCode(200);
        // A late event from before them all.
        Tracking.send(shop.ingestKey(), "track", Map.of("userId", "u-1", "event", "Order Completed", "timestamp", "2026-11-11T10:00:00Z",
                "properties", Map.of("order_id", "o-2", "total", 2000))).statusCode(200);
        Tracking.send(shop.ingestKey(), "page", Map.of("userId", "u-1", "name", "Old page", "timestamp", "2026-10-01T00:00:00Z")).statusCode(200);

        Row profile = db.one("SELECT * FROM profiles WHERE workspace_id = $1", workspace);
        assertEquals(3, profile.getInteger("order_count"));
        assertEquals(0, new BigDecimal("6000").compareTo(profile.getBigDecimal("gross_revenue")));
        assertEquals(0, new BigDecimal("4000").compareTo(profile.getBigDecimal("lifetime_revenue")), "net of refunds");
        assertEquals(0, new BigDecimal("1333.3333").compareTo(profile.getBigDecimal("average_order_value")));
        assertEquals(10.0, profile.getDouble("average_order_interval_days"), 1e-9);
        assertEquals(Instant.parse("2026-11-01T10:00:00Z"), profile.getOffsetDateTime("first_order_at").toInstant());
        assertEquals(Instant.parse("2026-11-21T10:00:00Z"), profile.getOffsetDateTime("last_order_at").toInstant());
        assertEquals(Instant.parse("2026-10-01T00:00:00Z"), profile.getOffsetDateTime("first_seen_at").toInstant());
        assertEquals(Instant.parse("2026-11-22T10:00:00Z"), profile.getOffsetDateTime("last_seen_at").toInstant(),
                "a late event does not move last seen backwards");
    }

    @Test
    void a_late_cart_event_is_placed_where_it_belongs_in_time() {
        Tracking.send(shop.ingestKey(), "track", Map.of("userId", "u-1", "event", "Product Added", "timestamp", "2026-11-20T10:00:00Z",
                "properties", Map.of("product_id", "serum", "price", 3800, "quantity", 1))).statusCode(200);
        Tracking.send(shop.ingestKey(), "track", Map.of("userId", "u-1", "event", "Order Completed", "timestamp", "2026-11-20T11:00:00Z",
                "properties", Map.of("total", 3800))).statusCode(200);
        Tracking.send(shop.ingestKey(), "track", Map.of("userId", "u-1", "event", "Product Added", "timestamp", "2026-11-20T12:00:00Z",
                "properties", Map.of("product_id", "cream", "price", 5200))).statusCode(200);
        // Arrives last but happened before the order: the order already emptied it from the cart.
        Tracking.send(shop.ingestKey(), "track", Map.of("userId", "u-1", "event", "Product Added", "timestamp", "2026-11-20T10:30:00Z",
                "properties", Map.of("product_id", "mask", "price", 900))).statusCode(200);

        Row profile = db.one("SELECT cart, cart_value, cart_updated_at FROM profiles WHERE workspace_id = $1", workspace);
        JsonArray cart = (JsonArray) profile.getValue("cart");
        assertEquals(1, cart.size());
        assertEquals("cream", cart.getJsonObject(0).getString("productId"));
        assertEquals(0, new BigDecimal("5200").compareTo(profile.getBigDecimal("cart_value")));
        assertEquals(Instant.parse("2026-11-20T12:00:00Z"), profile.getOffsetDateTime("cart_updated_at").toInstant());

        // Late too, but after the order: it joins the cart in time order, before the cream.
        Tracking.send(shop.ingestKey(), "track", Map.of("userId", "u-1", "event", "Product Added", "timestamp", "2026-11-20T11:30:00Z",
                "properties", Map.of("product_id", "toner", "price", 1500))).statusCode(200);
        JsonArray rebuilt = (JsonArray) db.one("SELECT cart FROM profiles WHERE workspace_id = $1", workspace).getValue("cart");
        assertEquals(List.of("toner", "cream"), rebuilt.stream().map(line -> ((JsonObject) line).getString("productId")).toList());
        assertEquals(0, new BigDecimal("6700").compareTo(db.one("SELECT cart_value FROM profiles WHERE workspace_id = $1", workspace)
                .getBigDecimal("cart_value")));
    }

    @Test
    void one_order_leaves_the_interval_unknown_and_channels_are_tracked() {
        Tracking.send(shop.ingestKey(), "track", Map.of("userId", "u-1", "event", "Order Completed", "properties", Map.of("total", 500),
                "context", Map.of("channel", "LINE"))).statusCode(200);
        Tracking.send(shop.ingestKey(), "screen", Map.of("userId", "u-1", "name", "Home")).statusCode(200);
        Row profile = db.one("SELECT average_order_interval_days, channel_activity FROM profiles WHERE workspace_id = $1", workspace);
        assertNull(profile.getValue("average_order_interval_days"));
        assertEquals(List.of("line", "mobile"), profile.getJsonObject("channel_activity").fieldNames().stream().sorted().toList());
    }
}
