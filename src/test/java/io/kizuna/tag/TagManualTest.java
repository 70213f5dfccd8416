package io.kizuna.tag;

import static io.kizuna.support.Api.withKey;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.kizuna.common.time.KizunaClock;
import io.kizuna.support.Api.Tenant;
import io.kizuna.support.Db;
import io.kizuna.support.Tracking;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
class TagManualTest {

    private static final Instant MONDAY = Instant.parse("2026-11-23T01:00:00Z");
    private static final Instant TUESDAY = Instant.parse("2026-11-24T01:00:00Z");

    @Inject
    KizunaClock clock;

    @Inject
    Db db;

    Tenant shop;
    String hanako;
    String taro;
    String yui;

    @BeforeEach
    void three_members() {
        clock.set(MONDAY);
        shop = Tenant.create("manual tags");
        hanako = Shoppers.arrives(shop, "u-hanako", Map.of("email", "hanako@example.jp", "plan", "gold"));
        taro = Shoppers.arrives(shop, "u-taro", Map.of("email", "taro@example.jp", "phone", "090-1111-2222"));
        yui = Shoppers.arrives(shop, "u-yui", Map.of("email", "yui@example.jp", "plan", "gold"));
    }

    @AfterEach
    void real_time_again() {
        clock.reset();
    }

    @Test
    void staff_tag_a_customer_by_hand_then_untag_her_and_the_history_says_when_and_why() {
        withKey(shop.adminKey()).put("/v1/profiles/{id}/tags/{name}", hanako, "夏 sale:2026")
                .then().statusCode(200)
                .body("profileId", equalTo(hanako))
                .body("tags.name", contains("夏 sale:2026"))
                .body("tags[0].source", equalTo("MANUAL"))
                .body("tags[0].assignedAt", equalTo("2026-11-23T01:00:00Z"));
        // Adding it again changes nothing and leaves no second history row; no body is needed (as with curl -X PUT).
        io.restassured.RestAssured.given().header("Authorization", "Bearer " + shop.adminKey())
                .put("/v1/profiles/{id}/tags/{name}", hanako, "夏 sale:2026").then().statusCode(200);

        withKey(shop.readKey()).get("/v1/tags/{name}", "夏 sale:2026").then().statusCode(200)
                .body("kind", equalTo("MANUAL")).body("status", equalTo("READY")).body("profiles", equalTo(1))
                .body("conditions", nullValue());
        withKey(shop.readKey()).get("/v1/tags/{name}/members", "夏 sale:2026").then().statusCode(200)
                .body("items.profileId", contains(hanako));

        clock.set(TUESDAY);
        io.restassured.RestAssured.given().header("Authorization", "Bearer " + shop.adminKey())
                .delete("/v1/profiles/{id}/tags/{name}", hanako, "夏 sale:2026").then().statusCode(204);
        withKey(shop.readKey()).get("/v1/profiles/{id}/tags", hanako).then().statusCode(200).body("tags", empty());

        withKey(shop.readKey()).get("/v1/profiles/{id}/tags/history", hanako).then().statusCode(200)
                .body("items.action", contains("REMOVED", "ADDED"))
                .body("items.source", contains("MANUAL", "MANUAL"))
                .body("items.tag", contains("夏 sale:2026", "夏 sale:2026"))
                .body("items.profileId", contains(hanako, hanako))
                .body("items.at", contains("2026-11-24T01:00:00Z", "2026-11-23T01:00:00Z"));
        String next = withKey(shop.readKey()).queryParam("limit", 1).get("/v1/tags/{name}/history", "夏 sale:2026").then().statusCode(200)
                .body("items.action", contains("REMOVED"))
                .body("nextCursor", org.hamcrest.Matchers.notNullValue())
                .extract().path("nextCursor");
        withKey(shop.readKey()).queryParam("limit", 1).queryParam("after", next).get("/v1/tags/{name}/history", "夏 sale:2026").then().statusCode(200)
                .body("items.action", contains("ADDED"))
                .body("nextCursor", nullValue());
        assertEquals(List.of("ENTERED", "EXITED"), db.rows(
                "SELECT change FROM audience_changes WHERE workspace_id = $1 AND kind = 'TAG' AND audience = $2 ORDER BY seq",
                UUID.fromString(shop.workspaceId()), "夏 sale:2026").stream().map(row -> row.getString("change")).toList(),
                "hand-made changes are in the change feed that journeys read, not only rule ones");
    }

    @Test
    void an_import_is_recorded_as_the_reason() {
        withKey(shop.adminKey()).queryParam("source", "IMPORT").put("/v1/profiles/{id}/tags/{name}", taro, "store-member")
                .then().statusCode(200).body("tags[0].source", equalTo("IMPORT"));
        withKey(shop.readKey()).get("/v1/tags/{name}/history", "store-member").then().statusCode(200)
                .body("items.source", contains("IMPORT"));
        withKey(shop.adminKey()).queryParam("source", "GUESS").put("/v1/profiles/{id}/tags/{name}", taro, "store-member")
                .then().statusCode(400).body("field", equalTo("source"));
    }

    @Test
    void bulk_by_ids_counts_the_new_the_already_tagged_and_the_unknown() {
        withKey(shop.adminKey()).put("/v1/profiles/{id}/tags/{name}", hanako, "vip").then().statusCode(200);
        String stranger = UUID.randomUUID().toString();

        withKey(shop.adminKey()).body(Map.of("profileIds", List.of(hanako, taro, yui, taro, stranger, "not-an-id")))
                .post("/v1/tags/{name}/assign", "vip")
                .then().statusCode(200)
                .body("tag", equalTo("vip"))
                .body("added", equalTo(2))
                .body("alreadyHad", equalTo(1))
                .body("unknown", equalTo(2))
                .body("unknownProfileIds", containsInAnyOrder(stranger, "not-an-id"));
        withKey(shop.readKey()).get("/v1/tags/{name}/members", "vip").then().statusCode(200).body("items", hasSize(3));

        withKey(shop.adminKey()).body(Map.of("profileIds", List.of(taro, yui)))
                .post("/v1/tags/{name}/unassign", "vip")
                .then().statusCode(200).body("removed", equalTo(2)).body("didNotHave", equalTo(0)).body("unknown", equalTo(0));
        withKey(shop.readKey()).get("/v1/tags/{name}/members", "vip").then().statusCode(200).body("items.profileId", contains(hanako));
        assertEquals(5L, db.count("SELECT count(*) FROM audience_changes WHERE workspace_id = $1 AND kind = 'TAG' AND audience = 'vip' AND source = 'MANUAL'", UUID.fromString(shop.workspaceId())));
    }

    @Test
    void bulk_by_identities_normalises_them_like_ingestion_does() {
        withKey(shop.adminKey()).body(Map.of("identities", List.of(
                Map.of("type", "email", "value", " Hanako@Example.JP "),
                Map.of("type", "phone", "value", "+81 90 1111 2222"),
                Map.of("type", "email", "value", "nobody@example.jp"),
                Map.of("type", "phone", "value", "not a phone"))))
                .post("/v1/tags/{name}/assign", "newsletter")
                .then().statusCode(200)
                .body("added", equalTo(2))
                .body("unknown", equalTo(2))
                .body("unknownIdentities.value", contains("nobody@example.jp", "not a phone"));
        withKey(shop.readKey()).get("/v1/tags/{name}/members", "newsletter").then().statusCode(200)
                .body("items.profileId", containsInAnyOrder(hanako, taro));

        withKey(shop.adminKey()).body(Map.of("identities", List.of(Map.of("value", "x@example.jp"))))
                .post("/v1/tags/{name}/assign", "newsletter")
                .then().statusCode(400).body("field", equalTo("identities[0].type"));
    }

    @Test
    void bulk_by_segment_tags_its_current_members() {
        UUID workspace = UUID.fromString(shop.workspaceId());
        UUID segment = UUID.randomUUID();
        // The segment feature materializes members; here they are written directly.
        db.rows("""
                INSERT INTO segments (workspace_id, id, name, condition, created_at, updated_at)
                VALUES ($1, $2, 'Gold plan', '{"trait": {"path": "plan", "op": "equals", "value": "gold"}}'::jsonb, now(), now())""",
                workspace, segment);
        for (String member : List.of(hanako, yui)) {
            db.rows("INSERT INTO segment_members (workspace_id, segment_id, profile_id, entered_at) VALUES ($1, $2, $3, now()) ON CONFLICT DO NOTHING",
                    workspace, segment, UUID.fromString(member));
        }

        // A rule tag that follows the manual one: it must follow bulk changes at once, segment members included.
        withKey(shop.adminKey()).body(Map.of("name", "in-campaign", "conditions", Map.of("tag", "gold-campaign")))
                .post("/v1/tags").then().statusCode(201);
        Shoppers.ready(shop, "in-campaign", 1);

        withKey(shop.adminKey()).body(Map.of("segmentId", segment.toString(), "profileIds", List.of(taro)))
                .post("/v1/tags/{name}/assign", "gold-campaign")
                .then().statusCode(200).body("added", equalTo(3)).body("alreadyHad", equalTo(0));
        withKey(shop.readKey()).get("/v1/tags/{name}/members", "in-campaign").then().statusCode(200)
                .body("items.profileId", containsInAnyOrder(hanako, yui, taro));
        withKey(shop.adminKey()).body(Map.of("segmentId", segment.toString()))
                .post("/v1/tags/{name}/unassign", "gold-campaign")
                .then().statusCode(200).body("removed", equalTo(2));
        withKey(shop.readKey()).get("/v1/tags/{name}/members", "gold-campaign").then().statusCode(200).body("items.profileId", contains(taro));
        withKey(shop.readKey()).get("/v1/tags/{name}/members", "in-campaign").then().statusCode(200).body("items.profileId", contains(taro));

        withKey(shop.adminKey()).body(Map.of("segmentId", UUID.randomUUID().toString()))
                .post("/v1/tags/{name}/assign", "gold-campaign").then().statusCode(404);
        withKey(shop.adminKey()).body(Map.of("segmentId", "gold"))
                .post("/v1/tags/{name}/assign", "gold-campaign").then().statusCode(400).body("field", equalTo("segmentId"));
    }

    @Test
    void a_merged_away_id_tags_the_profile_it_became() {
        Tracking.send(shop.ingestKey(), "track", Map.of("anonymousId", "cookie-7", "event", "Product Viewed")).statusCode(200);
        String visitor = withKey(shop.readKey()).queryParam("type", "anonymous_id").queryParam("value", "cookie-7")
                .get("/v1/profiles/lookup").then().statusCode(200).extract().path("id");
        Tracking.send(shop.ingestKey(), "alias", Map.of("previousId", "cookie-7", "userId", "u-yui")).statusCode(200);
        String survivor = withKey(shop.readKey()).get("/v1/profiles/" + visitor).then().statusCode(200).extract().path("id");

        withKey(shop.adminKey()).body(Map.of("profileIds", List.of(visitor, yui)))
                .post("/v1/tags/{name}/assign", "returning")
                .then().statusCode(200).body("added", equalTo(1)).body("unknown", equalTo(0));
        withKey(shop.readKey()).get("/v1/tags/{name}/members", "returning").then().statusCode(200).body("items.profileId", contains(survivor));
        withKey(shop.readKey()).get("/v1/profiles/{id}/tags", visitor).then().statusCode(200)
                .body("profileId", equalTo(survivor)).body("tags.name", contains("returning"));
    }

    @Test
    void definitions_are_created_listed_described_and_deleted() {
        withKey(shop.adminKey()).body(Map.of("name", "vip", "description", "Top customers"))
                .post("/v1/tags").then().statusCode(201)
                .body("kind", equalTo("MANUAL")).body("status", equalTo("READY")).body("profiles", equalTo(0));
        withKey(shop.adminKey()).body(Map.of("name", "vip")).post("/v1/tags").then().statusCode(409).body("code", equalTo("CONFLICT"));
        withKey(shop.adminKey()).body(Map.of("name", "a".repeat(101))).post("/v1/tags").then().statusCode(400).body("field", equalTo("name"));
        withKey(shop.adminKey()).body(Map.of("name", "a/b")).post("/v1/tags").then().statusCode(400).body("field", equalTo("name"));
        withKey(shop.adminKey()).body(Map.of("name", " vip")).post("/v1/tags").then().statusCode(400).body("field", equalTo("name"));
        withKey(shop.adminKey()).body(Map.of("name", "x", "kind", "SMART")).post("/v1/tags").then().statusCode(400).body("field", equalTo("kind"));
        withKey(shop.adminKey()).body(Map.of("name", "x", "kind", "MANUAL", "conditions", Map.of("tag", "vip")))
                .post("/v1/tags").then().statusCode(400).body("field", equalTo("conditions"));
        withKey(shop.readKey()).body(Map.of("name", "x")).post("/v1/tags").then().statusCode(403);

        withKey(shop.adminKey()).body(Map.of("description", "Spent over ¥100,000")).patch("/v1/tags/{name}", "vip")
                .then().statusCode(200).body("description", equalTo("Spent over ¥100,000")).body("version", equalTo(1));
        withKey(shop.adminKey()).body(Map.of("conditions", Map.of("tag", "other"))).patch("/v1/tags/{name}", "vip")
                .then().statusCode(400).body("field", equalTo("conditions"));
        withKey(shop.adminKey()).body(Map.of("kind", "RULE")).patch("/v1/tags/{name}", "vip")
                .then().statusCode(400).body("field", equalTo("kind"));

        for (String name : List.of("b-tag", "a-tag", "c-tag")) {
            withKey(shop.adminKey()).body(Map.of("name", name)).post("/v1/tags").then().statusCode(201);
        }
        var first = withKey(shop.readKey()).queryParam("limit", 2).get("/v1/tags").then().statusCode(200)
                .body("items.name", contains("a-tag", "b-tag")).extract();
        withKey(shop.readKey()).queryParam("limit", 2).queryParam("after", first.<String>path("nextCursor")).get("/v1/tags")
                .then().statusCode(200).body("items.name", contains("c-tag", "vip")).body("nextCursor", nullValue());
        withKey(shop.readKey()).queryParam("after", "nope!").get("/v1/tags").then().statusCode(400).body("field", equalTo("after"));

        withKey(shop.adminKey()).put("/v1/profiles/{id}/tags/{name}", hanako, "vip").then().statusCode(200);
        withKey(shop.adminKey()).delete("/v1/tags/{name}", "vip").then().statusCode(204);
        withKey(shop.readKey()).get("/v1/tags/{name}", "vip").then().statusCode(404).body("code", equalTo("NOT_FOUND"));
        withKey(shop.readKey()).get("/v1/profiles/{id}/tags", hanako).then().statusCode(200).body("tags", empty());
        // The history outlives the tag.
        withKey(shop.readKey()).get("/v1/tags/{name}/history", "vip").then().statusCode(200)
                .body("items.action", contains("REMOVED", "ADDED"));
        withKey(shop.adminKey()).delete("/v1/tags/{name}", "vip").then().statusCode(404);
        withKey(shop.adminKey()).delete("/v1/profiles/{id}/tags/{name}", hanako, "never-existed").then().statusCode(404)
                .body("detail", containsString("never-existed"));
        withKey(shop.adminKey()).put("/v1/profiles/{id}/tags/{name}", UUID.randomUUID(), "vip").then().statusCode(404);
    }
}
