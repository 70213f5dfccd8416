package io.kizuna.tag;

import static io.kizuna.support.Api.graphql;
import static io.kizuna.support.Api.withKey;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.kizuna.support.Api.Tenant;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

@QuarkusTest
class TagGraphQLTest {

    Tenant shop;
    String hanako;
    String taro;
    String yui;

    @BeforeEach
    void three_members() {
        shop = Tenant.create("graphql tags");
        hanako = Shoppers.arrives(shop, "u-hanako", Map.of("plan", "gold"));
        taro = Shoppers.arrives(shop, "u-taro", Map.of("plan", "silver"));
        yui = Shoppers.arrives(shop, "u-yui", Map.of("plan", "gold"));
    }

    @Test
    void a_page_of_profiles_shows_each_ones_tags_without_errors() {
        withKey(shop.adminKey()).body(Map.of("profileIds", List.of(hanako, yui))).post("/v1/tags/{name}/assign", "vip").then().statusCode(200);
        withKey(shop.adminKey()).put("/v1/profiles/{id}/tags/{name}", hanako, "newsletter").then().statusCode(200);

        JsonPath page = graphql(shop.readKey(), "{ profiles(first: 10) { edges { node { id tags { name source assignedAt } } } } }")
                .post("/graphql").then().statusCode(200).body("errors", nullValue())
                .extract().jsonPath();
        List<Map<String, Object>> nodes = page.getList("data.profiles.edges.node");
        assertEquals(3, nodes.size());
        for (Map<String, Object> node : nodes) {
            List<?> names = ((List<?>) node.get("tags")).stream().map(tag -> ((Map<?, ?>) tag).get("name")).toList();
            Object id = node.get("id");
            List<String> expected = id.equals(hanako) ? List.of("newsletter", "vip") : id.equals(yui) ? List.of("vip") : List.of();
            assertEquals(expected, names, "tags of " + id);
        }
        graphql(shop.readKey(), "{ profile(id: \"" + taro + "\") { tags { name } } tag(name: \"vip\") { kind profiles } "
                + "tags(first: 1) { edges { cursor node { name } } pageInfo { hasNextPage endCursor } } }")
                .post("/graphql").then().statusCode(200).body("errors", nullValue())
                .body("data.profile.tags", empty())
                .body("data.tag.kind", equalTo("MANUAL"))
                .body("data.tag.profiles", equalTo(2))
                .body("data.tags.edges.node.name", contains("newsletter"))
                .body("data.tags.pageInfo.hasNextPage", equalTo(true));
    }

    @Test
    void mutations_create_rule_tags_and_add_and_remove_manual_ones() {
        graphql(shop.adminKey(), "mutation { createTag(input: {name: \"gold\", conditions: \"{\\\"trait\\\": {\\\"path\\\": \\\"plan\\\", \\\"op\\\": \\\"equals\\\", \\\"value\\\": \\\"gold\\\"}}\"}) { name kind status conditions } }")
                .post("/graphql").then().statusCode(200).body("errors", nullValue())
                .body("data.createTag.kind", equalTo("RULE"))
                .body("data.createTag.status", equalTo("BUILDING"));
        Shoppers.ready(shop, "gold", 1);

        graphql(shop.adminKey(), "mutation { addTags(profileId: \"" + taro + "\", names: [\"vip\", \"newsletter\"]) { name source } }")
                .post("/graphql").then().statusCode(200).body("errors", nullValue())
                .body("data.addTags.name", contains("newsletter", "vip"));
        graphql(shop.adminKey(), "mutation { removeTags(profileId: \"" + taro + "\", names: [\"vip\"]) { name } }")
                .post("/graphql").then().statusCode(200).body("errors", nullValue())
                .body("data.removeTags.name", contains("newsletter"));

        graphql(shop.adminKey(), "mutation { addTags(profileId: \"" + taro + "\", names: [\"gold\"]) { name } }")
                .post("/graphql").then().statusCode(200).body("errors[0].extensions.code", equalTo("CONFLICT"));
        // A rule given typed is stored in the same canonical JSON form (platinum: nobody here, so hanako keeps one tag).
        graphql(shop.adminKey(), "mutation { createTag(input: {name: \"gold typed\", condition: "
                + "{ trait: { path: \"plan\", op: EQUALS, value: { string: \"platinum\" } } }}) { name kind conditions } }")
                .post("/graphql").then().statusCode(200).body("errors", nullValue())
                .body("data.createTag.kind", equalTo("RULE"))
                .body("data.createTag.conditions", jsonEquals(Map.of("trait", Map.of("path", "plan", "op", "equals", "value", "platinum"))));
        graphql(shop.adminKey(), "mutation { createTag(input: {name: \"broken\", conditions: \"{not json\"}) { name } }")
                .post("/graphql").then().statusCode(200).body("errors[0].extensions.code", equalTo("BAD_USER_INPUT"));
        graphql(shop.adminKey(), "mutation { createTag(input: {name: \"seg\", conditions: \"{\\\"segment\\\": \\\"" + java.util.UUID.randomUUID() + "\\\"}\"}) { name } }")
                .post("/graphql").then().statusCode(200).body("errors[0].extensions.code", equalTo("BAD_USER_INPUT"));
        graphql(shop.readKey(), "mutation { addTags(profileId: \"" + taro + "\", names: [\"x\"]) { name } }")
                .post("/graphql").then().statusCode(200).body("errors[0].extensions.code", equalTo("FORBIDDEN"));

        graphql(shop.readKey(), "{ profile(id: \"" + hanako + "\") { tags { name source } } }")
                .post("/graphql").then().statusCode(200).body("errors", nullValue())
                .body("data.profile.tags", hasSize(1))
                .body("data.profile.tags[0].name", equalTo("gold"))
                .body("data.profile.tags[0].source", equalTo("RULE"));
    }

    /** Matches JSON text equal to the expected value, whatever its key order. */
    private static org.hamcrest.Matcher<String> jsonEquals(Object expected) {
        return new org.hamcrest.TypeSafeMatcher<>() {
            @Override
            protected boolean matchesSafely(String text) {
                return expected.equals(io.vertx.core.json.Json.decodeValue(text, Map.class));
            }

            @Override
            public void describeTo(org.hamcrest.Description description) {
                description.appendText("JSON text equal to ").appendValue(expected);
            }
        };
    }
}
