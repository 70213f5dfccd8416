package io.kizuna.segment;

import static io.kizuna.segment.Shop.cityIs;
import static io.kizuna.segment.Shop.inSegment;
import static io.kizuna.support.Api.graphql;
import static io.kizuna.support.Api.withKey;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.nullValue;

import java.time.Instant;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.kizuna.common.time.KizunaClock;
import io.quarkus.test.junit.QuarkusTest;

/** A key of one workspace never sees or touches another workspace's segments. */
@QuarkusTest
class SegmentTenantIsolationTest {

    private static final Instant NOW = Instant.parse("2026-11-23T03:00:00Z");

    @Inject
    KizunaClock clock;

    private Shop mine;
    private Shop theirs;
    private String segment;
    private String hanako;

    @BeforeEach
    void two_shops() {
        clock.set(NOW);
        mine = new Shop("segment owner", NOW);
        theirs = new Shop("segment neighbour", NOW);
        hanako = mine.customer("hanako", Map.of("city", "東京"));
        theirs.customer("hanako", Map.of("city", "東京"));
        segment = mine.segment("Tokyo", cityIs("東京"));
        mine.ready(segment, 1);
    }

    @AfterEach
    void real_time_again() {
        clock.reset();
    }

    @Test
    void every_segment_endpoint_answers_404_or_nothing_to_another_workspace() {
        String read = theirs.tenant.readKey();
        String admin = theirs.tenant.adminKey();
        String path = "/v1/segments/" + segment;

        withKey(read).get(path).then().statusCode(404);
        withKey(read).get(path + "/members").then().statusCode(404);
        withKey(read).get(path + "/export").then().statusCode(404);
        withKey(read).queryParam("format", "ndjson").get(path + "/export").then().statusCode(404);
        withKey(read).get(path + "/sizes").then().statusCode(404);
        withKey(read).get(path + "/changes").then().statusCode(404);
        withKey(admin).body(Map.of("name", "stolen")).patch(path).then().statusCode(404);
        withKey(admin).delete(path).then().statusCode(404);
        withKey(read).get("/v1/profiles/" + hanako + "/segments").then().statusCode(404);
        withKey(read).get("/v1/segments").then().statusCode(200).body("items", hasSize(0));

        withKey(admin).body(Map.of("name", "Piggyback", "conditions", inSegment(segment))).post("/v1/segments")
                .then().statusCode(400).body("field", equalTo("conditions.segment"));
        withKey(read).body(Map.of("conditions", inSegment(segment))).post("/v1/segments/preview")
                .then().statusCode(400).body("field", equalTo("conditions.segment"));

        graphql(read, "{ segment(id: \"" + segment + "\") { id count } }").post("/graphql")
                .then().statusCode(200)
                .body("data.segment", nullValue())
                .body("errors[0].extensions.code", equalTo("NOT_FOUND"));
        graphql(read, "{ segments { edges { node { id } } } }").post("/graphql")
                .then().statusCode(200).body("errors", nullValue()).body("data.segments.edges", hasSize(0));
        graphql(admin, "mutation { deleteSegment(id: \"" + segment + "\") }").post("/graphql")
                .then().statusCode(200).body("errors[0].extensions.code", equalTo("NOT_FOUND"));
        graphql(theirs.tenant.readKey(), "{ profiles { edges { node { segments { id } } } } }").post("/graphql")
                .then().statusCode(200).body("errors", nullValue()).body("data.profiles.edges[0].node.segments", hasSize(0));

        withKey(mine.tenant.readKey()).get(path).then().statusCode(200).body("name", equalTo("Tokyo")).body("members", equalTo(1));
    }

    @Test
    void reads_need_the_read_scope_and_writes_the_admin_scope() {
        String path = "/v1/segments/" + segment;
        withKey(mine.tenant.ingestKey()).get(path).then().statusCode(403);
        withKey(mine.tenant.ingestKey()).get(path + "/export").then().statusCode(403);
        withKey(mine.tenant.readKey()).body(Map.of("name", "x")).patch(path).then().statusCode(403);
        withKey(mine.tenant.readKey()).delete(path).then().statusCode(403);
        graphql(mine.tenant.readKey(), "mutation { deleteSegment(id: \"" + segment + "\") }").post("/graphql")
                .then().statusCode(200).body("errors[0].extensions.code", equalTo("FORBIDDEN"));
    }
}
