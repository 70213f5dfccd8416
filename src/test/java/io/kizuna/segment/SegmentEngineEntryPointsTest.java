package io.kizuna.segment;

import static io.kizuna.segment.Shop.cityIs;
import static io.kizuna.segment.Shop.inSegment;
import static io.kizuna.support.Api.withKey;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.junit.jupiter.api.Assertions.assertEquals;

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
import io.kizuna.support.Db;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.pgclient.PgPool;

/** What the real-time engine calls: the rules in dependency order, and batched, idempotent membership changes. */
@QuarkusTest
class SegmentEngineEntryPointsTest {

    private static final Instant NOW = Instant.parse("2026-11-23T03:00:00Z");
    private static final Instant LATER = NOW.plusSeconds(60);

    @Inject
    KizunaClock clock;

    @Inject
    SegmentService segments;

    @Inject
    PgPool pool;

    @Inject
    Db db;

    private Shop shop;
    private UUID workspace;

    @BeforeEach
    void a_shop() {
        clock.set(NOW);
        shop = new Shop("segment engine", NOW);
        workspace = UUID.fromString(shop.tenant.workspaceId());
    }

    @AfterEach
    void real_time_again() {
        clock.reset();
    }

    @Test
    void rules_come_after_the_segments_they_refer_to() {
        String first = shop.segment("created first", cityIs("東京"));
        String second = shop.segment("created second", cityIs("大阪"));
        shop.ready(first, 1);
        withKey(shop.tenant.adminKey()).body(Map.of("conditions", Map.of("any", List.of(cityIs("東京"), inSegment(second)))))
                .patch("/v1/segments/" + first).then().statusCode(200);

        List<SegmentRule> rules = segments.segmentRules(pool, workspace).await().atMost(Duration.ofSeconds(10));
        assertEquals(List.of(UUID.fromString(second), UUID.fromString(first)), rules.stream().map(SegmentRule::id).toList());
    }

    @Test
    void membership_changes_are_applied_once_with_history_and_change_events() {
        String hanako = shop.customer("hanako", Map.of("city", "東京"));
        String segment = shop.segment("Nobody yet", Map.of("any", List.of()));
        shop.ready(segment, 1);
        UUID segmentId = UUID.fromString(segment);
        UUID profile = UUID.fromString(hanako);
        List<MembershipChange> enter = List.of(new MembershipChange(segmentId, profile, true),
                new MembershipChange(UUID.randomUUID(), profile, true));

        apply(enter, NOW);
        apply(enter, NOW);
        withKey(shop.tenant.readKey()).get("/v1/profiles/" + hanako + "/segments").then().statusCode(200)
                .body("current", hasSize(1))
                .body("current[0].enteredAt", equalTo(NOW.toString()))
                .body("history", hasSize(1));

        List<MembershipChange> exit = List.of(new MembershipChange(segmentId, profile, false));
        apply(exit, LATER);
        apply(exit, LATER);
        withKey(shop.tenant.readKey()).get("/v1/profiles/" + hanako + "/segments").then().statusCode(200)
                .body("current", hasSize(0))
                .body("history", hasSize(1))
                .body("history[0].exitedAt", equalTo(LATER.toString()));
        withKey(shop.tenant.readKey()).get("/v1/segments/" + segment + "/changes").then().statusCode(200)
                .body("items.change", equalTo(List.of("ENTERED", "EXITED")))
                .body("items[1].at", equalTo(LATER.toString()));
        assertEquals(0, db.count("SELECT count(*) FROM segment_members WHERE workspace_id = $1", workspace));
    }

    private void apply(List<MembershipChange> changes, Instant at) {
        pool.withTransaction(connection -> segments.applyMembershipChanges(connection, workspace, changes, at))
                .await().atMost(Duration.ofSeconds(10));
    }
}
