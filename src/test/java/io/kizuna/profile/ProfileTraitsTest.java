package io.kizuna.profile;

import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.kizuna.common.time.KizunaClock;
import io.kizuna.support.Api;
import io.kizuna.support.Api.Tenant;
import io.kizuna.support.Tracking;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Row;

@QuarkusTest
class ProfileTraitsTest {

    static final Instant NOW = Instant.parse("2026-11-23T03:00:00Z");

    @Inject
    ProfileSeeder seed;

    @Inject
    KizunaClock clock;

    Tenant shop;
    UUID hanako;

    @BeforeEach
    void hanako_has_a_few_traits() {
        clock.set(NOW);
        shop = Tenant.create("traits");
        hanako = seed.profile(shop.workspaceId()).trait("firstName", "Hanako").trait("plan", "gold").trait("email", "hanako@example.jp")
                .create();
    }

    @AfterEach
    void release_the_clock() {
        clock.reset();
    }

    @Test
    void an_admin_sets_custom_traits_and_removes_one_with_null() {
        Map<String, Object> patch = new HashMap<>();
        patch.put("plan", "platinum");
        patch.put("skinType", "dry");
        patch.put("preferences", Map.of("newsletter", true, "colors", List.of("red", "pink")));
        patch.put("firstName", null);

        Api.withKey(shop.adminKey()).body(patch).patch("/v1/profiles/" + hanako + "/traits")
                .then().statusCode(200)
                .body("id", equalTo(hanako.toString()))
                .body("traits.plan", equalTo("platinum"))
                .body("traits.skinType", equalTo("dry"))
                .body("traits.preferences.newsletter", equalTo(true))
                .body("traits.preferences.colors[1]", equalTo("pink"))
                .body("traits.email", equalTo("hanako@example.jp"))
                .body("traits", not(hasKey("firstName")))
                .body("updatedAt", equalTo(NOW.toString()));

        Api.withKey(shop.readKey()).get("/v1/profiles/" + hanako).then().body("traits.plan", equalTo("platinum"))
                .body("traits", not(hasKey("firstName")));
        Row times = seed.rows("SELECT trait_times FROM profiles WHERE id = $1", hanako).iterator().next();
        var traitTimes = times.getJsonObject("trait_times");
        assertEquals(NOW.toString(), traitTimes.getString("plan"));
        assertEquals(NOW.toString(), traitTimes.getString("skinType"));
        assertEquals(NOW.toString(), traitTimes.getString("firstName"), "a removal is timed too, so a late event cannot undo it");
        assertEquals("2026-01-01T00:00:00Z", traitTimes.getString("email"));
    }

    @Test
    void a_body_that_is_not_an_object_of_traits_is_refused() {
        String traits = "/v1/profiles/" + hanako + "/traits";
        Api.withKey(shop.adminKey()).body("[1, 2]").patch(traits).then().statusCode(400).body("field", equalTo("body"));
        Api.withKey(shop.adminKey()).body("\"gold\"").patch(traits).then().statusCode(400).body("field", equalTo("body"));
        Api.withKey(shop.adminKey()).body("null").patch(traits).then().statusCode(400).body("field", equalTo("body"));
        Api.withKey(shop.adminKey()).patch(traits).then().statusCode(400).contentType("application/problem+json");
        Api.withKey(shop.adminKey()).body("{\"plan\": ").patch(traits).then().statusCode(400).body("field", equalTo("body"));
        Api.withKey(shop.adminKey()).body(Map.of("x".repeat(101), 1)).patch(traits).then().statusCode(400).body("field", equalTo("body"));
        Api.withKey(shop.adminKey()).body(Map.of("", 1)).patch(traits).then().statusCode(400).body("code", equalTo("BAD_USER_INPUT"));
        Api.withKey(shop.adminKey()).body(Map.of("x".repeat(100), 1)).patch(traits).then().statusCode(200);
        Api.withKey(shop.readKey()).get("/v1/profiles/" + hanako).then().body("traits.plan", equalTo("gold"));
    }

    @Test
    void only_an_admin_key_changes_traits_and_only_of_existing_profiles() {
        Api.withKey(shop.readKey()).body(Map.of("plan", "free")).patch("/v1/profiles/" + hanako + "/traits").then().statusCode(403);
        Api.withKey(shop.ingestKey()).body(Map.of("plan", "free")).patch("/v1/profiles/" + hanako + "/traits").then().statusCode(403);
        Api.withKey(shop.adminKey()).body(Map.of("plan", "free")).patch("/v1/profiles/" + UUID.randomUUID() + "/traits")
                .then().statusCode(404).body("code", equalTo("NOT_FOUND"));
    }

    @Test
    void numbers_keep_every_digit_when_later_calls_rewrite_the_traits() {
        String exact = "{\"userId\": \"member-77\", \"timestamp\": \"2026-11-20T10:00:00Z\", \"traits\": "
                + "{\"pointRate\": 0.100000000000000000001, \"memberNumber\": 123456789012345678901234567890, \"score\": 1e400}}";
        Tracking.send(shop.ingestKey(), "identify", exact).statusCode(200);
        Tracking.send(shop.ingestKey(), "identify", Map.of("userId", "member-77", "timestamp", "2026-11-21T10:00:00Z",
                "traits", Map.of("plan", "gold"))).statusCode(200);
        UUID member = (UUID) seed.rows("SELECT profile_id FROM identities WHERE workspace_id = $1 AND type = 'user_id' AND value = 'member-77'",
                shop.workspaceId()).iterator().next().getUUID(0);
        Api.withKey(shop.adminKey()).body("{\"skinType\": \"dry\", \"discountRate\": 0.300000000000000000003}")
                .patch("/v1/profiles/" + member + "/traits").then().statusCode(200);

        Row stored = seed.rows("SELECT traits->>'pointRate', traits->>'memberNumber', traits->>'score', traits->>'plan', traits->>'skinType', traits->>'discountRate' "
                + "FROM profiles WHERE id = $1", member).iterator().next();
        assertEquals("0.100000000000000000001", stored.getString(0));
        assertEquals("123456789012345678901234567890", stored.getString(1));
        assertEquals(0, new java.math.BigDecimal("1e400").compareTo(new java.math.BigDecimal(stored.getString(2))), "a number beyond a double's range is kept");
        assertEquals("gold", stored.getString(3));
        assertEquals("dry", stored.getString(4));
        assertEquals("0.300000000000000000003", stored.getString(5));
    }
}
