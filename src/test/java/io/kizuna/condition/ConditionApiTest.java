package io.kizuna.condition;

import static io.kizuna.support.Api.withKey;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.kizuna.common.time.KizunaClock;
import io.kizuna.support.Api.Tenant;
import io.kizuna.support.Tracking;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

@QuarkusTest
class ConditionApiTest {

    private static final Instant NOW = Instant.parse("2026-11-23T03:00:00Z");

    @Inject
    KizunaClock clock;

    private Tenant shop;

    @BeforeEach
    void a_shop_at_noon_in_tokyo() {
        clock.set(NOW);
        shop = Tenant.create("conditions");
    }

    @AfterEach
    void real_time_again() {
        clock.reset();
    }

    @Test
    void the_catalog_offers_every_combination_with_an_example_that_validates() {
        JsonPath catalog = withKey(shop.readKey()).get("/v1/conditions/catalog").then().statusCode(200).extract().jsonPath();
        int combinations = catalog.getInt("combinations");
        assertTrue(combinations >= 50, "at least 50 field × operator combinations, got " + combinations);
        List<Map<String, Object>> fields = catalog.getList("fields");
        int examples = 0;
        for (Map<String, Object> field : fields) {
            for (Object use : (List<?>) field.get("operators")) {
                Object example = ((Map<?, ?>) use).get("example");
                withKey(shop.readKey()).body(Map.of("conditions", example)).post("/v1/conditions/validate").then().statusCode(200);
                examples++;
            }
        }
        assertEquals(combinations, examples);
        assertTrue(catalog.getList("commerceEvents").contains("Order Completed"));
    }

    @Test
    void a_bad_condition_is_refused_with_the_path_of_the_offending_node() {
        Map<String, Object> conditions = Map.of("all", List.of(
                Map.of("trait", Map.of("path", "gender", "op", "equals", "value", "female")),
                Map.of("tag", "vip"),
                Map.of("event", Map.of("name", "Product Added", "window", Map.of("withinLast", Map.of("amount", 3, "unit", "fortnights"))))));
        withKey(shop.readKey()).body(Map.of("conditions", conditions)).post("/v1/conditions/preview")
                .then().statusCode(400)
                .contentType("application/problem+json")
                .body("errors.field", hasItem("conditions.all[2].event.window.withinLast.unit"));
    }

    @Test
    void preview_counts_women_in_tokyo_who_added_to_cart_in_the_last_3_hours_and_have_not_ordered_since() {
        customer("hanako", "female", "東京", List.of(cart("hanako", 1)));
        customer("yoko", "female", "東京", List.of(cart("yoko", 2), order("yoko", 1)));
        customer("keiko", "female", "大阪", List.of(cart("keiko", 1)));
        customer("taro", "male", "東京", List.of(cart("taro", 1)));
        customer("mika", "female", "東京", List.of(cart("mika", 5)));

        Map<String, Object> conditions = Map.of("all", List.of(
                Map.of("trait", Map.of("path", "gender", "op", "equals", "value", "female")),
                Map.of("trait", Map.of("path", "address.city", "op", "equals", "value", "東京")),
                Map.of("event", Map.of("name", "Product Added", "window", Map.of("withinLast", Map.of("amount", 3, "unit", "hours")))),
                Map.of("event", Map.of("name", "Order Completed", "count", "never", "window", Map.of("since", "Product Added")))));
        withKey(shop.readKey()).body(Map.of("conditions", conditions, "limit", 10)).post("/v1/conditions/preview")
                .then().statusCode(200)
                .body("count", equalTo(1))
                .body("members", hasSize(1))
                .body("members[0].traits.firstName", equalTo("hanako"))
                .body("evaluatedAt", equalTo(NOW.toString()))
                .body("conditions.all", hasSize(4));
    }

    @Test
    void not_ordered_since_the_last_add_holds_however_late_events_arrive_across_merges_and_with_future_dates() {
        customer("yoko", "female", "東京", List.of(cart("yoko", 2), order("yoko", 5)));
        customer("keiko", "female", "東京", List.of(cart("keiko", 2), order("keiko", 1), cart("keiko", 4)));
        customer("taro", "male", "東京", List.of(cartAt("taro", NOW.plusSeconds(7200)), cart("taro", 2)));
        customer("mika", "female", "東京", List.of(order("mika", 0)));
        Tracking.send(shop.ingestKey(), "track", Map.of("anonymousId", "anon-mika", "event", "Product Added", "messageId", "add-anon-mika",
                "timestamp", NOW.minusSeconds(3600).toString(), "properties", Map.of("product_id", "sku-1", "price", 1200))).statusCode(200);
        Tracking.send(shop.ingestKey(), "identify", Map.of("userId", "mika", "anonymousId", "anon-mika", "messageId", "link-mika",
                "timestamp", NOW.minusSeconds(60).toString())).statusCode(200);

        Map<String, Object> abandoned = Map.of("all", List.of(
                Map.of("event", Map.of("name", "Product Added", "window", Map.of("withinLast", Map.of("amount", 3, "unit", "hours")))),
                Map.of("event", Map.of("name", "Order Completed", "count", "never", "window", Map.of("since", "Product Added")))));
        withKey(shop.readKey()).body(Map.of("conditions", abandoned, "limit", 10)).post("/v1/conditions/preview")
                .then().statusCode(200)
                .body("members.traits.firstName", containsInAnyOrder("yoko", "taro"));
        Map<String, Object> lastOrderWithinAnHour = Map.of("lastEvent",
                Map.of("name", "Order Completed", "op", "within_last", "value", Map.of("amount", 1, "unit", "hours")));
        withKey(shop.readKey()).body(Map.of("conditions", lastOrderWithinAnHour, "limit", 10)).post("/v1/conditions/preview")
                .then().statusCode(200)
                .body("members.traits.firstName", containsInAnyOrder("keiko", "mika"));
    }

    @Test
    void preview_sees_only_the_callers_workspace() {
        customer("hanako", "female", "東京", List.of());
        Tenant other = Tenant.create("other shop");
        Map<String, Object> everyone = Map.of("all", List.of());
        withKey(shop.readKey()).body(Map.of("conditions", everyone)).post("/v1/conditions/preview")
                .then().statusCode(200).body("count", equalTo(1));
        withKey(other.readKey()).body(Map.of("conditions", everyone)).post("/v1/conditions/preview")
                .then().statusCode(200).body("count", equalTo(0)).body("members", hasSize(0));
    }

    @Test
    void preview_needs_a_read_key_and_a_sensible_limit() {
        Map<String, Object> everyone = Map.of("all", List.of());
        withKey(shop.ingestKey()).body(Map.of("conditions", everyone)).post("/v1/conditions/preview").then().statusCode(403);
        withKey(shop.readKey()).body(Map.of("conditions", everyone, "limit", 1000)).post("/v1/conditions/preview")
                .then().statusCode(400).body("errors.field", hasItem("limit"));
        withKey(shop.readKey()).body(Map.of("limit", 5)).post("/v1/conditions/preview")
                .then().statusCode(400).body("errors.field", hasItem("conditions"));
        withKey(shop.readKey()).get("/v1/conditions/catalog").then().statusCode(200).body("fields.size()", greaterThanOrEqualTo(10));
    }

    private void customer(String name, String gender, String city, List<Map<String, Object>> events) {
        Tracking.send(shop.ingestKey(), "identify", Map.of("userId", name, "messageId", "identify-" + name, "timestamp", NOW.minusSeconds(86_400).toString(),
                "traits", Map.of("firstName", name, "gender", gender, "address", Map.of("city", city)))).statusCode(200);
        for (Map<String, Object> event : events) {
            Tracking.send(shop.ingestKey(), "track", event).statusCode(200);
        }
    }

    private static Map<String, Object> cart(String user, int hoursAgo) {
        return Map.of("userId", user, "event", "Product Added", "messageId", "add-" + user + "-" + hoursAgo,
                "timestamp", NOW.minusSeconds(3600L * hoursAgo).toString(), "properties", Map.of("product_id", "sku-1", "price", 1200));
    }

    private static Map<String, Object> cartAt(String user, Instant at) {
        return Map.of("userId", user, "event", "Product Added", "messageId", "add-" + user + "-" + at,
                "timestamp", at.toString(), "properties", Map.of("product_id", "sku-1", "price", 1200));
    }

    private static Map<String, Object> order(String user, int hoursAgo) {
        return Map.of("userId", user, "event", "Order Completed", "messageId", "order-" + user + "-" + hoursAgo,
                "timestamp", NOW.minusSeconds(3600L * hoursAgo).toString(), "properties", Map.of("order_id", "o-" + user, "total", 1200));
    }
}
