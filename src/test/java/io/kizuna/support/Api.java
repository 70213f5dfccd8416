package io.kizuna.support;

import static io.restassured.RestAssured.given;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;

/** Scenario vocabulary for tests: an operator who creates workspaces and hands out keys. */
public final class Api {

    public static final String OPERATOR_TOKEN = "test-admin-token";

    private Api() {
    }

    public static RequestSpecification asOperator() {
        return given().contentType(ContentType.JSON).header("Authorization", "Bearer " + OPERATOR_TOKEN);
    }

    public static RequestSpecification withKey(String key) {
        return given().contentType(ContentType.JSON).header("Authorization", "Bearer " + key);
    }

    public static String createWorkspace(String name) {
        return asOperator().body(Map.of("name", name + " " + UUID.randomUUID(), "timeZone", "Asia/Tokyo"))
                .post("/v1/admin/workspaces")
                .then().statusCode(201)
                .extract().path("id");
    }

    /** Issues a key and returns its secret. */
    public static String issueKey(String workspaceId, String... scopes) {
        return issue(workspaceId, scopes).key();
    }

    public static IssuedKey issue(String workspaceId, String... scopes) {
        var response = asOperator().body(Map.of("name", "test key", "scopes", List.of(scopes)))
                .post("/v1/admin/workspaces/" + workspaceId + "/keys")
                .then().statusCode(201)
                .extract();
        return new IssuedKey(response.path("apiKey.id"), response.path("key"));
    }

    public record IssuedKey(String id, String key) {
    }

    /** A workspace with one key per scope, the usual cast of a scenario. */
    public record Tenant(String workspaceId, String adminKey, String readKey, String ingestKey) {

        public static Tenant create(String name) {
            String id = createWorkspace(name);
            return new Tenant(id, issueKey(id, "admin"), issueKey(id, "read"), issueKey(id, "ingest"));
        }
    }

    public static RequestSpecification graphql(String key, String query) {
        RequestSpecification request = given().contentType(ContentType.JSON).body(Map.of("query", query));
        return key == null ? request : request.header("Authorization", "Bearer " + key);
    }
}
