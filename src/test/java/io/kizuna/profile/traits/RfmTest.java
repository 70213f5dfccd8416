package io.kizuna.profile.traits;

import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.kizuna.support.Api;
import io.kizuna.support.Api.Tenant;
import io.kizuna.support.Db;
import io.kizuna.support.Tracking;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Row;

@QuarkusTest
class RfmTest {

    @Inject
    Db db;

    @Test
    void customers_are_scored_by_quintile_and_browsers_are_not_scored() {
        Tenant shop = Tenant.create("rfm");
        UUID workspace = UUID.fromString(shop.workspaceId());
        List<Map<String, Object>> batch = new ArrayList<>();
        // Customer c-i ordered i times, for i * 1000 each, most recently on day i: c-10 is the best on every axis.
        for (int i = 1; i <= 10; i++) {
            for (int order = 0; order < i; order++) {
                batch.add(Map.of("type", "track", "userId", "c-" + i, "event", "Order Completed",
                        "timestamp", String.format("2026-10-%02dT10:00:%02dZ", i, order), "properties", Map.of("total", 1000)));
            }
        }
        batch.add(Map.of("type", "page", "userId", "browser", "name", "Home"));
        Tracking.send(shop.ingestKey(), "batch", Map.of("batch", batch)).statusCode(200);

        Api.withKey(shop.adminKey()).post("/v1/rfm/recompute").then().statusCode(200).body("scored", equalTo(10));
        Api.withKey(shop.readKey()).post("/v1/rfm/recompute").then().statusCode(403);

        assertEquals(List.of(5, 5, 5), scores(workspace, "c-10"));
        assertEquals(List.of(5, 5, 5), scores(workspace, "c-9"));
        assertEquals(List.of(3, 3, 3), scores(workspace, "c-5"));
        assertEquals(List.of(1, 1, 1), scores(workspace, "c-1"));
        Row browser = profileOf(workspace, "browser");
        assertNull(browser.getValue("rfm_recency"));
    }

    @Test
    void with_fewer_than_five_customers_ties_share_a_score_and_a_new_customer_moves_the_others() {
        Tenant shop = Tenant.create("rfm-few");
        UUID workspace = UUID.fromString(shop.workspaceId());
        order(shop, "aki", "2026-10-01T10:00:00Z", 3000);
        order(shop, "ben", "2026-10-02T10:00:00Z", 3000);

        Api.withKey(shop.adminKey()).post("/v1/rfm/recompute").then().statusCode(200).body("scored", equalTo(2));
        // aki: 1 of 2 customers at or below her last order -> ceil(5 * 1/2) = 3; both spent the same -> 5.
        assertEquals(List.of(3, 5, 5), scores(workspace, "aki"));
        assertEquals(List.of(5, 5, 5), scores(workspace, "ben"));

        order(shop, "chie", "2026-10-03T10:00:00Z", 1000);
        order(shop, "chie", "2026-10-03T11:00:00Z", 1000);
        Api.withKey(shop.adminKey()).post("/v1/rfm/recompute").then().statusCode(200).body("scored", equalTo(3));
        // Three customers: ceil(5 * 1/3) = 2, ceil(5 * 2/3) = 4, ceil(5 * 3/3) = 5.
        assertEquals(List.of(2, 4, 5), scores(workspace, "aki"));
        assertEquals(List.of(4, 4, 5), scores(workspace, "ben"));
        assertEquals(List.of(5, 5, 2), scores(workspace, "chie"));

        Api.withKey(shop.adminKey()).post("/v1/rfm/recompute").then().statusCode(200).body("scored", equalTo(3));
        assertEquals(List.of(5, 5, 2), scores(workspace, "chie"), "a run with nothing new changes nothing");
    }

    private static void order(Tenant shop, String userId, String at, int total) {
        Tracking.send(shop.ingestKey(), "track", Map.of("userId", userId, "event", "Order Completed", "timestamp", at,
                "properties", Map.of("total", total))).statusCode(200);
    }

    private List<Integer> scores(UUID workspace, String userId) {
        Row row = profileOf(workspace, userId);
        return List.of(row.getInteger("rfm_recency"), row.getInteger("rfm_frequency"), row.getInteger("rfm_monetary"));
    }

    private Row profileOf(UUID workspace, String userId) {
        return db.one("""
                SELECT p.* FROM profiles p JOIN identities i ON i.workspace_id = p.workspace_id AND i.profile_id = p.id
                 WHERE p.workspace_id = $1 AND i.type = 'user_id' AND i.value = $2""", workspace, userId);
    }
}
