package io.kizuna.profile;

import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.kizuna.common.time.KizunaClock;
import io.kizuna.support.Api;
import io.kizuna.support.Api.Tenant;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
class ProfileGraphQLTest {

    static final Instant NOW = Instant.parse("2026-11-23T03:00:00Z");

    @Inject
    ProfileSeeder seed;

    @Inject
    KizunaClock clock;

    Tenant shop;
    UUID hanako;
    UUID taro;

    @BeforeEach
    void two_customers() {
        clock.set(NOW);
        shop = Tenant.create("graphql profiles");
        hanako = seed.profile(shop.workspaceId()).trait("email", "hanako@example.jp").trait("age", 34).trait("tags", List.of("vip"))
                .seen(Instant.parse("2026-11-01T00:00:00Z"), Instant.parse("2026-11-20T00:00:00Z"))
                .orders(2, "12000", "0", Instant.parse("2026-09-01T00:00:00Z"), Instant.parse("2026-10-01T00:00:00Z"))
                .cartLine("p-1", "Toner", "2400", 1, Instant.parse("2026-11-22T00:00:00Z"))
                .viewed("p-9", "Serum", 5000, Instant.parse("2026-11-21T00:00:00Z"))
                .channel("line", Instant.parse("2026-11-20T00:00:00Z"))
                .rfm(4, 2, 3)
                .identity("email", "hanako@example.jp").identity("user_id", "U-1")
                .create();
        taro = seed.profile(shop.workspaceId()).trait("email", "taro@example.jp").identity("email", "taro@example.jp").create();
        seed.track(shop.workspaceId(), hanako, "Product Viewed", Instant.parse("2026-11-20T00:00:00Z"));
        seed.track(shop.workspaceId(), hanako, "Product Added", Instant.parse("2026-11-21T00:00:00Z"));
        seed.track(shop.workspaceId(), hanako, "Order Completed", Instant.parse("2026-11-22T00:00:00Z"));
        seed.track(shop.workspaceId(), taro, "Product Viewed", Instant.parse("2026-11-19T00:00:00Z"));
    }

    @AfterEach
    void release_the_clock() {
        clock.reset();
    }

    @Test
    void a_page_of_profiles_with_nested_fields_resolves_in_one_request_without_errors() {
        String query = """
                {
                  profiles(first: 10) {
                    edges {
                      cursor
                      node {
                        id
                        traits { name value json setAt }
                        computed(viewedDays: 7) {
                          orderCount lifetimeRevenue averageOrderIntervalDays predictedNextOrderAt daysSinceLastSeen
                          cart { value items { productId name quantity } }
                          viewedNotBought { productId name viewedAt }
                          channels { channel lastActivityAt }
                          rfm { recency frequency monetary }
                        }
                        identities { type value }
                        events(first: 2) {
                          edges { cursor node { name type occurredAt propertiesJson contextJson } }
                          pageInfo { hasNextPage endCursor }
                        }
                      }
                    }
                    pageInfo { hasNextPage endCursor }
                  }
                  one: profile(id: "%s") { id traits { name value } }
                  byEmail: profileByIdentity(type: "email", value: " TARO@example.jp") { id identities { value } }
                }""".formatted(hanako);

        Api.graphql(shop.readKey(), query).post("/graphql")
                .then().statusCode(200)
                .body("errors", nullValue())
                .body("data.profiles.edges", hasSize(2))
                .body("data.profiles.pageInfo.hasNextPage", equalTo(false))
                .body("data.profiles.edges.node.id", contains(hanako.toString(), taro.toString()))
                .body("data.profiles.edges[0].node.traits.find { it.name == 'email' }.value", equalTo("hanako@example.jp"))
                .body("data.profiles.edges[0].node.traits.find { it.name == 'email' }.json", equalTo("\"hanako@example.jp\""))
                .body("data.profiles.edges[0].node.traits.find { it.name == 'age' }.value", equalTo("34"))
                .body("data.profiles.edges[0].node.traits.find { it.name == 'tags' }.value", equalTo("[\"vip\"]"))
                .body("data.profiles.edges[0].node.traits.find { it.name == 'email' }.setAt", equalTo("2026-01-01T00:00:00Z"))
                .body("data.profiles.edges[0].node.computed.orderCount", equalTo(2))
                .body("data.profiles.edges[0].node.computed.lifetimeRevenue", equalTo(12000))
                .body("data.profiles.edges[0].node.computed.averageOrderIntervalDays", equalTo(30.0f))
                .body("data.profiles.edges[0].node.computed.predictedNextOrderAt", equalTo("2026-10-31T00:00:00Z"))
                .body("data.profiles.edges[0].node.computed.daysSinceLastSeen", equalTo(3))
                .body("data.profiles.edges[0].node.computed.cart.items[0].productId", equalTo("p-1"))
                .body("data.profiles.edges[0].node.computed.viewedNotBought.productId", contains("p-9"))
                .body("data.profiles.edges[0].node.computed.channels.channel", contains("line"))
                .body("data.profiles.edges[0].node.computed.rfm.recency", equalTo(4))
                .body("data.profiles.edges[1].node.computed.rfm", nullValue())
                .body("data.profiles.edges[0].node.identities.value", contains("hanako@example.jp", "U-1"))
                .body("data.profiles.edges[1].node.identities.value", contains("taro@example.jp"))
                .body("data.profiles.edges[0].node.events.edges.node.name", contains("Order Completed", "Product Added"))
                .body("data.profiles.edges[0].node.events.edges[0].node.contextJson", equalTo("{\"ip\":\"203.0.113.7\"}"))
                .body("data.profiles.edges[0].node.events.pageInfo.hasNextPage", equalTo(true))
                .body("data.profiles.edges[1].node.events.edges.node.name", contains("Product Viewed"))
                .body("data.profiles.edges[1].node.events.pageInfo.hasNextPage", equalTo(false))
                .body("data.one.id", equalTo(hanako.toString()))
                .body("data.byEmail.id", equalTo(taro.toString()))
                .body("data.byEmail.identities.value", contains("taro@example.jp"));
    }

    @Test
    void profiles_and_events_page_forward_with_cursors() {
        for (int i = 0; i < 3; i++) {
            seed.profile(shop.workspaceId()).create();
        }
        List<String> ids = new ArrayList<>();
        String after = null;
        boolean more = true;
        int pages = 0;
        while (more && pages < 10) {
            String arguments = after == null ? "first: 2" : "first: 2, after: \"" + after + "\"";
            var page = Api.graphql(shop.readKey(), "{ profiles(" + arguments + ") { edges { cursor node { id } } pageInfo { hasNextPage endCursor } } }")
                    .post("/graphql").then().statusCode(200).body("errors", nullValue()).extract();
            ids.addAll(page.path("data.profiles.edges.node.id"));
            more = page.path("data.profiles.pageInfo.hasNextPage");
            after = page.path("data.profiles.pageInfo.endCursor");
            pages++;
        }
        assertEquals(3, pages);
        assertEquals(5, ids.stream().distinct().count());
        assertEquals(ids.stream().sorted().toList(), ids);

        String first = Api.graphql(shop.readKey(), "{ profile(id: \"" + hanako + "\") { events(first: 1) { pageInfo { endCursor } } } }")
                .post("/graphql").then().body("errors", nullValue()).extract().path("data.profile.events.pageInfo.endCursor");
        Api.graphql(shop.readKey(), "{ profile(id: \"" + hanako + "\") { events(first: 5, after: \"" + first + "\", name: \"Product Viewed\") { edges { node { name } } pageInfo { hasNextPage hasPreviousPage } } } }")
                .post("/graphql").then().statusCode(200)
                .body("errors", nullValue())
                .body("data.profile.events.edges.node.name", contains("Product Viewed"))
                .body("data.profile.events.pageInfo.hasNextPage", equalTo(false))
                .body("data.profile.events.pageInfo.hasPreviousPage", equalTo(true));
    }

    @Test
    void the_same_field_with_different_arguments_answers_each_selection_on_its_own() {
        String query = """
                {
                  a: profile(id: "%s") {
                    latest: events(first: 1) { edges { node { name } } pageInfo { hasNextPage } }
                    orders: events(name: "Order Completed") { edges { node { name } } }
                    all: events { edges { node { name } } }
                    lastDay: computed(viewedDays: 1) { viewedNotBought { productId } }
                    lastMonth: computed(viewedDays: 30) { viewedNotBought { productId } }
                  }
                  b: profile(id: "%s") { events(first: 5) { edges { node { name } } } }
                }""".formatted(hanako, taro);
        Api.graphql(shop.readKey(), query).post("/graphql")
                .then().statusCode(200)
                .body("errors", nullValue())
                .body("data.a.latest.edges.node.name", contains("Order Completed"))
                .body("data.a.latest.pageInfo.hasNextPage", equalTo(true))
                .body("data.a.orders.edges.node.name", contains("Order Completed"))
                .body("data.a.all.edges.node.name", contains("Order Completed", "Product Added", "Product Viewed"))
                .body("data.a.lastDay.viewedNotBought", hasSize(0))
                .body("data.a.lastMonth.viewedNotBought.productId", contains("p-9"))
                .body("data.b.events.edges.node.name", contains("Product Viewed"));
    }

    @Test
    void failures_carry_an_extensions_code() {
        Api.graphql(shop.readKey(), "{ profile(id: \"" + UUID.randomUUID() + "\") { id } }").post("/graphql")
                .then().statusCode(200).body("data.profile", nullValue()).body("errors[0].extensions.code", equalTo("NOT_FOUND"));
        Api.graphql(shop.readKey(), "{ profile(id: \"not-a-uuid\") { id } }").post("/graphql")
                .then().body("errors[0].extensions.code", equalTo("NOT_FOUND"));
        Api.graphql(shop.readKey(), "{ profileByIdentity(type: \"email\", value: \"nobody@example.jp\") { id } }").post("/graphql")
                .then().body("errors[0].extensions.code", equalTo("NOT_FOUND"));
        Api.graphql(shop.readKey(), "{ profileByIdentity(type: \"phone\", value: \"090\") { id } }").post("/graphql")
                .then().body("errors[0].extensions.code", equalTo("BAD_USER_INPUT"));
        Api.graphql(shop.readKey(), "{ profiles(first: 0) { edges { cursor } } }").post("/graphql")
                .then().body("errors[0].extensions.code", equalTo("BAD_USER_INPUT"));
        Api.graphql(shop.readKey(), "{ profile(id: \"" + hanako + "\") { id computed(viewedDays: 400) { orderCount } } }").post("/graphql")
                .then().body("data.profile.id", equalTo(hanako.toString()))
                .body("errors[0].extensions.code", equalTo("BAD_USER_INPUT"));
        Api.graphql(shop.ingestKey(), "{ profiles { edges { cursor } } }").post("/graphql")
                .then().body("errors[0].extensions.code", equalTo("FORBIDDEN"));
        Api.graphql(null, "{ profile(id: \"" + hanako + "\") { id } }").post("/graphql")
                .then().body("errors[0].extensions.code", equalTo("UNAUTHENTICATED"));
    }

    @Test
    void the_schema_describes_profiles_as_a_relay_connection() {
        io.restassured.RestAssured.given().get("/graphql/schema.graphql").then().statusCode(200)
                .body(org.hamcrest.Matchers.containsString("type ProfileConnection"))
                .body(org.hamcrest.Matchers.containsString("type PageInfo"))
                .body(org.hamcrest.Matchers.containsString("profileByIdentity(type: String!, value: String!): Profile"));
    }
}
