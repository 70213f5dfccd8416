package io.kizuna.profile.identity;

import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.kizuna.support.Api;
import io.kizuna.support.Api.Tenant;
import io.kizuna.support.Db;
import io.kizuna.support.Tracking;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Row;

@QuarkusTest
class IdentityMergeTest {

    @Inject
    Db db;

    private Tenant shop;
    private UUID workspace;

    @BeforeEach
    void a_shop_with_a_store_and_a_web_shop() {
        shop = Tenant.create("merge");
        workspace = UUID.fromString(shop.workspaceId());
    }

    @Test
    void a_store_member_and_an_online_member_become_one_profile() {
        // The store system knows a member by phone and name, and she bought in the store.
        Tracking.send(shop.ingestKey(), "identify", Map.of("anonymousId", "pos-member-8812", "timestamp", "2026-11-01T10:00:00Z",
                "context", Map.of("channel", "store"),
                "traits", Map.of("phone", "090-1234-5678", "name", "佐藤 花子"))).statusCode(200);
        Tracking.send(shop.ingestKey(), "track", Map.of("anonymousId", "pos-member-8812", "event", "Order Completed",
                "timestamp", "2026-11-01T10:05:00Z", "context", Map.of("channel", "store"),
                "properties", Map.of("order_id", "pos-1", "total", 8800))).statusCode(200);
        // Separately, she registered online with her email and bought there.
        Tracking.send(shop.ingestKey(), "identify", Map.of("userId", "web-501", "timestamp", "2026-11-05T21:00:00Z",
                "traits", Map.of("email", "Hanako@Example.JP", "name", "Hanako Sato"))).statusCode(200);
        Tracking.send(shop.ingestKey(), "track", Map.of("userId", "web-501", "event", "Order Completed", "timestamp", "2026-11-06T21:00:00Z",
                "properties", Map.of("order_id", "web-1", "total", 4200))).statusCode(200);
        assertEquals(2L, profiles());

        // She adds her phone to her online account: one identify ties the two together.
        Tracking.send(shop.ingestKey(), "identify", Map.of("userId", "web-501", "timestamp", "2026-11-10T09:00:00Z",
                "traits", Map.of("email", "hanako@example.jp", "phone", "+81 90 1234 5678"))).statusCode(200);

        assertEquals(1L, profiles());
        Row profile = db.one("SELECT * FROM profiles WHERE workspace_id = $1", workspace);
        UUID survivor = profile.getUUID("id");
        assertEquals(2, profile.getInteger("order_count"));
        assertEquals(0, new java.math.BigDecimal("13000").compareTo(profile.getBigDecimal("lifetime_revenue")));
        JsonObject traits = profile.getJsonObject("traits");
        assertEquals("Hanako Sato", traits.getString("name"), "the newest name wins");
        assertTrue(profile.getJsonObject("channel_activity").containsKey("store"));
        assertEquals(List.of("anonymous_id:pos-member-8812", "email:hanako@example.jp", "phone:+819012345678", "user_id:web-501"), identities(survivor));
        assertEquals(5L, db.count("SELECT count(*) FROM events WHERE workspace_id = $1 AND profile_id = $2", workspace, survivor));

        Row merge = db.one("SELECT * FROM profile_merges WHERE workspace_id = $1", workspace);
        assertEquals("MERGED", merge.getString("outcome"));
        assertEquals(survivor, merge.getUUID("survivor_id"));
        assertNotEquals(survivor, merge.getUUID("merged_id"));
    }

    @Test
    void alias_merges_an_anonymous_visitor_into_the_user() {
        Tracking.send(shop.ingestKey(), "track", Map.of("anonymousId", "cookie-1", "event", "Product Added",
                "properties", Map.of("product_id", "serum", "price", 3800))).statusCode(200);
        Tracking.send(shop.ingestKey(), "identify", Map.of("userId", "u-9", "traits", Map.of("plan", "gold"))).statusCode(200);
        assertEquals(2L, profiles());
        Tracking.send(shop.ingestKey(), "alias", Map.of("previousId", "cookie-1", "userId", "u-9")).statusCode(200);
        assertEquals(1L, profiles());
        Row profile = db.one("SELECT traits, cart FROM profiles WHERE workspace_id = $1", workspace);
        assertEquals("gold", profile.getJsonObject("traits").getString("plan"));
        assertEquals(1, ((io.vertx.core.json.JsonArray) profile.getValue("cart")).size(), "the anonymous cart follows the user");
    }

    @Test
    void a_shared_email_does_not_fuse_two_customers_with_their_own_user_ids() {
        Tracking.send(shop.ingestKey(), "identify", Map.of("userId", "mother", "traits", Map.of("email", "family@example.jp"))).statusCode(200);
        Tracking.send(shop.ingestKey(), "identify", Map.of("userId", "daughter", "traits", Map.of("email", "family@example.jp"))).statusCode(200);
        Tracking.send(shop.ingestKey(), "track", Map.of("userId", "daughter", "event", "Order Completed",
                "context", Map.of("traits", Map.of("email", "family@example.jp")), "properties", Map.of("total", 100))).statusCode(200);

        assertEquals(2L, profiles());
        UUID daughter = db.one("SELECT profile_id FROM identities WHERE workspace_id = $1 AND type = 'user_id' AND value = 'daughter'", workspace)
                .getUUID("profile_id");
        assertEquals(1, db.one("SELECT order_count FROM profiles WHERE workspace_id = $1 AND id = $2", workspace, daughter).getInteger("order_count"),
                "the event goes to the profile its user id names");
        Row blocked = db.one("SELECT * FROM profile_merges WHERE workspace_id = $1", workspace);
        assertEquals("BLOCKED", blocked.getString("outcome"));
        assertTrue(blocked.getString("reason").contains("user_id"), blocked.getString("reason"));
    }

    @Test
    void workspace_rules_can_forbid_merging_on_a_type_and_cap_identities() {
        Api.withKey(shop.readKey()).get("/v1/identity-rules").then().statusCode(200)
                .body("maxPerProfile.user_id", equalTo(1));
        Api.withKey(shop.adminKey()).body(Map.of("mergeOn", List.of("user_id", "email"), "maxPerProfile", Map.of("user_id", 1, "email", 1)))
                .put("/v1/identity-rules").then().statusCode(200).body("mergeOn", equalTo(List.of("user_id", "email")));
        Api.withKey(shop.adminKey()).body(Map.of("mergeOn", List.of("Bad Type"), "maxPerProfile", Map.of("email", 0)))
                .put("/v1/identity-rules").then().statusCode(400)
                .body("errors.field", equalTo(List.of("mergeOn[0]", "maxPerProfile.email")));
        Api.withKey(shop.readKey()).body(Map.of("mergeOn", List.of())).put("/v1/identity-rules").then().statusCode(403);

        // Phone may no longer merge: a store record and a web account sharing a phone stay apart.
        Tracking.send(shop.ingestKey(), "identify", Map.of("anonymousId", "pos-1", "traits", Map.of("phone", "09011112222"))).statusCode(200);
        Tracking.send(shop.ingestKey(), "identify", Map.of("userId", "web-1")).statusCode(200);
        Tracking.send(shop.ingestKey(), "identify", Map.of("userId", "web-1", "traits", Map.of("phone", "09011112222"))).statusCode(200);
        assertEquals(2L, profiles());

        // One email per profile: a second email is not attached.
        Tracking.send(shop.ingestKey(), "identify", Map.of("userId", "web-1", "traits", Map.of("email", "a@example.jp"))).statusCode(200);
        Tracking.send(shop.ingestKey(), "identify", Map.of("userId", "web-1", "traits", Map.of("email", "b@example.jp"))).statusCode(200);
        assertEquals(1L, db.count("SELECT count(*) FROM identities WHERE workspace_id = $1 AND type = 'email'", workspace));
    }

    @Test
    void merge_rules_and_identities_are_per_workspace() {
        Tenant other = Tenant.create("other shop");
        Tracking.send(shop.ingestKey(), "identify", Map.of("userId", "same-id", "traits", Map.of("plan", "A"))).statusCode(200);
        Tracking.send(other.ingestKey(), "identify", Map.of("userId", "same-id", "traits", Map.of("plan", "B"))).statusCode(200);
        assertEquals("A", db.one("SELECT traits FROM profiles WHERE workspace_id = $1", workspace).getJsonObject("traits").getString("plan"));
        assertEquals("B", db.one("SELECT traits FROM profiles WHERE workspace_id = $1", UUID.fromString(other.workspaceId()))
                .getJsonObject("traits").getString("plan"));
        Api.withKey(other.adminKey()).body(Map.of("mergeOn", List.of("user_id"), "maxPerProfile", Map.of()))
                .put("/v1/identity-rules").then().statusCode(200);
        Api.withKey(shop.readKey()).get("/v1/identity-rules").then().body("mergeOn.size()", equalTo(6));
    }

    @Test
    void events_streaming_to_both_profiles_while_they_merge_all_land_on_the_survivor() throws Exception {
        Tracking.send(shop.ingestKey(), "identify", Map.of("anonymousId", "pos-77", "traits", Map.of("phone", "090-5555-0101"))).statusCode(200);
        Tracking.send(shop.ingestKey(), "identify", Map.of("userId", "web-77", "traits", Map.of("email", "mika@example.jp"))).statusCode(200);
        ExecutorService senders = Executors.newFixedThreadPool(4);
        try {
            List<CompletableFuture<?>> calls = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                int n = i;
                Map<String, Object> who = n % 2 == 0 ? Map.of("anonymousId", "pos-77") : Map.of("userId", "web-77");
                calls.add(CompletableFuture.runAsync(() -> Tracking.send(shop.ingestKey(), "batch", Map.of("batch", List.of(
                        order(who, "o-" + n + "-a"), order(who, "o-" + n + "-b")))).statusCode(200), senders));
                if (n == 20) {
                    calls.add(CompletableFuture.runAsync(() -> Tracking.send(shop.ingestKey(), "identify", Map.of("userId", "web-77",
                            "traits", Map.of("phone", "+81 90 5555 0101"))).statusCode(200), senders));
                }
            }
            for (CompletableFuture<?> call : calls) {
                call.get();
            }
        } finally {
            senders.shutdown();
        }
        assertEquals(1L, profiles());
        Row survivor = db.one("SELECT id, order_count FROM profiles WHERE workspace_id = $1", workspace);
        assertEquals(80, survivor.getInteger("order_count"), "every order folded into the survivor exactly once");
        assertEquals(83L, db.count("SELECT count(*) FROM events WHERE workspace_id = $1 AND profile_id = $2", workspace, survivor.getUUID("id")),
                "no event was left on the profile merged away");
        assertEquals(83L, db.count("SELECT count(*) FROM events WHERE workspace_id = $1", workspace));
    }

    private static Map<String, Object> order(Map<String, Object> who, String orderId) {
        Map<String, Object> message = new java.util.HashMap<>(who);
        message.putAll(Map.of("type", "track", "event", "Order Completed", "properties", Map.of("order_id", orderId, "total", 1000)));
        return message;
    }

    private long profiles() {
        return db.count("SELECT count(*) FROM profiles WHERE workspace_id = $1", workspace);
    }

    private List<String> identities(UUID profile) {
        return db.rows("SELECT type || ':' || value AS k FROM identities WHERE workspace_id = $1 AND profile_id = $2 ORDER BY 1", workspace, profile)
                .stream().map(row -> row.getString("k")).toList();
    }
}
