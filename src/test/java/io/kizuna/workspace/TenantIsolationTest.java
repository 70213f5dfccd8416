package io.kizuna.workspace;

import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;

import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.kizuna.support.Api;
import io.kizuna.support.Api.Tenant;
import io.quarkus.test.junit.QuarkusTest;

/**
 * A key of workspace A never reads or changes anything of workspace B. Every feature that adds a
 * resource adds its case here.
 */
@QuarkusTest
class TenantIsolationTest {

    private Tenant shopA;
    private Tenant shopB;

    @BeforeEach
    void two_shops_share_one_kizuna() {
        shopA = Tenant.create("shop A");
        shopB = Tenant.create("shop B");
    }

    @Test
    void the_workspace_resource_is_always_the_callers_own() {
        Api.withKey(shopA.readKey()).get("/v1/workspace").then().statusCode(200).body("id", equalTo(shopA.workspaceId()));
        Api.withKey(shopB.readKey()).get("/v1/workspace").then().statusCode(200).body("id", equalTo(shopB.workspaceId()));
    }

    @Test
    void renaming_a_workspace_touches_only_the_callers_workspace() {
        String nameOfB = Api.withKey(shopB.readKey()).get("/v1/workspace").then().extract().path("name");
        Api.withKey(shopA.adminKey()).body(Map.of("name", "Renamed A")).patch("/v1/workspace")
                .then().statusCode(200).body("id", equalTo(shopA.workspaceId())).body("name", equalTo("Renamed A"));
        Api.withKey(shopB.readKey()).get("/v1/workspace").then().body("name", equalTo(nameOfB));
    }

    @Test
    void key_listings_show_only_the_callers_keys() {
        Api.withKey(shopA.adminKey()).get("/v1/keys")
                .then().statusCode(200)
                .body("items.workspaceId", everyItem(equalTo(shopA.workspaceId())))
                .body("items.size()", equalTo(3))
                .body("items.key", everyItem(nullValue()));
    }

    @Test
    void a_key_of_another_workspace_can_be_neither_revoked_nor_seen() {
        Api.IssuedKey keyOfB = Api.issue(shopB.workspaceId(), "read");

        Api.withKey(shopA.adminKey()).delete("/v1/keys/" + keyOfB.id())
                .then().statusCode(404).body("code", equalTo("NOT_FOUND"));
        Api.withKey(keyOfB.key()).get("/v1/workspace").then().statusCode(200);
        Api.withKey(shopA.adminKey()).get("/v1/keys").then().body("items.id", not(hasItem(keyOfB.id())));
    }

    @Test
    void graphql_answers_with_the_callers_workspace_only() {
        Api.graphql(shopB.readKey(), "{ workspace { id } }").post("/graphql")
                .then().statusCode(200)
                .body("errors", nullValue())
                .body("data.workspace.id", equalTo(shopB.workspaceId()));
    }
}
