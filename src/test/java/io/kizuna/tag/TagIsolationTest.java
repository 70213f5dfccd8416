package io.kizuna.tag;

import static io.kizuna.support.Api.graphql;
import static io.kizuna.support.Api.withKey;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.kizuna.support.Api.Tenant;
import io.kizuna.support.Db;
import io.quarkus.test.junit.QuarkusTest;

/** A key of one workspace never sees nor changes another workspace's tags. */
@QuarkusTest
class TagIsolationTest {

    @Inject
    Db db;

    @Test
    void another_workspace_sees_none_of_the_tags_and_cannot_touch_them() {
        Tenant tokyo = Tenant.create("tokyo shop");
        Tenant osaka = Tenant.create("osaka shop");
        String hanako = Shoppers.arrives(tokyo, "u-hanako", Map.of("plan", "gold", "email", "hanako@example.jp"));
        withKey(tokyo.adminKey()).put("/v1/profiles/{id}/tags/{name}", hanako, "vip").then().statusCode(200);
        withKey(tokyo.adminKey()).body(Map.of("name", "gold", "conditions", Map.of("trait", Map.of("path", "plan", "op", "equals", "value", "gold"))))
                .post("/v1/tags").then().statusCode(201);
        Shoppers.ready(tokyo, "gold", 1);
        UUID segment = UUID.randomUUID();
        db.rows("INSERT INTO segments (workspace_id, id, name, condition, created_at, updated_at) VALUES ($1, $2, 'all', '{\"all\": []}'::jsonb, now(), now())",
                UUID.fromString(tokyo.workspaceId()), segment);

        for (String tag : List.of("vip", "gold")) {
            withKey(osaka.readKey()).get("/v1/tags/{name}", tag).then().statusCode(404);
            withKey(osaka.readKey()).get("/v1/tags/{name}/members", tag).then().statusCode(404);
            withKey(osaka.readKey()).get("/v1/tags/{name}/history", tag).then().statusCode(404);
            withKey(osaka.adminKey()).body(Map.of("description", "mine now")).patch("/v1/tags/{name}", tag).then().statusCode(404);
            withKey(osaka.adminKey()).body(Map.of("profileIds", List.of(hanako))).post("/v1/tags/{name}/unassign", tag).then().statusCode(404);
            withKey(osaka.adminKey()).delete("/v1/tags/{name}", tag).then().statusCode(404);
        }
        withKey(osaka.readKey()).get("/v1/tags").then().statusCode(200).body("items", empty());
        withKey(osaka.readKey()).get("/v1/profiles/{id}/tags", hanako).then().statusCode(404);
        withKey(osaka.readKey()).get("/v1/profiles/{id}/tags/history", hanako).then().statusCode(404);
        withKey(osaka.adminKey()).put("/v1/profiles/{id}/tags/{name}", hanako, "vip").then().statusCode(404);
        withKey(osaka.adminKey()).delete("/v1/profiles/{id}/tags/{name}", hanako, "vip").then().statusCode(404);
        graphql(osaka.readKey(), "{ tag(name: \"vip\") { name } }").post("/graphql").then().statusCode(200)
                .body("data.tag", nullValue()).body("errors[0].extensions.code", equalTo("NOT_FOUND"));
        // Tokyo's profile ids, identities and segments are unknown in Osaka.
        withKey(osaka.adminKey()).body(Map.of("profileIds", List.of(hanako),
                "identities", List.of(Map.of("type", "email", "value", "hanako@example.jp"))))
                .post("/v1/tags/{name}/assign", "vip")
                .then().statusCode(200).body("added", equalTo(0)).body("unknown", equalTo(2));
        withKey(osaka.adminKey()).body(Map.of("segmentId", segment.toString())).post("/v1/tags/{name}/assign", "vip").then().statusCode(404);

        graphql(osaka.readKey(), "{ tags { edges { node { name profiles } } } }").post("/graphql").then().statusCode(200)
                .body("errors", nullValue()).body("data.tags.edges.node.name", contains("vip"))
                .body("data.tags.edges.node.profiles", contains(0));
        graphql(osaka.adminKey(), "mutation { addTags(profileId: \"" + hanako + "\", names: [\"vip\"]) { name } }").post("/graphql")
                .then().statusCode(200).body("errors[0].extensions.code", equalTo("NOT_FOUND"));

        // Tokyo is untouched.
        withKey(tokyo.readKey()).get("/v1/tags/{name}/members", "vip").then().statusCode(200).body("items.profileId", contains(hanako));
        withKey(tokyo.readKey()).get("/v1/tags/{name}", "gold").then().statusCode(200).body("profiles", equalTo(1));
    }
}
