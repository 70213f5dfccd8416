package io.kizuna.segment;

import static io.kizuna.segment.Shop.genderIs;
import static io.kizuna.support.Api.graphql;
import static org.hamcrest.Matchers.anyOf;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.kizuna.common.time.KizunaClock;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

@QuarkusTest
class SegmentGraphQLTest {

    private static final Instant NOW = Instant.parse("2026-11-23T03:00:00Z");

    @Inject
    KizunaClock clock;

    private Shop shop;
    private String women;

    @BeforeEach
    void a_shop_with_a_segment_of_three_women() {
        clock.set(NOW);
        shop = new Shop("segments graphql", NOW);
        shop.customer("hanako", Map.of("gender", "female"));
        shop.customer("yoko", Map.of("gender", "female"));
        shop.customer("keiko", Map.of("gender", "female"));
        shop.customer("taro", Map.of("gender", "male"));
        women = shop.segment("Women", genderIs("female"));
        shop.ready(women, 1);
    }

    @AfterEach
    void real_time_again() {
        clock.reset();
    }

    @Test
    void a_segment_gives_its_count_and_its_members_page_by_page() {
        String query = "query($id: ID!, $after: String) { segment(id: $id) { id name status count "
                + "members(first: 2, after: $after) { edges { cursor enteredAt node { id } } pageInfo { hasNextPage endCursor } } } }";
        JsonPath first = graphql(shop.tenant.readKey(), query).body(Map.of("query", query, "variables", Map.of("id", women)))
                .post("/graphql").then().statusCode(200)
                .body("errors", nullValue())
                .body("data.segment.count", equalTo(3))
                .body("data.segment.status", equalTo("READY"))
                .body("data.segment.members.edges", hasSize(2))
                .body("data.segment.members.edges[0].enteredAt", equalTo(NOW.toString()))
                .body("data.segment.members.pageInfo.hasNextPage", equalTo(true))
                .extract().jsonPath();
        String after = first.getString("data.segment.members.pageInfo.endCursor");
        graphql(shop.tenant.readKey(), query).body(Map.of("query", query, "variables", Map.of("id", women, "after", after)))
                .post("/graphql").then().statusCode(200)
                .body("errors", nullValue())
                .body("data.segment.members.edges", hasSize(1))
                .body("data.segment.members.pageInfo.hasNextPage", equalTo(false));
    }

    @Test
    void profiles_list_their_segments_in_one_batch() {
        graphql(shop.tenant.readKey(), "{ profiles { edges { node { id segments { id name } } } } }").post("/graphql")
                .then().statusCode(200)
                .body("errors", nullValue())
                .body("data.profiles.edges", hasSize(4))
                .body("data.profiles.edges.findAll { it.node.segments.size() == 1 }", hasSize(3))
                .body("data.profiles.edges.findAll { it.node.segments.size() == 1 }.node.segments.flatten().name",
                        containsInAnyOrder("Women", "Women", "Women"));
        graphql(shop.tenant.readKey(), "{ segments(first: 10) { edges { node { id count members(first: 1) { edges { node { id segments { id } } } } } } } }")
                .post("/graphql").then().statusCode(200)
                .body("errors", nullValue())
                .body("data.segments.edges[0].node.count", equalTo(3))
                .body("data.segments.edges[0].node.members.edges[0].node.segments[0].id", equalTo(women));
    }

    @Test
    void segments_are_created_changed_and_deleted_by_mutations() {
        String create = "mutation($input: SegmentInput!) { createSegment(input: $input) { id name status version conditions } }";
        JsonPath created = graphql(shop.tenant.adminKey(), create)
                .body(Map.of("query", create, "variables", Map.of("input", Map.of("name", "Men",
                        "conditions", "{\"trait\": {\"path\": \"gender\", \"op\": \"equals\", \"value\": \"male\"}}"))))
                .post("/graphql").then().statusCode(200)
                .body("errors", nullValue())
                // the mutation answers the segment as it is once created: the background compute may already be done
                .body("data.createSegment.status", anyOf(equalTo("BUILDING"), equalTo("READY")))
                .body("data.createSegment.version", equalTo(1))
                .extract().jsonPath();
        String men = created.getString("data.createSegment.id");
        assertEquals(Map.of("trait", Map.of("path", "gender", "op", "equals", "value", "male")),
                io.vertx.core.json.Json.decodeValue(created.getString("data.createSegment.conditions"), Map.class));
        shop.ready(men, 1);

        String update = "mutation($id: ID!, $input: SegmentInput!) { updateSegment(id: $id, input: $input) { id name version } }";
        graphql(shop.tenant.adminKey(), update)
                .body(Map.of("query", update, "variables", Map.of("id", men, "input", Map.of("name", "Everyone", "conditions", "{\"all\": []}"))))
                .post("/graphql").then().statusCode(200)
                .body("errors", nullValue())
                .body("data.updateSegment.name", equalTo("Everyone"))
                .body("data.updateSegment.version", equalTo(2));
        shop.ready(men, 2);

        graphql(shop.tenant.adminKey(), update)
                .body(Map.of("query", update, "variables", Map.of("id", men, "input", Map.of("conditions", "{\"all\": [{\"segment\": \"" + men + "\"}]}"))))
                .post("/graphql").then().statusCode(200)
                .body("errors[0].extensions.code", equalTo("BAD_USER_INPUT"))
                .body("errors[0].message", notNullValue());
        graphql(shop.tenant.adminKey(), update)
                .body(Map.of("query", update, "variables", Map.of("id", men, "input", Map.of("conditions", "{not json"))))
                .post("/graphql").then().statusCode(200)
                .body("errors[0].extensions.code", equalTo("BAD_USER_INPUT"));

        graphql(shop.tenant.adminKey(), "mutation { deleteSegment(id: \"" + men + "\") }").post("/graphql")
                .then().statusCode(200).body("errors", nullValue()).body("data.deleteSegment", equalTo(men));
        graphql(shop.tenant.readKey(), "{ segments { edges { node { id } } } }").post("/graphql")
                .then().statusCode(200).body("data.segments.edges.node.id", equalTo(List.of(women)));
    }

    @Test
    void a_segment_can_be_created_from_typed_conditions_and_previewed_before_saving() {
        String typed = "{ all: [ { trait: { path: \"gender\", op: EQUALS, value: { string: \"female\" } } },"
                + " { not: { tag: \"staff\" } }, { computed: { field: \"order_count\", op: GTE, value: { number: 0 } } } ] }";
        graphql(shop.tenant.readKey(), "{ conditionPreview(condition: " + typed + ", limit: 2) { count members { id } conditions } }")
                .post("/graphql").then().statusCode(200)
                .body("errors", nullValue())
                .body("data.conditionPreview.count", equalTo(3))
                .body("data.conditionPreview.members", hasSize(2));

        JsonPath created = graphql(shop.tenant.adminKey(),
                "mutation { createSegment(input: { name: \"Women, not staff\", condition: " + typed + " }) { id conditions } }")
                .post("/graphql").then().statusCode(200)
                .body("errors", nullValue())
                .extract().jsonPath();
        assertEquals(Map.of("all", List.of(
                        Map.of("trait", Map.of("path", "gender", "op", "equals", "value", "female")),
                        Map.of("not", Map.of("tag", "staff")),
                        Map.of("computed", Map.of("field", "order_count", "op", "gte", "value", 0)))),
                io.vertx.core.json.Json.decodeValue(created.getString("data.createSegment.conditions"), Map.class),
                "the typed input is stored in the same canonical JSON form as the text input");
        String segment = created.getString("data.createSegment.id");
        shop.ready(segment, 1);
        graphql(shop.tenant.readKey(), "{ segment(id: \"" + segment + "\") { count } }").post("/graphql")
                .then().statusCode(200).body("data.segment.count", equalTo(3));
    }

    @Test
    void typed_conditions_are_checked_and_errors_name_the_node() {
        String twoKinds = "mutation { createSegment(input: { name: \"Bad\", condition: { all: [ { tag: \"vip\" }, { tag: \"a\", reachable: \"email\" } ] } }) { id } }";
        graphql(shop.tenant.adminKey(), twoKinds).post("/graphql").then().statusCode(200)
                .body("errors[0].extensions.code", equalTo("BAD_USER_INPUT"))
                .body("errors[0].message", containsString("condition.all[1]"))
                .body("errors[0].message", containsString("got tag, reachable"));

        String wrongType = "{ conditionPreview(condition: { computed: { field: \"order_count\", op: GT, value: { string: \"many\" } } }) { count } }";
        graphql(shop.tenant.readKey(), wrongType).post("/graphql").then().statusCode(200)
                .body("errors[0].extensions.code", equalTo("BAD_USER_INPUT"))
                .body("errors[0].message", containsString("condition.computed.value"));

        String both = "{ conditionPreview(condition: { tag: \"vip\" }, conditions: \"{}\") { count } }";
        graphql(shop.tenant.readKey(), both).post("/graphql").then().statusCode(200)
                .body("errors[0].extensions.code", equalTo("BAD_USER_INPUT"))
                .body("errors[0].message", containsString("not both"));
    }
}
