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
