package io.kizuna.profile;

import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.kizuna.profile.gdpr.SuppressionService;
import io.kizuna.profile.identity.IdentityKey;
import io.kizuna.support.Api;
import io.kizuna.support.Api.Tenant;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
class ProfileGdprTest {

    @Inject
    ProfileSeeder seed;

    @Inject
    SuppressionService suppressions;

    Tenant shop;
    UUID hanako;
    UUID anonymousVisit;
    UUID bystander;

    @BeforeEach
    void hanako_browsed_anonymously_then_signed_up() {
        shop = Tenant.create("gdpr");
        hanako = seed.profile(shop.workspaceId()).trait("email", "hanako@example.jp").trait("firstName", "Hanako")
                .identity("email", "hanako@example.jp").identity("phone", "+819012345678").identity("user_id", "U-1")
                .create();
        anonymousVisit = UUID.randomUUID();
        seed.merge(shop.workspaceId(), hanako, anonymousVisit, "MERGED", Instant.parse("2026-11-01T00:00:00Z"), "anonymous_id", "anon-9");
        seed.track(shop.workspaceId(), anonymousVisit, "Product Viewed", Instant.parse("2026-10-31T00:00:00Z"));
        seed.track(shop.workspaceId(), hanako, "Signed Up", Instant.parse("2026-11-01T00:00:00Z"));
        seed.track(shop.workspaceId(), hanako, "Order Completed", Instant.parse("2026-11-02T00:00:00Z"));
        bystander = seed.profile(shop.workspaceId()).identity("email", "taro@example.jp").create();
        seed.track(shop.workspaceId(), bystander, "Product Viewed", Instant.parse("2026-11-02T00:00:00Z"));
    }

    @Test
    void an_export_holds_the_profile_its_identities_all_events_and_merges() {
        Api.withKey(shop.adminKey()).get("/v1/profiles/" + hanako + "/export")
                .then().statusCode(200)
                .body("profileId", equalTo(hanako.toString()))
                .body("exportedAt", org.hamcrest.Matchers.notNullValue())
                .body("profile.traits.firstName", equalTo("Hanako"))
                .body("profile.traitTimes.firstName", equalTo("2026-01-01T00:00:00Z"))
                .body("computed.orderCount", equalTo(0))
                .body("identities.value", containsInAnyOrder("hanako@example.jp", "+819012345678", "U-1"))
                .body("events.name", contains("Product Viewed", "Signed Up", "Order Completed"))
                .body("merges", hasSize(1))
                .body("merges[0].mergedId", equalTo(anonymousVisit.toString()));

        Api.withKey(shop.readKey()).get("/v1/profiles/" + hanako + "/export").then().statusCode(403);
        Api.withKey(shop.adminKey()).get("/v1/profiles/" + UUID.randomUUID() + "/export").then().statusCode(404);
    }

    @Test
    void erasure_deletes_everything_and_suppresses_the_identities() throws Exception {
        Api.withKey(shop.readKey()).delete("/v1/profiles/" + hanako).then().statusCode(403);

        Api.withKey(shop.adminKey()).delete("/v1/profiles/" + hanako).then().statusCode(204);

        String ws = shop.workspaceId();
        UUID workspace = UUID.fromString(ws);
        assertEquals(0, seed.count("SELECT count(*) FROM profiles WHERE workspace_id = $1 AND id = $2", workspace, hanako));
        assertEquals(0, seed.count("SELECT count(*) FROM identities WHERE workspace_id = $1 AND profile_id = $2", workspace, hanako));
        assertEquals(0, seed.count("SELECT count(*) FROM events WHERE workspace_id = $1 AND profile_id = ANY($2::uuid[])", workspace,
                new UUID[] { hanako, anonymousVisit }));
        assertEquals(0, seed.count("SELECT count(*) FROM profile_merges WHERE workspace_id = $1", workspace));
        assertEquals(1, seed.count("SELECT count(*) FROM events WHERE workspace_id = $1 AND profile_id = $2", workspace, bystander));
        assertEquals(1, seed.count("SELECT count(*) FROM identities WHERE workspace_id = $1", workspace));

        assertEquals(3, seed.count("SELECT count(*) FROM suppressions WHERE workspace_id = $1 AND profile_id = $2", workspace, hanako));
        byte[] stored = seed.rows("SELECT value_hash FROM suppressions WHERE workspace_id = $1 AND type = 'email'", workspace)
                .iterator().next().getBuffer("value_hash").getBytes();
        assertArrayEquals(MessageDigest.getInstance("SHA-256").digest("email:hanako@example.jp".getBytes(StandardCharsets.UTF_8)), stored);
        assertEquals(0, seed.count("SELECT count(*) FROM suppressions WHERE position(convert_to('hanako', 'UTF8') in value_hash) > 0"));

        Api.withKey(shop.readKey()).get("/v1/profiles/" + hanako).then().statusCode(404);
        Api.withKey(shop.readKey()).get("/v1/profiles/" + anonymousVisit).then().statusCode(404);
        Api.withKey(shop.readKey()).queryParam("type", "email").queryParam("value", "hanako@example.jp").get("/v1/profiles/lookup")
                .then().statusCode(404);
        Api.withKey(shop.adminKey()).delete("/v1/profiles/" + hanako).then().statusCode(404);
        Api.withKey(shop.readKey()).get("/v1/profiles/" + bystander).then().statusCode(200);
    }

    @Test
    void ingestion_can_ask_whether_an_identity_was_erased() {
        UUID workspace = UUID.fromString(shop.workspaceId());
        assertFalse(suppressions.isSuppressed(workspace, "email", "hanako@example.jp").await().atMost(Duration.ofSeconds(5)));

        Api.withKey(shop.adminKey()).delete("/v1/profiles/" + hanako).then().statusCode(204);

        assertTrue(suppressions.isSuppressed(workspace, "email", "hanako@example.jp").await().atMost(Duration.ofSeconds(5)));
        assertFalse(suppressions.isSuppressed(workspace, "email", "taro@example.jp").await().atMost(Duration.ofSeconds(5)));
        assertFalse(suppressions.isSuppressed(workspace, "user_id", "hanako@example.jp").await().atMost(Duration.ofSeconds(5)));
        Set<String> erased = suppressions.suppressedKeys(workspace, List.of(
                new IdentityKey("email", "taro@example.jp"),
                new IdentityKey("phone", "+819012345678"),
                new IdentityKey("user_id", "U-1"),
                new IdentityKey("user_id", "U-2"))).await().atMost(Duration.ofSeconds(5));
        assertEquals(Set.of("phone:+819012345678", "user_id:U-1"), erased);
        assertEquals(Set.of(), suppressions.suppressedKeys(workspace, List.of()).await().atMost(Duration.ofSeconds(5)));

        Tenant otherShop = Tenant.create("gdpr other");
        assertFalse(suppressions.isSuppressed(UUID.fromString(otherShop.workspaceId()), "email", "hanako@example.jp")
                .await().atMost(Duration.ofSeconds(5)), "suppression is per workspace");
    }
}
