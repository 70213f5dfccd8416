package io.kizuna.segment;

import static io.kizuna.segment.Shop.genderIs;
import static io.kizuna.support.Api.withKey;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.kizuna.common.time.KizunaClock;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.vertx.mutiny.pgclient.PgPool;

@QuarkusTest
class SegmentMembersTest {

    private static final Instant NOW = Instant.parse("2026-11-23T03:00:00Z");

    @Inject
    KizunaClock clock;

    @Inject
    SegmentComputer computer;

    @Inject
    SegmentService segments;

    @Inject
    PgPool pool;

    private Shop shop;

    @BeforeEach
    void a_shop() {
        clock.set(NOW);
        shop = new Shop("segment members", NOW);
    }

    @AfterEach
    void real_time_again() {
        clock.reset();
    }

    @Test
    void members_are_listed_page_by_page_in_profile_id_order() {
        List<String> women = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            women.add(shop.customer("woman-" + i, Map.of("gender", "female")));
        }
        shop.customer("man", Map.of("gender", "male"));
        women.sort(null);
        String segment = shop.segment("Women", genderIs("female"));
        shop.ready(segment, 1);

        List<String> seen = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            var request = withKey(shop.tenant.readKey()).queryParam("limit", 2);
            if (cursor != null) {
                request.queryParam("after", cursor);
            }
            JsonPath page = request.get("/v1/segments/" + segment + "/members").then().statusCode(200).extract().jsonPath();
            seen.addAll(page.getList("items.profileId", String.class));
            cursor = page.getString("nextCursor");
            pages++;
        } while (cursor != null && pages < 10);
        assertEquals(women, seen);
        assertEquals(3, pages);

        withKey(shop.tenant.readKey()).queryParam("limit", 0).get("/v1/segments/" + segment + "/members")
                .then().statusCode(400).body("field", equalTo("limit"));
        withKey(shop.tenant.readKey()).queryParam("after", "not-a-cursor").get("/v1/segments/" + segment + "/members")
                .then().statusCode(400).body("field", equalTo("after"));
    }

    @Test
    void a_small_segment_exports_as_csv_and_ndjson() {
        String hanako = shop.customer("hanako", Map.of("gender", "female", "name", "Hanako, \"Hana\""));
        String yoko = shop.customer("yoko", Map.of("gender", "female"));
        shop.customer("taro", Map.of("gender", "male"));
        String segment = shop.segment("Women", genderIs("female"));
        shop.ready(segment, 1);
        List<String> ids = new ArrayList<>(List.of(hanako, yoko));
        ids.sort(null);
        Map<String, String> traits = Map.of(
                hanako, "{\"name\":\"Hanako, \\\"Hana\\\"\",\"gender\":\"female\"}",
                yoko, "{\"gender\":\"female\"}");

        String csv = withKey(shop.tenant.readKey()).queryParam("format", "csv").get("/v1/segments/" + segment + "/export")
                .then().statusCode(200).header("Content-Type", startsWith("text/csv")).extract().asString();
        StringBuilder expectedCsv = new StringBuilder("profile_id,entered_at,traits\n");
        for (String id : ids) {
            String json = traits.get(id);
            String cell = json.contains(",") || json.contains("\"") ? "\"" + json.replace("\"", "\"\"") + "\"" : json;
            expectedCsv.append(id).append(',').append(NOW).append(',').append(cell).append('\n');
        }
        assertEquals(expectedCsv.toString(), csv);

        String ndjson = withKey(shop.tenant.readKey()).queryParam("format", "ndjson").get("/v1/segments/" + segment + "/export")
                .then().statusCode(200).header("Content-Type", startsWith("application/x-ndjson")).extract().asString();
        StringBuilder expectedNdjson = new StringBuilder();
        for (String id : ids) {
            expectedNdjson.append("{\"profileId\":\"").append(id).append("\",\"enteredAt\":\"").append(NOW).append("\",\"traits\":")
                    .append(traits.get(id)).append("}\n");
        }
        assertEquals(expectedNdjson.toString(), ndjson);

        withKey(shop.tenant.readKey()).queryParam("format", "xml").get("/v1/segments/" + segment + "/export")
                .then().statusCode(400).body("field", equalTo("format"));
    }

    @Test
    void an_export_of_several_pages_carries_every_member_once() {
        shop.customer("hanako", Map.of("gender", "female"));
        String segment = shop.segment("Everyone", Map.of("all", List.of()));
        shop.ready(segment, 1);
        List<MembershipChange> enters = new ArrayList<>();
        for (int i = 0; i < 2 * SegmentService.EXPORT_PAGE + 1; i++) {
            enters.add(new MembershipChange(UUID.fromString(segment), UUID.randomUUID(), true));
        }
        pool.withTransaction(connection -> segments.applyMembershipChanges(connection, UUID.fromString(shop.tenant.workspaceId()), enters, NOW))
                .await().atMost(Duration.ofSeconds(30));

        List<String> lines = withKey(shop.tenant.readKey()).queryParam("format", "ndjson").get("/v1/segments/" + segment + "/export")
                .then().statusCode(200).extract().asString().lines().toList();
        assertEquals(2 * SegmentService.EXPORT_PAGE + 2, lines.size());
        assertEquals(lines.size(), new HashSet<>(lines).size());

        String empty = shop.segment("Nobody", Map.of("any", List.of()));
        shop.ready(empty, 1);
        assertEquals("profile_id,entered_at,traits\n", withKey(shop.tenant.readKey()).get("/v1/segments/" + empty + "/export")
                .then().statusCode(200).extract().asString());
    }

    @Test
    void sizes_are_recorded_after_each_computation_and_every_hour() {
        shop.customer("hanako", Map.of("gender", "female"));
        String segment = shop.segment("Women", genderIs("female"));
        shop.ready(segment, 1);
        shop.customer("yoko", Map.of("gender", "female"));

        Instant hourLater = clock.advance(Duration.ofHours(1));
        computer.recordSizes().await().atMost(Duration.ofSeconds(10));
        // the hourly job counts the materialized members: yoko arrived after the computation (no real-time engine here)
        withKey(shop.tenant.readKey()).get("/v1/segments/" + segment + "/sizes")
                .then().statusCode(200)
                .body("", hasSize(2))
                .body("[0].at", equalTo(NOW.toString()))
                .body("[0].size", equalTo(1))
                .body("[1].at", equalTo(hourLater.toString()));

        withKey(shop.tenant.adminKey()).body(Map.of("conditions", Map.of("all", List.of(genderIs("female")))))
                .patch("/v1/segments/" + segment).then().statusCode(200);
        shop.ready(segment, 2);
        withKey(shop.tenant.readKey()).queryParam("from", hourLater.toString()).get("/v1/segments/" + segment + "/sizes")
                .then().statusCode(200)
                .body("", hasSize(1))
                .body("[0].size", equalTo(2));
        withKey(shop.tenant.readKey()).queryParam("from", "yesterday").get("/v1/segments/" + segment + "/sizes")
                .then().statusCode(400).body("field", equalTo("from"));
        withKey(shop.tenant.readKey()).get("/v1/segments/" + segment).then().body("failure", nullValue());
    }
}
