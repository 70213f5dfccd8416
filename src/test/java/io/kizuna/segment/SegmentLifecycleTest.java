package io.kizuna.segment;

import static io.kizuna.segment.Shop.cityIs;
import static io.kizuna.segment.Shop.genderIs;
import static io.kizuna.segment.Shop.inSegment;
import static io.kizuna.support.Api.withKey;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
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
import io.kizuna.support.Db;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

@QuarkusTest
class SegmentLifecycleTest {

    private static final Instant NOW = Instant.parse("2026-11-23T03:00:00Z");
    private static final Instant LATER = NOW.plusSeconds(600);

    @Inject
    KizunaClock clock;

    @Inject
    Db db;

    @Inject
    io.vertx.mutiny.pgclient.PgPool pool;

    private Shop shop;
    private String hanako;
    private String yoko;
    private String taro;

    @BeforeEach
    void a_shop_with_three_customers() {
        clock.set(NOW);
        shop = new Shop("segments", NOW);
        hanako = shop.customer("hanako", Map.of("gender", "female", "city", "東京"));
        yoko = shop.customer("yoko", Map.of("gender", "female", "city", "大阪"));
        taro = shop.customer("taro", Map.of("gender", "male", "city", "東京"));
    }

    @AfterEach
    void real_time_again() {
        clock.reset();
    }

    @Test
    void a_new_segment_is_built_in_the_background_then_ready_with_its_members() {
        String tokyo = withKey(shop.tenant.adminKey())
                .body(Map.of("name", "Tokyo", "description", "Customers in Tokyo", "conditions", cityIs("東京")))
                .post("/v1/segments")
                .then().statusCode(201)
                .body("status", equalTo("BUILDING"))
                .body("version", equalTo(1))
                .body("conditions.trait.path", equalTo("city"))
                .extract().path("id");

        JsonPath ready = shop.ready(tokyo, 1);
        assertEquals(2, ready.getInt("members"));
        assertEquals(NOW.toString(), ready.getString("computedAt"));

        withKey(shop.tenant.readKey()).get("/v1/segments/" + tokyo + "/members")
                .then().statusCode(200)
                .body("items.profileId", containsInAnyOrder(hanako, taro))
                .body("items[0].enteredAt", equalTo(NOW.toString()))
                .body("items.find { it.profileId == '" + hanako + "' }.traits.gender", equalTo("female"));
        withKey(shop.tenant.readKey()).get("/v1/segments/" + tokyo + "/changes")
                .then().statusCode(200)
                .body("items", hasSize(2))
                .body("items.change", containsInAnyOrder("ENTERED", "ENTERED"))
                .body("items.profileId", containsInAnyOrder(hanako, taro));
        withKey(shop.tenant.readKey()).get("/v1/segments")
                .then().statusCode(200)
                .body("items.find { it.id == '" + tokyo + "' }.members", equalTo(2));
    }

    @Test
    void changing_the_conditions_moves_members_in_and_out_with_history_and_change_events() {
        String women = shop.segment("Women", genderIs("female"));
        shop.ready(women, 1);
        String seen = withKey(shop.tenant.readKey()).get("/v1/segments/" + women + "/changes").then().statusCode(200)
                .body("items.profileId", containsInAnyOrder(hanako, yoko))
                .extract().jsonPath().getString("next");

        clock.set(LATER);
        withKey(shop.tenant.adminKey()).body(Map.of("conditions", cityIs("東京")))
                .patch("/v1/segments/" + women)
                .then().statusCode(200)
                .body("name", equalTo("Women"))
                .body("version", equalTo(2));
        shop.ready(women, 2);

        withKey(shop.tenant.readKey()).get("/v1/segments/" + women + "/members")
                .then().statusCode(200).body("items.profileId", containsInAnyOrder(hanako, taro));
        withKey(shop.tenant.readKey()).queryParam("after", seen).get("/v1/segments/" + women + "/changes")
                .then().statusCode(200)
                .body("items", hasSize(2))
                .body("items.find { it.change == 'EXITED' }.profileId", equalTo(yoko))
                .body("items.find { it.change == 'ENTERED' }.profileId", equalTo(taro))
                .body("items[0].at", equalTo(LATER.toString()));

        withKey(shop.tenant.readKey()).get("/v1/profiles/" + yoko + "/segments")
                .then().statusCode(200)
                .body("current", hasSize(0))
                .body("history", hasSize(1))
                .body("history[0].segmentId", equalTo(women))
                .body("history[0].enteredAt", equalTo(NOW.toString()))
                .body("history[0].exitedAt", equalTo(LATER.toString()));
        withKey(shop.tenant.readKey()).get("/v1/profiles/" + hanako + "/segments")
                .then().statusCode(200)
                .body("current.segmentId", hasItem(women))
                .body("history[0].exitedAt", equalTo(null));
        withKey(shop.tenant.readKey()).get("/v1/profiles/" + taro + "/segments")
                .then().statusCode(200)
                .body("current[0].enteredAt", equalTo(LATER.toString()));

        long audienceChanges = db.count("SELECT count(*) FROM audience_changes WHERE workspace_id = $1 AND audience = $2",
                UUID.fromString(shop.tenant.workspaceId()), women);
        assertEquals(4, audienceChanges, "2 entered, then 1 exited and 1 entered");
    }

    @Test
    void a_change_that_commits_late_is_not_skipped_by_a_reader_that_moved_on() {
        String women = shop.segment("Women", genderIs("female"));
        shop.ready(women, 1);
        String start = withKey(shop.tenant.readKey()).get("/v1/segments/" + women + "/changes").then().statusCode(200)
                .body("items", hasSize(2)).extract().path("next");
        String workspace = shop.tenant.workspaceId();
        String log = "INSERT INTO audience_changes (workspace_id, kind, audience, profile_id, change, at) VALUES ($1, 'SEGMENT', $2, $3, $4, now())";

        // One writer logs a change (the lower seq) and is still busy; another logs one after it and commits first.
        io.vertx.mutiny.sqlclient.SqlConnection slow = pool.getConnection().await().indefinitely();
        try {
            io.vertx.mutiny.sqlclient.Transaction slowTransaction = slow.begin().await().indefinitely();
            slow.preparedQuery(log).execute(io.vertx.mutiny.sqlclient.Tuple.of(UUID.fromString(workspace), women, UUID.fromString(yoko), "EXITED"))
                    .await().indefinitely();
            db.rows(log, UUID.fromString(workspace), women, UUID.fromString(taro), "ENTERED");

            // The reader sees neither yet: answering the later one would move its cursor past the earlier one.
            withKey(shop.tenant.readKey()).queryParam("after", start).get("/v1/segments/" + women + "/changes").then().statusCode(200)
                    .body("items", hasSize(0)).body("next", equalTo(start));

            slowTransaction.commit().await().indefinitely();
        } finally {
            slow.close().await().indefinitely();
        }
        withKey(shop.tenant.readKey()).queryParam("after", start).get("/v1/segments/" + women + "/changes").then().statusCode(200)
                .body("items.profileId", contains(yoko, taro))
                .body("items.change", contains("EXITED", "ENTERED"));
        withKey(shop.tenant.readKey()).queryParam("after", "6 or so").get("/v1/segments/" + women + "/changes").then().statusCode(400)
                .body("field", equalTo("after"));
    }

    @Test
    void changes_arriving_while_computing_end_with_the_latest_version() {
        String segment = shop.segment("Moving target", genderIs("female"));
        withKey(shop.tenant.adminKey()).body(Map.of("conditions", genderIs("male"))).patch("/v1/segments/" + segment).then().statusCode(200);
        withKey(shop.tenant.adminKey()).body(Map.of("conditions", cityIs("大阪"))).patch("/v1/segments/" + segment).then().statusCode(200);

        JsonPath ready = shop.ready(segment, 3);
        assertEquals(1, ready.getInt("members"));
        assertEquals(List.of(yoko), members(segment));
    }

    @Test
    void a_rename_keeps_the_version_and_the_members() {
        String women = shop.segment("Women", genderIs("female"));
        shop.ready(women, 1);
        withKey(shop.tenant.adminKey()).body(Map.of("name", "Female customers", "conditions", genderIs("female")))
                .patch("/v1/segments/" + women)
                .then().statusCode(200)
                .body("name", equalTo("Female customers"))
                .body("version", equalTo(1))
                .body("status", equalTo("READY"))
                .body("members", equalTo(2));
    }

    @Test
    void segments_may_contain_segments_and_follow_them() {
        String tokyo = shop.segment("Tokyo", cityIs("東京"));
        shop.ready(tokyo, 1);
        String tokyoWomen = shop.segment("Tokyo women", Map.of("all", List.of(inSegment(tokyo), genderIs("female"))));
        shop.ready(tokyoWomen, 1);
        withKey(shop.tenant.readKey()).get("/v1/segments/" + tokyoWomen + "/members")
                .then().statusCode(200).body("items.profileId", containsInAnyOrder(hanako));

        withKey(shop.tenant.adminKey()).body(Map.of("conditions", cityIs("大阪"))).patch("/v1/segments/" + tokyo).then().statusCode(200);
        shop.ready(tokyo, 2);
        for (int poll = 0; poll < 400 && !members(tokyoWomen).equals(List.of(yoko)); poll++) {
            pause();
        }
        assertEquals(List.of(yoko), members(tokyoWomen), "the dependent segment is recomputed after the one it contains");
    }

    @Test
    void a_cycle_of_segments_is_refused_naming_the_node_and_the_chain() {
        String a = shop.segment("A", cityIs("東京"));
        String b = shop.segment("B", Map.of("any", List.of(genderIs("male"), inSegment(a))));
        shop.ready(a, 1);
        shop.ready(b, 1);

        withKey(shop.tenant.adminKey()).body(Map.of("conditions", Map.of("all", List.of(cityIs("東京"), inSegment(b)))))
                .patch("/v1/segments/" + a)
                .then().statusCode(400)
                .contentType("application/problem+json")
                .body("errors[0].field", equalTo("conditions.all[1].segment"))
                .body("errors[0].message", containsString("'A' (" + a + ") → 'B' (" + b + ") → 'A' (" + a + ")"));
        withKey(shop.tenant.adminKey()).body(Map.of("conditions", Map.of("not", inSegment(a))))
                .patch("/v1/segments/" + a)
                .then().statusCode(400)
                .body("errors[0].field", equalTo("conditions.not.segment"));
        withKey(shop.tenant.readKey()).get("/v1/segments/" + a).then().statusCode(200).body("version", equalTo(1));
    }

    @Test
    void an_unknown_segment_reference_is_refused() {
        String unknown = UUID.randomUUID().toString();
        withKey(shop.tenant.adminKey()).body(Map.of("name", "Ghosts", "conditions", Map.of("any", List.of(genderIs("male"), inSegment(unknown)))))
                .post("/v1/segments")
                .then().statusCode(400)
                .body("errors[0].field", equalTo("conditions.any[1].segment"))
                .body("errors[0].message", containsString(unknown));
        withKey(shop.tenant.readKey()).body(Map.of("conditions", inSegment(unknown)))
                .post("/v1/segments/preview")
                .then().statusCode(400)
                .body("errors[0].field", equalTo("conditions.segment"));
    }

    @Test
    void bad_definitions_name_the_field() {
        withKey(shop.tenant.adminKey()).body(Map.of("description", "no name"))
                .post("/v1/segments")
                .then().statusCode(400)
                .body("errors.field", containsInAnyOrder("name", "conditions"));
        withKey(shop.tenant.adminKey()).body(Map.of("name", "x".repeat(201), "conditions", Map.of("trait", Map.of("path", "city", "op", "shout"))))
                .post("/v1/segments")
                .then().statusCode(400)
                .body("errors.field", hasItem("name"))
                .body("errors.field", hasItem("conditions.trait.op"));
        withKey(shop.tenant.readKey()).body(Map.of("name", "read only", "conditions", cityIs("東京")))
                .post("/v1/segments").then().statusCode(403);
    }

    @Test
    void preview_counts_without_saving() {
        withKey(shop.tenant.readKey()).body(Map.of("conditions", genderIs("female"), "limit", 1))
                .post("/v1/segments/preview")
                .then().statusCode(200)
                .body("count", equalTo(2))
                .body("members", hasSize(1));
        withKey(shop.tenant.readKey()).get("/v1/segments").then().statusCode(200).body("items", hasSize(0));
    }

    @Test
    void deleting_a_segment_lets_its_members_exit_first_and_is_refused_while_another_uses_it() {
        String tokyo = shop.segment("Tokyo", cityIs("東京"));
        shop.ready(tokyo, 1);
        String user = shop.segment("Tokyo men", Map.of("all", List.of(inSegment(tokyo), genderIs("male"))));
        shop.ready(user, 1);

        withKey(shop.tenant.adminKey()).delete("/v1/segments/" + tokyo).then().statusCode(409).body("detail", containsString("'Tokyo men'"));
        withKey(shop.tenant.adminKey()).delete("/v1/segments/" + user).then().statusCode(204);

        clock.set(LATER);
        withKey(shop.tenant.adminKey()).delete("/v1/segments/" + tokyo).then().statusCode(204);
        withKey(shop.tenant.readKey()).get("/v1/segments/" + tokyo).then().statusCode(404);
        withKey(shop.tenant.readKey()).get("/v1/profiles/" + hanako + "/segments")
                .then().statusCode(200)
                .body("current", hasSize(0))
                .body("history.find { it.segmentId == '" + tokyo + "' }.exitedAt", equalTo(LATER.toString()));
        assertEquals(2, db.count("SELECT count(*) FROM audience_changes WHERE workspace_id = $1 AND audience = $2 AND change = 'EXITED'",
                UUID.fromString(shop.tenant.workspaceId()), tokyo));
        assertEquals(0, db.count("SELECT count(*) FROM segment_members WHERE workspace_id = $1 AND segment_id = $2",
                UUID.fromString(shop.tenant.workspaceId()), UUID.fromString(tokyo)));
    }

    private List<String> members(String segment) {
        return withKey(shop.tenant.readKey()).get("/v1/segments/" + segment + "/members").then().statusCode(200)
                .extract().jsonPath().getList("items.profileId", String.class);
    }

    private static void pause() {
        try {
            Thread.sleep(50);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
