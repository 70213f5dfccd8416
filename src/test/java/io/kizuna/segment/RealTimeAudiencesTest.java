package io.kizuna.segment;

import static io.kizuna.support.Api.withKey;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.kizuna.common.time.KizunaClock;
import io.kizuna.support.Api.Tenant;
import io.kizuna.support.Db;
import io.kizuna.support.Tracking;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Row;

/**
 * Rule tags and segments stay true on their own: as events arrive (in the ingestion transaction)
 * and as the clock moves (the wake-up sweep), with entered/exited history and the change log.
 */
@QuarkusTest
class RealTimeAudiencesTest {

    private static final Instant NOON_IN_TOKYO = Instant.parse("2026-11-23T03:00:00Z");

    @Inject
    KizunaClock clock;

    @Inject
    Db db;

    @Inject
    WakeupSweep sweep;

    @Inject
    SegmentRecovery recovery;

    private Tenant shop;
    private UUID workspace;

    @BeforeEach
    void a_shop_in_tokyo() {
        clock.set(NOON_IN_TOKYO);
        shop = Tenant.create("real-time audiences");
        workspace = UUID.fromString(shop.workspaceId());
    }

    @AfterEach
    void real_time_again() {
        clock.reset();
    }

    @Test
    void cart_abandoner_tag_appears_3_hours_after_the_add_and_goes_with_the_order() {
        ruleTag("cart-abandoner", Map.of("all", List.of(
                Map.of("computed", Map.of("field", "cart_value", "op", "gt", "value", 0)),
                Map.of("computed", Map.of("field", "cart_updated_at", "op", "more_than_ago", "value", Map.of("amount", 3, "unit", "hours"))))));
        track("hanako", "Product Added", Map.of("product_id", "sku-1", "price", 4800, "quantity", 1), NOON_IN_TOKYO);
        UUID hanako = profile("hanako");
        assertFalse(hasTag(hanako, "cart-abandoner"), "a fresh cart is not abandoned");

        clock.set(NOON_IN_TOKYO.plus(Duration.ofHours(3)).minusSeconds(30));
        sweep.sweepDue(clock.instant()).await().indefinitely();
        assertFalse(hasTag(hanako, "cart-abandoner"), "not yet 3 hours");

        clock.set(NOON_IN_TOKYO.plus(Duration.ofHours(3)).plusSeconds(5));
        sweep.sweepDue(clock.instant()).await().indefinitely();
        assertTrue(hasTag(hanako, "cart-abandoner"), "3 hours after the add, without any new event");

        track("hanako", "Order Completed", Map.of("order_id", "o-1", "total", 4800,
                "products", List.of(Map.of("product_id", "sku-1", "price", 4800, "quantity", 1))), clock.instant());
        assertFalse(hasTag(hanako, "cart-abandoner"), "the order empties the cart, in the same request");

        List<String> history = withKey(shop.readKey()).get("/v1/profiles/" + hanako + "/tags/history").then().statusCode(200)
                .extract().jsonPath().getList("items.findAll { it.tag == 'cart-abandoner' }.collect { it.action + ' ' + it.source }");
        assertEquals(List.of("REMOVED RULE", "ADDED RULE"), history, "newest first");
    }

    @Test
    void vip_segment_is_entered_when_lifetime_spend_crosses_100000_and_left_after_a_refund() {
        UUID vip = segment("VIP", Map.of("computed", Map.of("field", "lifetime_revenue", "op", "gte", "value", 100000)));
        track("keiko", "Order Completed", Map.of("order_id", "o-1", "total", 60000), NOON_IN_TOKYO);
        UUID keiko = profile("keiko");
        assertFalse(isMember(vip, keiko));

        track("keiko", "Order Completed", Map.of("order_id", "o-2", "total", 60000), NOON_IN_TOKYO.plusSeconds(60));
        assertTrue(isMember(vip, keiko), "120,000 spent: a VIP at once");

        track("keiko", "Order Refunded", Map.of("order_id", "o-2", "total", 60000), NOON_IN_TOKYO.plusSeconds(120));
        assertFalse(isMember(vip, keiko), "refunded below the threshold: out again");

        List<Map<String, Object>> stays = withKey(shop.readKey()).get("/v1/profiles/" + keiko + "/segments").then().statusCode(200)
                .extract().jsonPath().getList("history.findAll { it.segmentId == '" + vip + "' }");
        assertEquals(1, stays.size());
        assertTrue(stays.get(0).get("exitedAt") != null, "the stay is closed by the refund");
        List<String> changes = db.rows("SELECT change FROM audience_changes WHERE workspace_id = $1 AND kind = 'SEGMENT' AND profile_id = $2 ORDER BY seq",
                workspace, keiko).stream().map(row -> row.getString("change")).toList();
        assertEquals(List.of("ENTERED", "EXITED"), changes);
    }

    @Test
    void a_segment_sees_the_rule_tag_decided_by_the_same_event() {
        ruleTag("big-spender", Map.of("computed", Map.of("field", "lifetime_revenue", "op", "gte", "value", 50000)));
        UUID bigSpendersInTokyo = segment("Big spenders in Tokyo", Map.of("all", List.of(
                Map.of("tag", "big-spender"),
                Map.of("trait", Map.of("path", "address.city", "op", "equals", "value", "東京")))));
        Tracking.send(shop.ingestKey(), "identify", Map.of("userId", "yoko", "messageId", "identify-yoko", "timestamp", NOON_IN_TOKYO.toString(),
                "traits", Map.of("address", Map.of("city", "東京")))).statusCode(200);
        track("yoko", "Order Completed", Map.of("order_id", "o-9", "total", 70000), NOON_IN_TOKYO.plusSeconds(10));
        UUID yoko = profile("yoko");
        assertTrue(hasTag(yoko, "big-spender"));
        assertTrue(isMember(bigSpendersInTokyo, yoko), "the segment saw the tag decided a moment before, in the same transaction");
    }

    @Test
    void birthday_segment_flips_at_midnight_in_tokyo_and_again_the_next_midnight() {
        UUID birthdayToday = segment("Birthday today", Map.of("anniversary", Map.of("trait", "birthday", "when", "today")));
        Tracking.send(shop.ingestKey(), "identify", Map.of("userId", "mika", "messageId", "identify-mika", "timestamp", NOON_IN_TOKYO.toString(),
                "traits", Map.of("birthday", "1990-11-24"))).statusCode(200);
        UUID mika = profile("mika");
        assertFalse(isMember(birthdayToday, mika), "it is still the 23rd in Tokyo");

        clock.set(Instant.parse("2026-11-23T14:59:00Z"));
        sweep.sweepDue(clock.instant()).await().indefinitely();
        assertFalse(isMember(birthdayToday, mika), "23:59 in Tokyo");

        clock.set(Instant.parse("2026-11-23T15:00:30Z"));
        sweep.sweepDue(clock.instant()).await().indefinitely();
        assertTrue(isMember(birthdayToday, mika), "00:00:30 on the 24th in Tokyo");

        clock.set(Instant.parse("2026-11-24T15:00:30Z"));
        sweep.sweepDue(clock.instant()).await().indefinitely();
        assertFalse(isMember(birthdayToday, mika), "the day after the birthday");
    }

    @Test
    void refusing_line_makes_a_profile_unreachable_there_at_once() {
        UUID reachableOnLine = segment("Reachable on LINE", Map.of("reachable", "line"));
        Tracking.send(shop.ingestKey(), "identify", Map.of("userId", "nana", "messageId", "identify-nana", "timestamp", NOON_IN_TOKYO.toString(),
                "traits", Map.of("lineUserId", "U4af4980629"))).statusCode(200);
        UUID nana = profile("nana");
        assertTrue(isMember(reachableOnLine, nana));

        withKey(shop.adminKey()).body(List.of(Map.of("channel", "line", "granted", false, "source", "line-block")))
                .put("/v1/profiles/" + nana + "/consents").then().statusCode(200);
        assertFalse(isMember(reachableOnLine, nana), "a refusal of the whole channel");
    }

    @Test
    void tagging_a_member_by_hand_moves_them_into_the_segment_that_reads_the_tag() {
        UUID vips = segment("Hand-picked VIPs", Map.of("tag", "vip"));
        track("rie", "Product Viewed", Map.of("product_id", "sku-7"), NOON_IN_TOKYO);
        UUID rie = profile("rie");
        assertFalse(isMember(vips, rie));

        withKey(shop.adminKey()).put("/v1/profiles/" + rie + "/tags/vip").then().statusCode(200);
        assertTrue(isMember(vips, rie), "in the segment as soon as the tag is set");

        withKey(shop.adminKey()).delete("/v1/profiles/" + rie + "/tags/vip").then().statusCode(204);
        assertFalse(isMember(vips, rie), "and out when it is removed");
    }

    @Test
    void a_segment_left_building_by_a_stopped_instance_is_computed_again_at_start() {
        UUID vip = segment("VIP", Map.of("computed", Map.of("field", "lifetime_revenue", "op", "gte", "value", 100000)));
        track("aya", "Order Completed", Map.of("order_id", "o-1", "total", 150000), NOON_IN_TOKYO);
        UUID aya = profile("aya");
        db.rows("UPDATE segments SET status = 'BUILDING' WHERE workspace_id = $1 AND id = $2", workspace, vip);
        db.rows("DELETE FROM segment_members WHERE workspace_id = $1 AND segment_id = $2", workspace, vip);

        recovery.onStart(null);
        awaitReady("/v1/segments/" + vip);
        assertTrue(isMember(vip, aya), "the interrupted computation was done again");
    }

    @Test
    void a_gdpr_export_shows_tags_segments_and_consents_and_erasure_removes_them_all() {
        UUID vip = segment("VIP", Map.of("computed", Map.of("field", "lifetime_revenue", "op", "gte", "value", 100000)));
        ruleTag("big-spender", Map.of("computed", Map.of("field", "lifetime_revenue", "op", "gte", "value", 50000)));
        track("emi", "Order Completed", Map.of("order_id", "o-1", "total", 150000), NOON_IN_TOKYO);
        UUID emi = profile("emi");
        withKey(shop.adminKey()).body(List.of(Map.of("channel", "email", "topic", "newsletter", "granted", true)))
                .put("/v1/profiles/" + emi + "/consents").then().statusCode(200);

        withKey(shop.adminKey()).get("/v1/profiles/" + emi + "/export").then().statusCode(200)
                .body("consents[0].topic", org.hamcrest.Matchers.equalTo("newsletter"))
                .body("related.tags.current[0].tag", org.hamcrest.Matchers.equalTo("big-spender"))
                .body("related.segments[0].segmentId", org.hamcrest.Matchers.equalTo(vip.toString()));

        withKey(shop.adminKey()).delete("/v1/profiles/" + emi).then().statusCode(204);
        for (String table : List.of("profile_tags", "segment_members", "audience_changes",
                "profile_consents", "profile_wakeups")) {
            assertEquals(0, db.count("SELECT count(*) FROM " + table + " WHERE workspace_id = $1 AND profile_id = $2", workspace, emi),
                    table + " keeps nothing about the erased profile");
        }
    }

    @Test
    void page_views_leave_the_cart_segment_alone_an_email_makes_the_abandoner_reachable_and_the_order_exits_both() {
        UUID abandoned = segment("Added to cart, not ordered since", Map.of("all", List.of(
                Map.of("event", Map.of("name", "Product Added", "window", Map.of("withinLast", Map.of("amount", 3, "unit", "hours")))),
                Map.of("event", Map.of("name", "Order Completed", "window", Map.of("since", "Product Added"), "count", Map.of("exactly", 0))))));
        UUID reachable = segment("Reachable by email", Map.of("reachable", "email"));
        UUID emailable = segment("Emailable abandoners", Map.of("all", List.of(Map.of("segment", abandoned.toString()),
                Map.of("segment", reachable.toString()))));
        track("sora", "Product Added", Map.of("product_id", "sku-3", "price", 3200, "quantity", 1), NOON_IN_TOKYO);
        UUID sora = profile("sora");
        assertTrue(isMember(abandoned, sora));
        assertFalse(isMember(reachable, sora), "no email yet");

        Tracking.send(shop.ingestKey(), "page", Map.of("userId", "sora", "name", "Home", "messageId", "page-sora",
                "timestamp", NOON_IN_TOKYO.plusSeconds(60).toString())).statusCode(200);
        assertTrue(isMember(abandoned, sora), "a page view is not an order: still in the segment");

        Tracking.send(shop.ingestKey(), "identify", Map.of("userId", "sora", "messageId", "identify-sora",
                "timestamp", NOON_IN_TOKYO.plusSeconds(120).toString(), "traits", Map.of("email", "sora@example.jp"))).statusCode(200);
        assertTrue(isMember(reachable, sora), "the email attached makes the profile reachable");
        assertTrue(isMember(emailable, sora), "and the segment reading both sees it in the same transaction");

        track("sora", "Order Completed", Map.of("order_id", "o-5", "total", 3200), NOON_IN_TOKYO.plusSeconds(180));
        assertFalse(isMember(abandoned, sora), "the order ends the abandonment");
        assertFalse(isMember(emailable, sora), "and the segment reading it is decided again with it");
        assertTrue(isMember(reachable, sora), "reachability did not change");
    }

    @Test
    void an_rfm_recompute_moves_customers_into_and_out_of_the_champions_segment_at_once() {
        UUID champions = segment("Monetary champions", Map.of("computed", Map.of("field", "rfm_monetary", "op", "equals", "value", 5)));
        track("ren", "Order Completed", Map.of("order_id", "o-ren-1", "total", 1000), NOON_IN_TOKYO.minus(Duration.ofDays(3)));
        track("mio", "Order Completed", Map.of("order_id", "o-mio-1", "total", 50000), NOON_IN_TOKYO.minus(Duration.ofDays(2)));
        UUID ren = profile("ren");
        UUID mio = profile("mio");
        assertFalse(isMember(champions, mio), "not scored yet");

        withKey(shop.adminKey()).post("/v1/rfm/recompute").then().statusCode(200);
        assertTrue(isMember(champions, mio), "the top spender scores 5 and enters without any new event");
        assertFalse(isMember(champions, ren));

        track("ren", "Order Completed", Map.of("order_id", "o-ren-2", "total", 100000), NOON_IN_TOKYO.minus(Duration.ofDays(1)));
        assertFalse(isMember(champions, ren), "scores move only with the recompute");

        withKey(shop.adminKey()).post("/v1/rfm/recompute").then().statusCode(200);
        assertTrue(isMember(champions, ren), "ren now spent the most");
        assertFalse(isMember(champions, mio), "and mio, no longer the top spender, left");
    }

    @Test
    void a_page_view_after_three_weeks_away_ends_lapsed_and_leaves_the_vip_tag_as_it_was() {
        ruleTag("vip", Map.of("computed", Map.of("field", "lifetime_revenue", "op", "gte", "value", 100000)));
        UUID lapsed = segment("Lapsed 14 days", Map.of("computed", Map.of("field", "last_seen_at", "op", "more_than_ago",
                "value", Map.of("amount", 14, "unit", "days"))));
        track("yui", "Order Completed", Map.of("order_id", "o-yui", "total", 120000), NOON_IN_TOKYO.minus(Duration.ofDays(21)));
        UUID yui = profile("yui");
        assertTrue(hasTag(yui, "vip"));
        assertTrue(isMember(lapsed, yui), "last seen three weeks ago");

        Tracking.send(shop.ingestKey(), "page", Map.of("userId", "yui", "name", "Home", "messageId", "page-yui",
                "timestamp", NOON_IN_TOKYO.toString())).statusCode(200);
        assertFalse(isMember(lapsed, yui), "seen again today");
        assertTrue(hasTag(yui, "vip"), "a page view does not touch the order figures");
    }

    private void ruleTag(String name, Map<String, Object> conditions) {
        withKey(shop.adminKey()).body(Map.of("name", name, "kind", "RULE", "conditions", conditions)).post("/v1/tags").then().statusCode(201);
        awaitReady("/v1/tags/" + name);
    }

    private UUID segment(String name, Map<String, Object> conditions) {
        String id = withKey(shop.adminKey()).body(Map.of("name", name, "conditions", conditions)).post("/v1/segments")
                .then().statusCode(201).extract().path("id");
        awaitReady("/v1/segments/" + id);
        return UUID.fromString(id);
    }

    private void awaitReady(String path) {
        for (int attempt = 0; attempt < 200; attempt++) {
            String status = withKey(shop.readKey()).get(path).then().statusCode(200).extract().path("status");
            if ("READY".equals(status)) {
                return;
            }
            if ("FAILED".equals(status)) {
                fail(path + " failed to compute");
            }
            pause();
        }
        fail(path + " never became READY");
    }

    private static void pause() {
        try {
            Thread.sleep(50);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void track(String user, String event, Map<String, Object> properties, Instant at) {
        Tracking.send(shop.ingestKey(), "track", Map.of("userId", user, "event", event, "messageId", UUID.randomUUID().toString(),
                "timestamp", at.toString(), "properties", properties)).statusCode(200);
    }

    private UUID profile(String userId) {
        return UUID.fromString(withKey(shop.readKey()).queryParam("type", "user_id").queryParam("value", userId)
                .get("/v1/profiles/lookup").then().statusCode(200).extract().path("id"));
    }

    private boolean hasTag(UUID profileId, String tag) {
        return db.count("SELECT count(*) FROM profile_tags WHERE workspace_id = $1 AND profile_id = $2 AND tag = $3", workspace, profileId, tag) == 1;
    }

    private boolean isMember(UUID segmentId, UUID profileId) {
        return db.count("SELECT count(*) FROM segment_members WHERE workspace_id = $1 AND segment_id = $2 AND profile_id = $3",
                workspace, segmentId, profileId) == 1;
    }
}
