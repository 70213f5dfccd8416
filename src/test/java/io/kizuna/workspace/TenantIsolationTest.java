package io.kizuna.workspace;

import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.kizuna.profile.ProfileSeeder;
import io.kizuna.support.Api;
import io.kizuna.support.Api.Tenant;
import io.quarkus.test.junit.QuarkusTest;

/**
 * A key of workspace A never reads or changes anything of workspace B. Every feature that adds a
 * resource adds its case here.
 */
@QuarkusTest
class TenantIsolationTest {

    @Inject
    ProfileSeeder seed;

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

    @Test
    void a_key_of_another_workspace_cannot_read_or_look_up_its_profiles() {
        UUID customerOfB = profileOfB();
        String b = "/v1/profiles/" + customerOfB;

        for (String path : new String[] { b, b + "/events", b + "/identities", b + "/merges" }) {
            Api.withKey(shopA.readKey()).get(path).then().statusCode(404).body("code", equalTo("NOT_FOUND"));
            Api.withKey(shopB.readKey()).get(path).then().statusCode(200);
        }
        Api.withKey(shopA.readKey()).queryParam("type", "email").queryParam("value", "b-customer@example.jp").get("/v1/profiles/lookup")
                .then().statusCode(404);
        Api.withKey(shopB.readKey()).queryParam("type", "email").queryParam("value", "b-customer@example.jp").get("/v1/profiles/lookup")
                .then().statusCode(200).body("id", equalTo(customerOfB.toString()));
        Api.withKey(shopA.readKey()).get("/v1/profiles").then().statusCode(200).body("items.id", not(hasItem(customerOfB.toString())));
    }

    @Test
    void a_merge_recorded_in_another_workspace_does_not_redirect() {
        UUID customerOfB = profileOfB();
        UUID mergedInB = UUID.randomUUID();
        seed.merge(shopB.workspaceId(), customerOfB, mergedInB, "MERGED", Instant.parse("2026-11-01T00:00:00Z"), "email", "b-customer@example.jp");
        Api.withKey(shopB.readKey()).get("/v1/profiles/" + mergedInB).then().statusCode(200).body("id", equalTo(customerOfB.toString()));
        Api.withKey(shopA.readKey()).get("/v1/profiles/" + mergedInB).then().statusCode(404);
    }

    @Test
    void a_key_of_another_workspace_can_neither_patch_export_nor_erase_its_profiles() {
        UUID customerOfB = profileOfB();
        String b = "/v1/profiles/" + customerOfB;

        Api.withKey(shopA.adminKey()).body(Map.of("plan", "hijacked")).patch(b + "/traits").then().statusCode(404);
        Api.withKey(shopA.adminKey()).get(b + "/export").then().statusCode(404);
        Api.withKey(shopA.adminKey()).delete(b).then().statusCode(404);

        Api.withKey(shopB.readKey()).get(b).then().statusCode(200).body("traits.plan", equalTo("gold"));
        Api.withKey(shopB.readKey()).get(b + "/events").then().statusCode(200).body("items.size()", equalTo(1));
        Api.withKey(shopB.readKey()).get(b + "/identities").then().statusCode(200).body("items.size()", equalTo(1));
        Api.withKey(shopB.adminKey()).get(b + "/export").then().statusCode(200).body("profileId", equalTo(customerOfB.toString()));
    }

    @Test
    void graphql_never_shows_another_workspaces_profiles() {
        UUID customerOfB = profileOfB();
        Api.graphql(shopA.readKey(), "{ profile(id: \"" + customerOfB + "\") { id } }").post("/graphql")
                .then().statusCode(200).body("data.profile", nullValue()).body("errors[0].extensions.code", equalTo("NOT_FOUND"));
        Api.graphql(shopA.readKey(), "{ profileByIdentity(type: \"email\", value: \"b-customer@example.jp\") { id } }").post("/graphql")
                .then().statusCode(200).body("errors[0].extensions.code", equalTo("NOT_FOUND"));
        Api.graphql(shopA.readKey(), "{ profiles(first: 500) { edges { node { id } } } }").post("/graphql")
                .then().statusCode(200).body("errors", nullValue())
                .body("data.profiles.edges.node.id", not(hasItem(customerOfB.toString())));
        Api.graphql(shopB.readKey(), "{ profile(id: \"" + customerOfB + "\") { id identities { value } events { edges { node { name } } } } }")
                .post("/graphql")
                .then().statusCode(200).body("errors", nullValue())
                .body("data.profile.identities[0].value", equalTo("b-customer@example.jp"))
                .body("data.profile.events.edges[0].node.name", equalTo("Order Completed"));
    }

    private UUID profileOfB() {
        UUID customer = seed.profile(shopB.workspaceId()).trait("plan", "gold").identity("email", "b-customer@example.jp").create();
        seed.track(shopB.workspaceId(), customer, "Order Completed", Instant.parse("2026-11-02T00:00:00Z"));
        return customer;
    }
}
