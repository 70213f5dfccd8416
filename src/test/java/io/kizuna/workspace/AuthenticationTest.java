package io.kizuna.workspace;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

import org.junit.jupiter.api.Test;

import io.kizuna.support.Api;
import io.kizuna.support.Api.Tenant;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
class AuthenticationTest {

    @Test
    void a_request_without_a_key_is_unauthenticated() {
        given().get("/v1/workspace")
                .then().statusCode(401)
                .contentType("application/problem+json")
                .header("WWW-Authenticate", startsWith("Bearer"))
                .body("status", equalTo(401))
                .body("code", equalTo("UNAUTHENTICATED"))
                .body("type", equalTo("urn:kizuna:problem:unauthenticated"));
    }

    @Test
    void an_unknown_or_malformed_key_is_unauthenticated() {
        Api.withKey("kzn_" + "x".repeat(40)).get("/v1/workspace").then().statusCode(401).body("code", equalTo("UNAUTHENTICATED"));
        Api.withKey("not-a-key").get("/v1/workspace").then().statusCode(401);
        given().header("Authorization", "Token abc").get("/v1/workspace").then().statusCode(401)
                .contentType("application/problem+json");
    }

    @Test
    void a_key_without_the_needed_scope_is_forbidden() {
        Tenant shop = Tenant.create("scopes");
        Api.withKey(shop.ingestKey()).get("/v1/workspace")
                .then().statusCode(403)
                .contentType("application/problem+json")
                .body("code", equalTo("FORBIDDEN"));
        Api.withKey(shop.readKey()).get("/v1/keys").then().statusCode(403);
        Api.withKey(shop.readKey()).get("/v1/workspace").then().statusCode(200).body("id", equalTo(shop.workspaceId()));
        Api.withKey(shop.adminKey()).get("/v1/workspace").then().statusCode(200);
    }

    @Test
    void a_revoked_key_is_refused_at_once() {
        String workspace = Api.createWorkspace("revocation");
        Api.IssuedKey key = Api.issue(workspace, "read");
        Api.withKey(key.key()).get("/v1/workspace").then().statusCode(200);

        Api.asOperator().delete("/v1/admin/workspaces/" + workspace + "/keys/" + key.id())
                .then().statusCode(200).body("revokedAt", org.hamcrest.Matchers.notNullValue());

        Api.withKey(key.key()).get("/v1/workspace")
                .then().statusCode(401).body("detail", equalTo("The API key has been revoked"));
    }

    @Test
    void a_disabled_workspace_refuses_its_keys_until_enabled() {
        Tenant shop = Tenant.create("disable");
        Api.withKey(shop.readKey()).get("/v1/workspace").then().statusCode(200); // now remembered by the key cache
        Api.asOperator().post("/v1/admin/workspaces/" + shop.workspaceId() + "/disable")
                .then().statusCode(200).body("status", equalTo("DISABLED"));

        Api.withKey(shop.readKey()).get("/v1/workspace")
                .then().statusCode(401).body("detail", equalTo("The workspace of this API key is disabled"));

        Api.asOperator().post("/v1/admin/workspaces/" + shop.workspaceId() + "/enable")
                .then().statusCode(200).body("status", equalTo("ACTIVE"));
        Api.withKey(shop.readKey()).get("/v1/workspace").then().statusCode(200);
    }

    @Test
    void the_operator_token_and_workspace_keys_do_not_stand_in_for_each_other() {
        Tenant shop = Tenant.create("roles");
        Api.withKey(shop.adminKey()).get("/v1/admin/workspaces").then().statusCode(403).body("code", equalTo("FORBIDDEN"));
        Api.asOperator().get("/v1/workspace").then().statusCode(403);
        given().get("/v1/admin/workspaces").then().statusCode(401);
        Api.withKey("wrong-operator-token").get("/v1/admin/workspaces").then().statusCode(401);
    }

    @Test
    void an_ingest_key_works_as_a_segment_write_key_over_basic_auth() {
        Tenant shop = Tenant.create("basic");
        // Authenticated as the write key, but the write key only ingests: reading is forbidden, not unauthenticated.
        given().header("Authorization", basic(shop.ingestKey() + ":")).get("/v1/workspace")
                .then().statusCode(403).body("code", equalTo("FORBIDDEN"));
        // A read-only key is no write key, and a password is not part of the convention.
        given().header("Authorization", basic(shop.readKey() + ":")).get("/v1/workspace").then().statusCode(401);
        given().header("Authorization", basic(shop.ingestKey() + ":secret")).get("/v1/workspace").then().statusCode(401);
    }

    private static String basic(String credentials) {
        return "Basic " + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8));
    }
}
