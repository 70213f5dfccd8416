package io.kizuna.ingest;

import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.kizuna.common.time.KizunaClock;
import io.kizuna.support.Api.Tenant;
import io.kizuna.support.Db;
import io.kizuna.support.Tracking;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Row;

@QuarkusTest
class TrackingApiTest {

    @Inject
    Db db;

    @Inject
    KizunaClock clock;

    private Tenant shop;
    private UUID workspace;

    @BeforeEach
    void a_shop_with_a_write_key() {
        shop = Tenant.create("tracking");
        workspace = UUID.fromString(shop.workspaceId());
    }

    @AfterEach
    void real_time_again() {
        clock.reset();
    }

    @Test
    void identify_stores_the_event_traits_and_identities() {
        Tracking.send(shop.ingestKey(), "identify", Map.of("userId", "u-100", "messageId", "m-identify",
                "traits", Map.of("email", "Hanako@Example.JP", "firstName", "Hanako", "birthday", "1990-04-01")))
                .statusCode(200).body("success", equalTo(true)).body("accepted", equalTo(1));

        Row event = db.one("SELECT * FROM events WHERE workspace_id = $1 AND message_id = 'm-identify'", workspace);
        assertEquals("identify", event.getString("type"));
        assertEquals("u-100", event.getString("user_id"));
        assertEquals("Hanako", event.getJsonObject("traits").getString("firstName"));

        UUID profile = event.getUUID("profile_id");
        JsonObject traits = db.one("SELECT traits FROM profiles WHERE workspace_id = $1 AND id = $2", workspace, profile).getJsonObject("traits");
        assertEquals("Hanako", traits.getString("firstName"));
        assertEquals("1990-04-01", traits.getString("birthday"));
        assertEquals(List.of("email:hanako@example.jp", "user_id:u-100"), identities(profile));
    }

    @Test
    void track_page_screen_group_and_alias_are_stored_as_the_spec_says() {
        Tracking.send(shop.ingestKey(), "track", Map.of("anonymousId", "anon-1", "messageId", "m-track", "event", "Product Viewed",
                "properties", Map.of("product_id", "p-1", "name", "Serum", "price", 3800))).statusCode(200);
        Tracking.send(shop.ingestKey(), "page", Map.of("anonymousId", "anon-1", "messageId", "m-page", "name", "Home",
                "properties", Map.of("url", "https://shop.example.jp/"))).statusCode(200);
        Tracking.send(shop.ingestKey(), "screen", Map.of("anonymousId", "anon-1", "messageId", "m-screen", "name", "Cart")).statusCode(200);
        Tracking.send(shop.ingestKey(), "group", Map.of("anonymousId", "anon-1", "messageId", "m-group", "groupId", "g-7",
                "traits", Map.of("name", "Sakura Inc."))).statusCode(200);
        Tracking.send(shop.ingestKey(), "alias", Map.of("userId", "u-1", "previousId", "anon-1", "messageId", "m-alias")).statusCode(200);

        Row track = db.one("SELECT * FROM events WHERE workspace_id = $1 AND message_id = 'm-track'", workspace);
        assertEquals("track", track.getString("type"));
        assertEquals("Product Viewed", track.getString("name"));
        assertEquals("p-1", track.getJsonObject("properties").getString("product_id"));
        assertEquals("web", db.one("SELECT channel FROM events WHERE workspace_id = $1 AND message_id = 'm-page'", workspace).getString("channel"));
        assertEquals("mobile", db.one("SELECT channel FROM events WHERE workspace_id = $1 AND message_id = 'm-screen'", workspace).getString("channel"));
        assertEquals("Cart", db.one("SELECT name FROM events WHERE workspace_id = $1 AND message_id = 'm-screen'", workspace).getString("name"));
        assertEquals("g-7", db.one("SELECT traits FROM events WHERE workspace_id = $1 AND message_id = 'm-group'", workspace)
                .getJsonObject("traits").getString("name").equals("Sakura Inc.") ? "g-7" : "?");

        // The alias tied the anonymous visitor to the user: one profile holds every event.
        assertEquals(1L, db.count("SELECT count(DISTINCT profile_id) FROM events WHERE workspace_id = $1", workspace));
        UUID profile = db.one("SELECT profile_id FROM events WHERE workspace_id = $1 AND message_id = 'm-alias'", workspace).getUUID("profile_id");
        assertEquals(List.of("anonymous_id:anon-1", "user_id:u-1"), identities(profile));
    }

    @Test
    void a_bearer_ingest_key_works_too_but_a_read_key_does_not() {
        io.restassured.RestAssured.given().contentType("application/json").header("Authorization", "Bearer " + shop.ingestKey())
                .body(Map.of("userId", "u-2", "event", "Signed Up")).post("/v1/track").then().statusCode(200);
        io.restassured.RestAssured.given().contentType("application/json").header("Authorization", "Bearer " + shop.readKey())
                .body(Map.of("userId", "u-2", "event", "Signed Up")).post("/v1/track").then().statusCode(403);
    }

    @Test
    void the_same_message_id_is_stored_once_and_acknowledged_every_time() {
        Map<String, Object> message = Map.of("userId", "u-3", "messageId", "m-retry", "event", "Order Completed",
                "properties", Map.of("order_id", "o-1", "total", 5000));
        Tracking.send(shop.ingestKey(), "track", message).statusCode(200).body("accepted", equalTo(1)).body("duplicates", equalTo(0));
        Tracking.send(shop.ingestKey(), "track", message).statusCode(200).body("success", equalTo(true))
                .body("accepted", equalTo(0)).body("duplicates", equalTo(1));
        assertEquals(1L, db.count("SELECT count(*) FROM events WHERE workspace_id = $1 AND message_id = 'm-retry'", workspace));
        assertEquals(1, db.one("SELECT order_count FROM profiles WHERE workspace_id = $1", workspace).getInteger("order_count"));
    }

    @Test
    void concurrent_retries_of_one_message_store_it_once() throws Exception {
        Map<String, Object> message = Map.of("userId", "u-4", "messageId", "m-concurrent", "event", "Order Completed",
                "properties", Map.of("total", 1200));
        ExecutorService senders = Executors.newFixedThreadPool(8);
        try {
            List<CompletableFuture<Integer>> calls = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                calls.add(CompletableFuture.supplyAsync(() -> Tracking.send(shop.ingestKey(), "track", message)
                        .statusCode(200).extract().<Integer>path("accepted"), senders));
            }
            int accepted = 0;
            for (CompletableFuture<Integer> call : calls) {
                accepted += call.get();
            }
            assertEquals(1, accepted);
        } finally {
            senders.shutdown();
        }
        assertEquals(1L, db.count("SELECT count(*) FROM events WHERE workspace_id = $1 AND message_id = 'm-concurrent'", workspace));
        assertEquals(1L, db.count("SELECT count(*) FROM message_claims WHERE key = message_claim_key($1::uuid, 'm-concurrent')", workspace.toString()),
                "the claim key is the one V11's message_claim_key computes");
        assertEquals(1L, db.count("SELECT count(*) FROM profiles WHERE workspace_id = $1", workspace));
        assertEquals(1, db.one("SELECT order_count FROM profiles WHERE workspace_id = $1", workspace).getInteger("order_count"));
    }

    @Test
    void concurrent_small_requests_share_transactions_but_each_gets_its_own_answer() throws Exception {
        ExecutorService senders = Executors.newFixedThreadPool(12);
        try {
            List<CompletableFuture<Map<String, Object>>> calls = new ArrayList<>();
            for (int i = 0; i < 48; i++) {
                int n = i;
                // Every third request resends the message of the request before it.
                String messageId = "g-" + (n % 3 == 2 ? n - 1 : n);
                Map<String, Object> message = Map.of("userId", "shopper-" + (n % 6), "messageId", messageId, "event", "Order Completed",
                        "properties", Map.of("total", 1000));
                calls.add(CompletableFuture.supplyAsync(() -> Tracking.send(shop.ingestKey(), "track", message)
                        .statusCode(200).extract().<Map<String, Object>>path(""), senders));
            }
            calls.add(CompletableFuture.supplyAsync(() -> Tracking.send(shop.ingestKey(), "batch", Map.of("batch", List.of(
                    Map.of("type", "track", "userId", "shopper-0", "event", "Cart Viewed", "messageId", "g-batch"),
                    Map.of("type", "track", "userId", "shopper-0", "messageId", "g-no-event"))))
                    .statusCode(200).extract().<Map<String, Object>>path(""), senders));
            int accepted = 0;
            int duplicates = 0;
            for (CompletableFuture<Map<String, Object>> call : calls) {
                Map<String, Object> answer = call.get();
                assertEquals(1, (Integer) answer.get("accepted") + (Integer) answer.get("duplicates"), answer.toString());
                accepted += (Integer) answer.get("accepted");
                duplicates += (Integer) answer.get("duplicates");
            }
            Map<String, Object> batchAnswer = calls.get(calls.size() - 1).get();
            assertEquals(List.of(Map.of("index", 1, "field", "batch[1].event", "message", "is required for track")), batchAnswer.get("errors"));
            assertEquals(33, accepted);
            assertEquals(16, duplicates);
        } finally {
            senders.shutdown();
        }
        assertEquals(33L, db.count("SELECT count(*) FROM events WHERE workspace_id = $1", workspace));
        assertEquals(6L, db.count("SELECT count(*) FROM profiles WHERE workspace_id = $1", workspace));
        assertEquals(32L, db.count("SELECT sum(order_count) FROM profiles WHERE workspace_id = $1", workspace));
    }

    @Test
    void a_senders_clock_skew_is_corrected_with_sent_at() {
        Instant received = Instant.parse("2026-11-23T12:00:00Z");
        clock.set(received);
        // The phone's clock runs 2 hours fast: the event happened 10 minutes before it was sent.
        Tracking.send(shop.ingestKey(), "track", Map.of("userId", "u-5", "messageId", "m-skew", "event", "Cart Viewed",
                "timestamp", "2026-11-23T13:50:00Z", "sentAt", "2026-11-23T14:00:00Z")).statusCode(200);
        // Without sentAt the timestamp is taken as it is.
        Tracking.send(shop.ingestKey(), "track", Map.of("userId", "u-5", "messageId", "m-noskew", "event", "Cart Viewed",
                "timestamp", "2026-11-20T08:00:00+09:00")).statusCode(200);

        Row skewed = db.one("SELECT occurred_at, received_at, sent_at FROM events WHERE workspace_id = $1 AND message_id = 'm-skew'", workspace);
        assertEquals(Instant.parse("2026-11-23T11:50:00Z"), skewed.getOffsetDateTime("occurred_at").toInstant());
        assertEquals(received, skewed.getOffsetDateTime("received_at").toInstant());
        assertEquals(Instant.parse("2026-11-23T14:00:00Z"), skewed.getOffsetDateTime("sent_at").toInstant());
        OffsetDateTime plain = db.one("SELECT occurred_at FROM events WHERE workspace_id = $1 AND message_id = 'm-noskew'", workspace)
                .getOffsetDateTime("occurred_at");
        assertEquals(Instant.parse("2026-11-19T23:00:00Z"), plain.toInstant());
    }

    @Test
    void an_oversized_message_or_batch_is_refused_with_a_clear_problem() {
        String big = "x".repeat(33 * 1024);
        Tracking.send(shop.ingestKey(), "track", Map.of("userId", "u-6", "event", "Big", "properties", Map.of("blob", big)))
                .statusCode(400).contentType("application/problem+json")
                .body("field", equalTo("body")).body("detail", org.hamcrest.Matchers.containsString("32768"));

        List<Map<String, Object>> items = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            items.add(Map.of("type", "track", "userId", "u-6", "event", "Big", "properties", Map.of("blob", "y".repeat(30 * 1024))));
        }
        Tracking.send(shop.ingestKey(), "batch", Map.of("batch", items))
                .statusCode(400).contentType("application/problem+json").body("field", equalTo("batch"));
        assertEquals(0L, db.count("SELECT count(*) FROM events WHERE workspace_id = $1", workspace));
    }

    @Test
    void a_batch_keeps_its_valid_items_and_reports_the_invalid_ones_by_index() {
        List<Map<String, Object>> items = List.of(
                Map.of("type", "track", "userId", "u-7", "event", "Product Added", "messageId", "b-0"),
                Map.of("type", "track", "userId", "u-7", "messageId", "b-1"),
                Map.of("type", "fly", "userId", "u-7", "messageId", "b-2"),
                Map.of("type", "identify", "messageId", "b-3"),
                Map.of("type", "page", "userId", "u-7", "name", "Home", "messageId", "b-4", "timestamp", "yesterday"),
                Map.of("type", "identify", "userId", "u-7", "traits", Map.of("plan", "gold"), "messageId", "b-5"));
        Tracking.send(shop.ingestKey(), "batch", Map.of("batch", items, "sentAt", Instant.now().toString()))
                .statusCode(200)
                .body("success", equalTo(true))
                .body("accepted", equalTo(2))
                .body("errors", hasSize(4))
                .body("errors.index", equalTo(List.of(1, 2, 3, 4)))
                .body("errors.field", equalTo(List.of("batch[1].event", "batch[2].type", "batch[3].userId", "batch[4].timestamp")));
        assertEquals(List.of("b-0", "b-5"), db.rows("SELECT message_id FROM events WHERE workspace_id = $1 ORDER BY message_id", workspace)
                .stream().map(row -> row.getString("message_id")).toList());

        Tracking.send(shop.ingestKey(), "batch", Map.of("batch", List.of(Map.of("type", "track", "userId", "u-7"))))
                .statusCode(400).contentType("application/problem+json").body("field", equalTo("batch[0].event"));
        Tracking.send(shop.ingestKey(), "batch", "{\"batch\": [").statusCode(400).body("field", equalTo("body"));
    }

    @Test
    void properties_traits_and_context_are_stored_as_sent_with_batch_context_merged_in() {
        String batch = """
                {"batch": [
                   {"type": "track", "userId": "u-9", "messageId": "raw-0", "event": "Product Added",
                    "properties": {"name": "化粧水 ✨ 200ml", "price": 3800.50, "tags": ["新作", {"k": null}], "nested": {"a": {"b": [1, 2.5e3]}}},
                    "context": {"page": {"url": "https://shop.example.jp/商品/1"}}},
                   {"type": "identify", "userId": "u-9", "messageId": "raw-1", "traits": {"name": "山田 花子", "vip": true}}
                 ],
                 "context": {"library": {"name": "analytics-node", "version": "3.1.0"}}}""";
        Tracking.send(shop.ingestKey(), "batch", batch).statusCode(200).body("accepted", equalTo(2));
        Tracking.send(shop.ingestKey(), "track", """
                {"userId": "u-9", "messageId": "raw-2", "event": "Cart Viewed", "properties": {"note": "カート \\"quoted\\" \\u00e9"}}""")
                .statusCode(200);

        Row added = db.one("SELECT properties, context FROM events WHERE workspace_id = $1 AND message_id = 'raw-0'", workspace);
        assertEquals(new JsonObject("""
                {"name": "化粧水 ✨ 200ml", "price": 3800.50, "tags": ["新作", {"k": null}], "nested": {"a": {"b": [1, 2.5e3]}}}"""),
                added.getJsonObject("properties"));
        assertEquals(new JsonObject("""
                {"page": {"url": "https://shop.example.jp/商品/1"}, "library": {"name": "analytics-node", "version": "3.1.0"}}"""),
                added.getJsonObject("context"));
        Row identify = db.one("SELECT traits, context FROM events WHERE workspace_id = $1 AND message_id = 'raw-1'", workspace);
        assertEquals(new JsonObject("{\"name\": \"山田 花子\", \"vip\": true}"), identify.getJsonObject("traits"));
        assertEquals("analytics-node", identify.getJsonObject("context").getJsonObject("library").getString("name"));
        assertEquals("カート \"quoted\" é", db.one("SELECT properties FROM events WHERE workspace_id = $1 AND message_id = 'raw-2'", workspace)
                .getJsonObject("properties").getString("note"));
    }

    @Test
    void a_nul_character_is_refused_by_name_and_does_not_cost_the_rest_of_the_batch() {
        Tracking.send(shop.ingestKey(), "batch", """
                {"batch": [{"type": "track", "userId": "u-nul", "event": "Cart Viewed", "messageId": "nul-0", "properties": {"x": "a\\u0000b"}},
                           {"type": "track", "userId": "u-nul", "event": "Cart Viewed", "messageId": "nul-1"}]}""")
                .statusCode(200).body("accepted", equalTo(1)).body("errors[0].field", equalTo("batch[0].properties"));
        Tracking.send(shop.ingestKey(), "identify", """
                {"userId": "u-nul", "traits": {"name": "\\u0000"}}""")
                .statusCode(400).contentType("application/problem+json").body("field", equalTo("traits"));
    }

    @Test
    void a_single_call_names_the_bad_field() {
        Tracking.send(shop.ingestKey(), "track", Map.of("userId", "u-8")).statusCode(400).body("field", equalTo("event"));
        Tracking.send(shop.ingestKey(), "identify", Map.of("traits", Map.of())).statusCode(400).body("field", equalTo("userId"));
        Tracking.send(shop.ingestKey(), "alias", Map.of("userId", "u-8")).statusCode(400).body("field", equalTo("previousId"));
        Tracking.send(shop.ingestKey(), "track", Map.of("userId", "u-8", "event", "X", "properties", List.of(1))).statusCode(400)
                .body("field", equalTo("properties"));
        assertNull(db.rows("SELECT 1 FROM events WHERE workspace_id = $1", workspace).stream().findAny().orElse(null));
    }

    private List<String> identities(UUID profile) {
        return db.rows("SELECT type || ':' || value AS k FROM identities WHERE workspace_id = $1 AND profile_id = $2 ORDER BY 1", workspace, profile)
                .stream().map(row -> row.getString("k")).toList();
    }
}
