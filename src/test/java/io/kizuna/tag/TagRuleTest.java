package io.kizuna.tag;

import static io.kizuna.support.Api.withKey;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
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
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.pgclient.PgPool;
import io.vertx.mutiny.sqlclient.Row;

@QuarkusTest
class TagRuleTest {

    private static final Instant NOW = Instant.parse("2026-11-23T03:00:00Z");
    private static final Map<String, Object> GOLD = Map.of("trait", Map.of("path", "plan", "op", "equals", "value", "gold"));
    private static final Map<String, Object> SILVER = Map.of("trait", Map.of("path", "plan", "op", "equals", "value", "silver"));

    @Inject
    KizunaClock clock;

    @Inject
    Db db;

    @Inject
    TagService tags;

    @Inject
    PgPool pool;

    @Inject
    AudienceChangesObserved observed;

    Tenant shop;
    UUID workspace;
    String hanako;
    String taro;
    String yui;

    @BeforeEach
    void members_on_two_plans() {
        clock.set(NOW);
        shop = Tenant.create("rule tags");
        workspace = UUID.fromString(shop.workspaceId());
        hanako = Shoppers.arrives(shop, "u-hanako", Map.of("plan", "gold"));
        taro = Shoppers.arrives(shop, "u-taro", Map.of("plan", "silver"));
        yui = Shoppers.arrives(shop, "u-yui", Map.of("plan", "gold"));
    }

    @AfterEach
    void real_time_again() {
        clock.reset();
    }

    @Test
    void a_new_rule_tag_is_computed_for_existing_profiles_in_the_background_and_follows_a_change_of_its_rule() {
        withKey(shop.adminKey()).body(Map.of("name", "gold", "description", "On the gold plan", "conditions", GOLD))
                .post("/v1/tags").then().statusCode(201)
                .body("kind", equalTo("RULE")).body("status", equalTo("BUILDING")).body("version", equalTo(1))
                .body("conditions.trait.path", equalTo("plan"));
        assertTrue(observed.count(shop.workspaceId()) >= 1, "the real-time engine is told to reload");

        var ready = Shoppers.ready(shop, "gold", 1);
        assertEquals(2, ready.getInt("profiles"));
        assertEquals(NOW.toString(), ready.getString("computedAt"));
        withKey(shop.readKey()).get("/v1/tags/{name}/members", "gold").then().statusCode(200)
                .body("items.profileId", containsInAnyOrder(hanako, yui))
                .body("items.source", contains("RULE", "RULE"));
        withKey(shop.readKey()).get("/v1/profiles/{id}/tags/history", hanako).then().statusCode(200)
                .body("items.tag", contains("gold")).body("items.action", contains("ADDED")).body("items.source", contains("RULE"));
        assertEquals(List.of("ENTERED:" + hanako, "ENTERED:" + yui).stream().sorted().toList(), changes("gold").stream().sorted().toList());

        // The rule changes: the gold members leave, the silver one enters.
        clock.advance(Duration.ofHours(1));
        int before = observed.count(shop.workspaceId());
        withKey(shop.adminKey()).body(Map.of("conditions", SILVER)).patch("/v1/tags/{name}", "gold")
                .then().statusCode(200).body("version", equalTo(2)).body("description", equalTo("On the gold plan"));
        assertTrue(observed.count(shop.workspaceId()) > before);
        Shoppers.ready(shop, "gold", 2);
        withKey(shop.readKey()).get("/v1/tags/{name}/members", "gold").then().statusCode(200).body("items.profileId", contains(taro));
        List<String> changes = changes("gold");
        assertEquals(5, changes.size());
        assertTrue(changes.containsAll(List.of("EXITED:" + hanako, "EXITED:" + yui, "ENTERED:" + taro)), changes.toString());
        withKey(shop.readKey()).get("/v1/tags/{name}/history", "gold").then().statusCode(200)
                .body("items.source", contains("RULE", "RULE", "RULE", "RULE", "RULE"));

        // The same rule again is no change: no new version, no recompute.
        withKey(shop.adminKey()).body(Map.of("conditions", SILVER)).patch("/v1/tags/{name}", "gold")
                .then().statusCode(200).body("version", equalTo(2)).body("status", equalTo("READY"));

        // Deleting it: everyone leaves, logged for journeys.
        withKey(shop.adminKey()).delete("/v1/tags/{name}", "gold").then().statusCode(204);
        assertEquals(6, changes("gold").size());
        assertEquals(0L, db.count("SELECT count(*) FROM profile_tags WHERE workspace_id = $1", workspace));
    }

    @Test
    void a_rule_tag_reading_another_is_recomputed_after_it() {
        withKey(shop.adminKey()).body(Map.of("name", "gold", "conditions", GOLD)).post("/v1/tags").then().statusCode(201);
        Shoppers.ready(shop, "gold", 1);
        withKey(shop.adminKey()).body(Map.of("name", "not gold", "conditions", Map.of("not", Map.of("tag", "gold"))))
                .post("/v1/tags").then().statusCode(201);
        Shoppers.ready(shop, "not gold", 1);
        withKey(shop.readKey()).get("/v1/tags/{name}/members", "not gold").then().statusCode(200).body("items.profileId", contains(taro));

        withKey(shop.adminKey()).body(Map.of("conditions", SILVER)).patch("/v1/tags/{name}", "gold").then().statusCode(200);
        Shoppers.ready(shop, "gold", 2);
        // "not gold" follows without being changed itself.
        for (int poll = 0; poll < 200 && !members("not gold").equals(List.of(hanako, yui).stream().sorted().toList()); poll++) {
            sleep();
        }
        assertEquals(List.of(hanako, yui).stream().sorted().toList(), members("not gold"));

        withKey(shop.adminKey()).delete("/v1/tags/{name}", "gold").then().statusCode(409)
                .body("detail", containsString("'not gold'"));

        List<String> order = tags.ruleTags(pool, workspace).await().atMost(Duration.ofSeconds(10)).stream().map(RuleTag::name).toList();
        assertEquals(List.of("gold", "not gold"), order, "a tag after the tags it reads");
    }

    @Test
    void a_rule_may_not_read_a_segment_nor_close_a_cycle() {
        String segment = UUID.randomUUID().toString();
        withKey(shop.adminKey()).body(Map.of("name", "mixed", "conditions",
                Map.of("all", List.of(GOLD, Map.of("segment", segment)))))
                .post("/v1/tags").then().statusCode(400)
                .body("code", equalTo("BAD_USER_INPUT"))
                .body("field", equalTo("conditions.all[1].segment"));
        withKey(shop.adminKey()).body(Map.of("name", "bad", "conditions", Map.of("trait", Map.of("path", "plan", "op", "equalz", "value", "x"))))
                .post("/v1/tags").then().statusCode(400).body("field", equalTo("conditions.trait.op"));
        withKey(shop.adminKey()).body(Map.of("name", "empty", "kind", "RULE"))
                .post("/v1/tags").then().statusCode(400).body("field", equalTo("conditions"));
        withKey(shop.adminKey()).body(Map.of("name", "me", "conditions", Map.of("tag", "me")))
                .post("/v1/tags").then().statusCode(400).body("field", equalTo("conditions.tag"))
                .body("errors[0].message", containsString("me → me"));

        withKey(shop.adminKey()).body(Map.of("name", "a", "conditions", Map.of("tag", "b"))).post("/v1/tags").then().statusCode(201);
        withKey(shop.adminKey()).body(Map.of("name", "b", "conditions", Map.of("tag", "c"))).post("/v1/tags").then().statusCode(201);
        withKey(shop.adminKey()).body(Map.of("name", "c", "conditions", Map.of("any", List.of(GOLD, Map.of("tag", "a")))))
                .post("/v1/tags").then().statusCode(400)
                .body("field", equalTo("conditions.any[1].tag"))
                .body("errors[0].message", containsString("c → a → b → c"));
        withKey(shop.adminKey()).body(Map.of("name", "c", "conditions", GOLD)).post("/v1/tags").then().statusCode(201);
        withKey(shop.adminKey()).body(Map.of("conditions", Map.of("not", Map.of("tag", "a")))).patch("/v1/tags/{name}", "c")
                .then().statusCode(400).body("field", equalTo("conditions.not.tag"))
                .body("errors[0].message", containsString("c → a → b → c"));
    }

    @Test
    void a_rule_tag_cannot_be_set_or_removed_by_hand() {
        withKey(shop.adminKey()).body(Map.of("name", "gold", "conditions", GOLD)).post("/v1/tags").then().statusCode(201);
        Shoppers.ready(shop, "gold", 1);
        withKey(shop.adminKey()).put("/v1/profiles/{id}/tags/{name}", taro, "gold").then().statusCode(409)
                .body("code", equalTo("CONFLICT")).body("detail", containsString("rule tag"));
        withKey(shop.adminKey()).delete("/v1/profiles/{id}/tags/{name}", hanako, "gold").then().statusCode(409);
        withKey(shop.adminKey()).body(Map.of("profileIds", List.of(taro))).post("/v1/tags/{name}/assign", "gold").then().statusCode(409);
        withKey(shop.adminKey()).body(Map.of("profileIds", List.of(hanako))).post("/v1/tags/{name}/unassign", "gold").then().statusCode(409);
        withKey(shop.readKey()).get("/v1/tags/{name}/members", "gold").then().statusCode(200).body("items.profileId", containsInAnyOrder(hanako, yui));
    }

    @Test
    void the_engine_applies_its_decisions_once_even_when_sent_twice() {
        withKey(shop.adminKey()).body(Map.of("name", "gold", "conditions", GOLD)).post("/v1/tags").then().statusCode(201);
        Shoppers.ready(shop, "gold", 1);
        withKey(shop.adminKey()).put("/v1/profiles/{id}/tags/{name}", taro, "handpicked").then().statusCode(200);
        Instant at = NOW.plusSeconds(60);
        List<TagChange> decisions = List.of(new TagChange(UUID.fromString(taro), "gold", true),
                new TagChange(UUID.fromString(hanako), "gold", false),
                // Not a rule tag: the engine never touches it.
                new TagChange(UUID.fromString(taro), "handpicked", false),
                new TagChange(UUID.fromString(hanako), "handpicked", true));
        for (int time = 0; time < 2; time++) {
            pool.withTransaction(connection -> tags.applyRuleChanges(connection, workspace, decisions, at))
                    .await().atMost(Duration.ofSeconds(10));
        }
        assertEquals(List.of(taro, yui).stream().sorted().toList(), members("gold"));
        assertEquals(List.of(taro), members("handpicked"));
        assertEquals(1L, db.count("SELECT count(*) FROM audience_changes WHERE workspace_id = $1 AND kind = 'TAG' AND audience = 'gold' AND at = $2 AND change = 'ENTERED'",
                workspace, at.atOffset(java.time.ZoneOffset.UTC)));
        assertEquals(1L, db.count("SELECT count(*) FROM audience_changes WHERE workspace_id = $1 AND audience = 'gold' AND change = 'EXITED'",
                workspace));
    }

    private List<String> changes(String tag) {
        return db.rows("SELECT change, profile_id FROM audience_changes WHERE workspace_id = $1 AND kind = 'TAG' AND audience = $2 ORDER BY seq",
                workspace, tag).stream().map((Row row) -> row.getString("change") + ":" + row.getUUID("profile_id")).toList();
    }

    private List<String> members(String tag) {
        return db.rows("SELECT profile_id FROM profile_tags WHERE workspace_id = $1 AND tag = $2 ORDER BY profile_id", workspace, tag)
                .stream().map((Row row) -> row.getUUID("profile_id").toString()).toList();
    }

    private static void sleep() {
        try {
            Thread.sleep(50);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
