package io.kizuna.profile;

import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.kizuna.support.Api;
import io.kizuna.support.Api.Tenant;
import io.kizuna.support.Tracking;
import io.quarkus.test.junit.QuarkusTest;

/** From first visit to erasure, through the public APIs only. */
@QuarkusTest
class CustomerLifecycleTest {

    @Test
    void visitor_signs_up_buys_is_seen_in_the_profile_api_then_is_erased_and_not_recreated() {
        Tenant shop = Tenant.create("lifecycle");
        Tracking.send(shop.ingestKey(), "batch", Map.of("batch", List.of(
                Map.of("type", "page", "anonymousId", "cookie-42", "name", "Serum", "timestamp", "2026-11-20T09:00:00Z"),
                Map.of("type", "track", "anonymousId", "cookie-42", "event", "Product Viewed", "timestamp", "2026-11-20T09:01:00Z",
                        "properties", Map.of("product_id", "cream", "name", "Night Cream", "price", 5200)),
                Map.of("type", "track", "anonymousId", "cookie-42", "event", "Product Added", "timestamp", "2026-11-20T09:02:00Z",
                        "properties", Map.of("product_id", "serum", "name", "Serum", "price", 3800)),
                Map.of("type", "identify", "anonymousId", "cookie-42", "userId", "u-42", "timestamp", "2026-11-20T09:05:00Z",
                        "traits", Map.of("email", "Kana@Example.JP", "firstName", "Kana")),
                Map.of("type", "track", "userId", "u-42", "event", "Order Completed", "timestamp", "2026-11-20T09:10:00Z",
                        "properties", Map.of("order_id", "o-42", "total", 3800,
                                "products", List.of(Map.of("product_id", "serum", "price", 3800, "quantity", 1)))))))
                .statusCode(200).body("accepted", equalTo(5));

        String id = Api.withKey(shop.readKey()).queryParam("type", "email").queryParam("value", "kana@example.jp")
                .get("/v1/profiles/lookup").then().statusCode(200)
                .body("traits.firstName", equalTo("Kana"))
                .body("computed.orderCount", equalTo(1))
                .body("computed.cart.items", hasSize(0))
                .body("computed.viewedNotBought.productId", equalTo(List.of("cream")))
                .extract().path("id");
        Api.withKey(shop.readKey()).get("/v1/profiles/" + id + "/events").then().statusCode(200).body("items", hasSize(5));
        Api.graphql(shop.readKey(), "{ profileByIdentity(type: \"user_id\", value: \"u-42\") { id identities { type value } computed { orderCount } } }")
                .post("/graphql").then().statusCode(200).body("errors", nullValue())
                .body("data.profileByIdentity.id", equalTo(id))
                .body("data.profileByIdentity.identities", hasSize(3));

        Api.withKey(shop.adminKey()).get("/v1/profiles/" + id + "/export").then().statusCode(200).body("events", hasSize(5));
        Api.withKey(shop.adminKey()).delete("/v1/profiles/" + id).then().statusCode(204);
        Api.withKey(shop.readKey()).get("/v1/profiles/" + id).then().statusCode(404);

        // The shop's nightly sync sends her again: the erased identifiers do not silently recreate her.
        Tracking.send(shop.ingestKey(), "identify", Map.of("userId", "u-42", "traits", Map.of("email", "kana@example.jp")))
                .statusCode(200).body("accepted", equalTo(0)).body("suppressed", equalTo(1));
        Api.withKey(shop.readKey()).queryParam("type", "email").queryParam("value", "kana@example.jp")
                .get("/v1/profiles/lookup").then().statusCode(404);
        // Someone new is unaffected.
        Tracking.send(shop.ingestKey(), "identify", Map.of("userId", "u-43")).statusCode(200).body("accepted", equalTo(1));
        Api.withKey(shop.readKey()).queryParam("type", "user_id").queryParam("value", "u-43")
                .get("/v1/profiles/lookup").then().statusCode(200).body("id", notNullValue());
    }
}
