package io.kizuna.workspace;

import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.kizuna.support.Api;
import io.kizuna.workspace.auth.ApiKeyCodec;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.pgclient.PgPool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

@QuarkusTest
class AdminWorkspaceTest {

    @Inject
    PgPool pool;

    @Test
    void the_operator_creates_a_workspace_with_a_name_and_time_zone() {
        String id = Api.asOperator().body(Map.of("name", "Sakura Cosmetics", "timeZone", "Asia/Tokyo"))
                .post("/v1/admin/workspaces")
                .then().statusCode(201)
                .body("name", equalTo("Sakura Cosmetics"))
                .body("timeZone", equalTo("Asia/Tokyo"))
                .body("status", equalTo("ACTIVE"))
                .body("createdAt", notNullValue())
                .extract().path("id");

        Api.asOperator().get("/v1/admin/workspaces/" + id).then().statusCode(200).body("name", equalTo("Sakura Cosmetics"));
    }

    @Test
    void workspaces_are_listed_page_by_page_without_gaps_or_repeats() {
        for (int i = 0; i < 5; i++) {
            Api.createWorkspace("paging " + i);
        }
        Set<String> seen = new HashSet<>();
        List<String> order = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            var request = Api.asOperator().queryParam("limit", 2);
            if (cursor != null) {
                request = request.queryParam("after", cursor);
            }
            var page = request.get("/v1/admin/workspaces").then().statusCode(200).extract();
            List<String> ids = page.path("items.id");
            ids.forEach(id -> assertFalse(!seen.add(id), "workspace listed twice: " + id));
            order.addAll(ids);
            cursor = page.path("nextCursor");
            pages++;
        } while (cursor != null && pages < 1000);
        assertEquals(order.stream().sorted().toList(), order, "oldest first, by time-ordered id");
        Api.asOperator().queryParam("limit", 0).get("/v1/admin/workspaces").then().statusCode(400).body("field", equalTo("limit"));
        Api.asOperator().queryParam("after", "%%%").get("/v1/admin/workspaces").then().statusCode(400).body("field", equalTo("after"));
    }

    @Test
    void an_issued_key_is_shown_once_and_stored_only_as_its_sha256() {
        String workspace = Api.createWorkspace("hashing");
        var issued = Api.asOperator().body(Map.of("name", "store POS", "scopes", List.of("ingest", "read")))
                .post("/v1/admin/workspaces/" + workspace + "/keys")
                .then().statusCode(201)
                .body("key", matchesPattern("kzn_[0-9A-Za-z]{40}"))
                .body("apiKey.scopes", equalTo(List.of("ingest", "read")))
                .body("apiKey.revokedAt", nullValue())
                .extract();
        String secret = issued.path("key");
        String keyId = issued.path("apiKey.id");
        assertEquals(secret.substring(0, 12), issued.path("apiKey.prefix"));

        Api.asOperator().get("/v1/admin/workspaces/" + workspace + "/keys")
                .then().statusCode(200)
                .body("items", hasSize(1))
                .body("items[0].id", equalTo(keyId))
                .body("items[0].key", nullValue());

        Row stored = pool.preparedQuery("SELECT key_hash, prefix, scopes FROM api_keys WHERE id = $1")
                .execute(Tuple.of(UUID.fromString(keyId))).await().atMost(Duration.ofSeconds(5)).iterator().next();
        assertArrayEquals(ApiKeyCodec.hash(secret), stored.getBuffer("key_hash").getBytes());
        Row anyPlain = pool.preparedQuery("SELECT count(*) AS n FROM api_keys WHERE position($1 in prefix || array_to_string(scopes, ',') || name) > 0")
                .execute(Tuple.of(secret)).await().atMost(Duration.ofSeconds(5)).iterator().next();
        assertEquals(0L, anyPlain.getLong("n"));
    }

    @Test
    void keys_and_workspaces_that_do_not_exist_are_not_found() {
        Api.asOperator().get("/v1/admin/workspaces/" + UUID.randomUUID()).then().statusCode(404).body("code", equalTo("NOT_FOUND"));
        Api.asOperator().body(Map.of("name", "k", "scopes", List.of("read")))
                .post("/v1/admin/workspaces/" + UUID.randomUUID() + "/keys").then().statusCode(404);
        String workspace = Api.createWorkspace("missing key");
        Api.asOperator().delete("/v1/admin/workspaces/" + workspace + "/keys/" + UUID.randomUUID()).then().statusCode(404);
        Api.asOperator().get("/v1/admin/workspaces/not-a-uuid").then().statusCode(404).contentType("application/problem+json");
    }

    @Test
    void a_workspace_admin_issues_and_revokes_keys_of_its_own_workspace() {
        Api.Tenant shop = Api.Tenant.create("self service");
        String newKey = Api.withKey(shop.adminKey()).body(Map.of("name", "analytics", "scopes", List.of("read")))
                .post("/v1/keys").then().statusCode(201).extract().path("key");
        String newKeyId = Api.withKey(newKey).get("/v1/workspace").then().statusCode(200).extract().path("id");
        assertEquals(shop.workspaceId(), newKeyId);

        String id = Api.withKey(shop.adminKey()).get("/v1/keys").then().extract().path("items.find { it.name == 'analytics' }.id");
        Api.withKey(shop.adminKey()).delete("/v1/keys/" + id).then().statusCode(200).body("revokedAt", notNullValue());
        Api.withKey(newKey).get("/v1/workspace").then().statusCode(401);
    }
}
