package io.kizuna.profile;

import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
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
class ProfileReadTest {

    static final Instant NOW = Instant.parse("2026-11-23T03:00:00Z");

    @Inject
    ProfileSeeder seed;

    @Inject
    KizunaClock clock;

    Tenant shop;

    @BeforeEach
    void a_shop_on_a_pinned_clock() {
        clock.set(NOW);
        shop = Tenant.create("profiles");
    }

    @AfterEach
    void release_the_clock() {
        clock.reset();
    }

    @Test
    void a_profile_is_read_with_its_traits_and_computed_traits() {
        UUID hanako = seed.profile(shop.workspaceId())
                .trait("email", "hanako@example.jp").trait("firstName", "Hanako").trait("plan", "gold")
                .trait("favourites", List.of("toner", "serum"))
                .seen(Instant.parse("2026-01-05T09:00:00Z"), Instant.parse("2026-11-13T10:00:00Z"))
                .orders(3, "30000", "1000", Instant.parse("2026-03-01T00:00:00Z"), Instant.parse("2026-07-01T00:00:00Z"))
                .cartLine("p-10", "Toner", "2000", 2, Instant.parse("2026-11-22T12:00:00Z"))
                .cartLine("p-11", "Serum", "1000.50", 1, Instant.parse("2026-11-22T12:05:00Z"))
                .viewed("p-1", "Lip tint", 1200, Instant.parse("2026-11-20T08:00:00Z"))
                .viewed("p-2", "Cleanser", 900, Instant.parse("2026-11-10T08:00:00Z")).purchased("p-2", Instant.parse("2026-11-11T08:00:00Z"))
                .viewed("p-3", "Sunscreen", 1500, Instant.parse("2026-09-01T08:00:00Z"))
                .viewed("p-4", "Mask", 300, Instant.parse("2026-11-15T08:00:00Z")).purchased("p-4", Instant.parse("2026-11-01T08:00:00Z"))
                .channel("web", Instant.parse("2026-11-13T10:00:00Z")).channel("line", Instant.parse("2026-11-20T10:00:00Z"))
                .rfm(5, 3, 4)
                .create();

        Api.withKey(shop.readKey()).get("/v1/profiles/" + hanako)
                .then().statusCode(200)
                .body("id", equalTo(hanako.toString()))
                .body("mergedFrom", nullValue())
                .body("traits.email", equalTo("hanako@example.jp"))
                .body("traits.firstName", equalTo("Hanako"))
                .body("traits.favourites", contains("toner", "serum"))
                .body("computed.firstSeenAt", equalTo("2026-01-05T09:00:00Z"))
                .body("computed.lastSeenAt", equalTo("2026-11-13T10:00:00Z"))
                .body("computed.daysSinceLastSeen", equalTo(9))
                .body("computed.orderCount", equalTo(3))
                .body("computed.lifetimeRevenue", equalTo(29000))
                .body("computed.refunded", equalTo(1000))
                .body("computed.averageOrderValue", equalTo(9666.6667f))
                .body("computed.averageOrderIntervalDays", equalTo(61.0f))
                .body("computed.predictedNextOrderAt", equalTo("2026-08-31T00:00:00Z"))
                .body("computed.cart.value", equalTo(5000.5f))
                .body("computed.cart.items.productId", contains("p-10", "p-11"))
                .body("computed.cart.items[0].quantity", equalTo(2))
                .body("computed.cart.updatedAt", equalTo("2026-11-22T12:05:00Z"))
                .body("computed.viewedNotBought.productId", contains("p-1", "p-4"))
                .body("computed.viewedNotBought[0].name", equalTo("Lip tint"))
                .body("computed.viewedNotBought[0].viewedAt", equalTo("2026-11-20T08:00:00Z"))
                .body("computed.channels.channel", contains("line", "web"))
                .body("computed.rfm.recency", equalTo(5))
                .body("computed.rfm.monetary", equalTo(4))
                .body("createdAt", equalTo("2026-01-01T00:00:00Z"));

        Api.withKey(shop.readKey()).queryParam("viewedDays", 90).get("/v1/profiles/" + hanako)
                .then().statusCode(200).body("computed.viewedNotBought.productId", contains("p-1", "p-4", "p-3"));
        Api.withKey(shop.readKey()).queryParam("viewedDays", 0).get("/v1/profiles/" + hanako)
                .then().statusCode(400).body("field", equalTo("viewedDays"));

        clock.set(NOW.plusSeconds(86_400L * 10));
        Api.withKey(shop.readKey()).get("/v1/profiles/" + hanako).then().body("computed.daysSinceLastSeen", equalTo(19));
    }

    @Test
    void a_new_profile_has_empty_computed_traits_and_no_prediction() {
        UUID fresh = seed.profile(shop.workspaceId()).orders(1, "5000", "0", NOW, NOW).create();
        Api.withKey(shop.readKey()).get("/v1/profiles/" + fresh)
                .then().statusCode(200)
                .body("computed.orderCount", equalTo(1))
                .body("computed.averageOrderValue", equalTo(5000))
                .body("computed.averageOrderIntervalDays", nullValue())
                .body("computed.predictedNextOrderAt", nullValue())
                .body("computed.daysSinceLastSeen", nullValue())
                .body("computed.cart.items", hasSize(0))
                .body("computed.viewedNotBought", hasSize(0))
                .body("computed.rfm", nullValue());
    }

    @Test
    void an_unknown_profile_is_a_problem_document() {
        Api.withKey(shop.readKey()).get("/v1/profiles/" + UUID.randomUUID())
                .then().statusCode(404).contentType("application/problem+json").body("code", equalTo("NOT_FOUND"));
        Api.withKey(shop.readKey()).get("/v1/profiles/not-a-uuid").then().statusCode(404);
        Api.withKey(shop.ingestKey()).get("/v1/profiles").then().statusCode(403);
    }

    @Test
    void a_profile_is_looked_up_by_email_whatever_its_case_and_spaces() {
        UUID hanako = seed.profile(shop.workspaceId()).identity("email", "hanako@example.jp").identity("user_id", "U-100").create();

        Api.withKey(shop.readKey()).queryParam("type", "email").queryParam("value", "  Hanako@Example.JP ")
                .get("/v1/profiles/lookup")
                .then().statusCode(200).body("id", equalTo(hanako.toString()));
        Api.withKey(shop.readKey()).queryParam("type", "user_id").queryParam("value", "U-100").get("/v1/profiles/lookup")
                .then().statusCode(200).body("id", equalTo(hanako.toString()));
        Api.withKey(shop.readKey()).queryParam("type", "user_id").queryParam("value", "u-100").get("/v1/profiles/lookup")
                .then().statusCode(404).body("code", equalTo("NOT_FOUND"));
    }

    @Test
    void a_phone_number_is_looked_up_in_any_common_form() {
        UUID taro = seed.profile(shop.workspaceId()).identity("phone", "+819012345678").create();

        Api.withKey(shop.readKey()).queryParam("type", "phone").queryParam("value", "+81 (90) 1234-5678").get("/v1/profiles/lookup")
                .then().statusCode(200).body("id", equalTo(taro.toString()));
        // A national number is read in the default region (JP).
        Api.withKey(shop.readKey()).queryParam("type", "phone").queryParam("value", "090-1234-5678").get("/v1/profiles/lookup")
                .then().statusCode(200).body("id", equalTo(taro.toString()));
        Api.withKey(shop.readKey()).queryParam("type", "phone").queryParam("value", "12").get("/v1/profiles/lookup")
                .then().statusCode(400).body("field", equalTo("value"));
    }

    @Test
    void a_lookup_without_type_or_value_names_the_missing_fields() {
        Api.withKey(shop.readKey()).queryParam("value", "x@example.jp").get("/v1/profiles/lookup")
                .then().statusCode(400).body("code", equalTo("BAD_USER_INPUT")).body("field", equalTo("type"));
        Api.withKey(shop.readKey()).get("/v1/profiles/lookup")
                .then().statusCode(400).body("errors.field", contains("type", "value"));
    }

    @Test
    void profiles_are_listed_page_by_page_without_gaps_or_repeats() {
        Set<String> created = new HashSet<>();
        for (int i = 0; i < 7; i++) {
            created.add(seed.profile(shop.workspaceId()).trait("n", i).create().toString());
        }
        List<String> listed = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            var request = Api.withKey(shop.readKey()).queryParam("limit", 3);
            if (cursor != null) {
                request = request.queryParam("after", cursor);
            }
            var page = request.get("/v1/profiles").then().statusCode(200).extract();
            listed.addAll(page.path("items.id"));
            cursor = page.path("nextCursor");
            pages++;
        } while (cursor != null && pages < 10);

        assertEquals(3, pages);
        assertEquals(7, listed.size());
        assertEquals(created, new HashSet<>(listed), "every profile once, no other workspace's");
        assertEquals(listed.stream().sorted().toList(), listed, "in id order");
        Api.withKey(shop.readKey()).queryParam("limit", 0).get("/v1/profiles").then().statusCode(400).body("field", equalTo("limit"));
        Api.withKey(shop.readKey()).queryParam("after", "%%%").get("/v1/profiles").then().statusCode(400).body("field", equalTo("after"));
    }

    @Test
    void a_merged_away_id_leads_to_the_profile_it_became() {
        UUID survivor = seed.profile(shop.workspaceId()).trait("email", "yui@example.jp").identity("email", "yui@example.jp").create();
        UUID merged = UUID.randomUUID();
        UUID mergedEarlier = UUID.randomUUID();
        UUID blocked = seed.profile(shop.workspaceId()).identity("phone", "+819000000000").create();
        seed.merge(shop.workspaceId(), merged, mergedEarlier, "MERGED", Instant.parse("2026-10-01T00:00:00Z"), "anonymous_id", "anon-1");
        seed.merge(shop.workspaceId(), survivor, merged, "MERGED", Instant.parse("2026-11-01T00:00:00Z"), "email", "yui@example.jp");
        seed.merge(shop.workspaceId(), survivor, blocked, "BLOCKED", Instant.parse("2026-11-02T00:00:00Z"), "phone", "+819000000000");
        seed.track(shop.workspaceId(), merged, "Product Viewed", Instant.parse("2026-10-15T00:00:00Z"));
        seed.track(shop.workspaceId(), survivor, "Order Completed", Instant.parse("2026-11-05T00:00:00Z"));

        for (UUID old : List.of(merged, mergedEarlier)) {
            Api.withKey(shop.readKey()).get("/v1/profiles/" + old)
                    .then().statusCode(200)
                    .body("id", equalTo(survivor.toString()))
                    .body("mergedFrom", equalTo(old.toString()))
                    .body("traits.email", equalTo("yui@example.jp"));
        }
        Api.withKey(shop.readKey()).get("/v1/profiles/" + blocked)
                .then().statusCode(200).body("id", equalTo(blocked.toString())).body("mergedFrom", nullValue());

        Api.withKey(shop.readKey()).get("/v1/profiles/" + mergedEarlier + "/events")
                .then().statusCode(200).body("items.name", contains("Order Completed", "Product Viewed"))
                .body("items.profileId", contains(survivor.toString(), merged.toString()));
        Api.withKey(shop.readKey()).get("/v1/profiles/" + merged + "/identities")
                .then().statusCode(200).body("profileId", equalTo(survivor.toString()))
                .body("items.value", contains("yui@example.jp"));
        var merges = Api.withKey(shop.readKey()).get("/v1/profiles/" + survivor + "/merges")
                .then().statusCode(200).body("profileId", equalTo(survivor.toString()))
                .body("items.outcome", contains("MERGED", "MERGED", "BLOCKED"))
                .body("items[0].mergedId", equalTo(mergedEarlier.toString()))
                .body("items[1].identities[0].type", equalTo("email"))
                .extract();
        assertTrue(merges.path("items[2].reason").toString().contains("phone"));
        Api.withKey(shop.readKey()).get("/v1/profiles/" + blocked + "/merges")
                .then().statusCode(200).body("items.outcome", contains("BLOCKED"));
    }
}
