package io.kizuna.condition;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.pgclient.PgPool;
import io.vertx.mutiny.sqlclient.Row;

/**
 * Two segments a marketer would write, over hand-made profiles: both engines must select exactly
 * the expected customers.
 */
@QuarkusTest
class ConditionScenariosTest {

    private static final ZoneId TOKYO = ZoneId.of("Asia/Tokyo");

    @Inject
    PgPool pool;

    @Inject
    SnapshotLoader loader;

    @Test
    void women_in_tokyo_who_added_to_cart_in_the_last_3_hours_and_have_not_ordered_since() {
        Instant now = Instant.parse("2026-11-20T03:00:00Z"); // noon in Tokyo
        Condition abandonedCart = condition("""
                {"all": [
                  {"trait": {"path": "gender", "op": "equals", "value": "female"}},
                  {"trait": {"path": "city", "op": "equals", "value": "東京"}},
                  {"event": {"name": "Product Added", "window": {"withinLast": {"amount": 3, "unit": "hours"}}}},
                  {"event": {"name": "Order Completed", "window": {"since": "Product Added"}, "count": "never"}}
                ]}""");
        Map<String, TestProfile> profiles = new LinkedHashMap<>();
        profiles.put("added an hour ago", tokyoite("female").event("Product Added", now.minus(hours(1)), Map.of("sku", "serum")));
        profiles.put("added exactly 3 hours ago, ordered before that",
                tokyoite("female").event("Order Completed", now.minus(hours(5)), Map.of())
                        .event("Product Added", now.minus(hours(3)), Map.of()));
        profiles.put("ordered, then added again", tokyoite("female").event("Product Added", now.minus(hours(2)), Map.of())
                .event("Order Completed", now.minus(hours(1)), Map.of())
                .event("Product Added", now.minus(Duration.ofMinutes(10)), Map.of()));
        profiles.put("ordered after adding", tokyoite("female").event("Product Added", now.minus(hours(1)), Map.of())
                .event("Order Completed", now.minus(Duration.ofMinutes(30)), Map.of()));
        profiles.put("added 3 hours and a second ago", tokyoite("female").event("Product Added", now.minus(hours(3)).minusSeconds(1), Map.of()));
        profiles.put("a man", tokyoite("male").event("Product Added", now.minus(hours(1)), Map.of()));
        profiles.put("in Osaka", person().trait("gender", "female").trait("city", "大阪").event("Product Added", now.minus(hours(1)), Map.of()));
        profiles.put("city spelled Tokyo", person().trait("gender", "female").trait("city", "Tokyo")
                .event("Product Added", now.minus(hours(1)), Map.of()));
        profiles.put("never added", tokyoite("female").event("Product Viewed", now.minus(hours(1)), Map.of()));

        assertMembers(abandonedCart, now, profiles,
                Set.of("added an hour ago", "added exactly 3 hours ago, ordered before that", "ordered, then added again"));
    }

    @Test
    void vips_with_a_birthday_this_month_who_are_reachable_on_line() {
        // 2026-11-30 16:00 UTC is already December 1st in Tokyo: "this month" is December.
        Instant now = Instant.parse("2026-11-30T16:00:00Z");
        Condition birthdayVips = condition("""
                {"all": [
                  {"computed": {"field": "lifetime_revenue", "op": "gt", "value": 100000}},
                  {"anniversary": {"trait": "birthday", "when": "this_month"}},
                  {"reachable": "line"}
                ]}""");
        Map<String, TestProfile> profiles = new LinkedHashMap<>();
        profiles.put("December VIP on LINE", vip("150000", "0", "1990-12-05").identity("line_user_id", "U-1"));
        profiles.put("LINE refused for a newsletter only", vip("250000", "0", "1988-12-24").identity("line_user_id", "U-2")
                .consent("line", "", true).consent("line", "newsletter", false));
        profiles.put("birthday stored as a timestamp", vip("100000.0001", "0", "1985-12-31T23:00:00+09:00").identity("line_user_id", "U-3"));
        profiles.put("refunds bring spend under", vip("150000", "60000", "1990-12-05").identity("line_user_id", "U-4"));
        profiles.put("spent exactly 100000", vip("100000", "0", "1990-12-05").identity("line_user_id", "U-5"));
        profiles.put("birthday in November", vip("150000", "0", "1990-11-30").identity("line_user_id", "U-6"));
        profiles.put("refused LINE", vip("150000", "0", "1990-12-05").identity("line_user_id", "U-7").consent("line", "", false));
        profiles.put("no LINE account", vip("150000", "0", "1990-12-05").identity("email", "vip@example.com").consent("line", "", true));
        profiles.put("no birthday", vip("150000", "0", null).identity("line_user_id", "U-8"));

        assertMembers(birthdayVips, now, profiles,
                Set.of("December VIP on LINE", "LINE refused for a newsletter only", "birthday stored as a timestamp"));
    }

    // ---- vocabulary ----

    private static Condition condition(String json) {
        return ConditionJson.read(new JsonObject(json), "condition");
    }

    private static Duration hours(long hours) {
        return Duration.ofHours(hours);
    }

    private static TestProfile person() {
        return new TestProfile(UUID.randomUUID());
    }

    private static TestProfile tokyoite(String gender) {
        return person().trait("gender", gender).trait("city", "東京");
    }

    private static TestProfile vip(String gross, String refunded, String birthday) {
        TestProfile profile = person().orders(3, gross, refunded, Instant.parse("2025-01-10T00:00:00Z"), Instant.parse("2026-10-01T00:00:00Z"));
        if (birthday != null) {
            profile.trait("birthday", birthday);
        }
        return profile;
    }

    /** Both engines select exactly the expected profiles (named for a readable failure). */
    private void assertMembers(Condition condition, Instant now, Map<String, TestProfile> profiles, Set<String> expected) {
        UUID workspace = UUID.randomUUID();
        TestProfile.insert(pool, workspace, TOKYO.getId(), now, List.copyOf(profiles.values()));
        EvaluationContext context = new EvaluationContext(workspace, now, TOKYO);
        Map<UUID, String> names = new LinkedHashMap<>();
        profiles.forEach((name, profile) -> names.put(profile.id, name));

        CompiledCondition compiled = SqlCompiler.compile(condition, context);
        Set<String> bySql = new TreeSet<>();
        for (Row row : pool.preparedQuery("SELECT p.id FROM profiles p WHERE p.workspace_id = $1 AND (" + compiled.sql() + ")")
                .execute(compiled.tuple(workspace)).await().indefinitely()) {
            bySql.add(names.get(row.getUUID(0)));
        }
        Set<String> byMatcher = new TreeSet<>();
        loader.load(pool, workspace, List.copyOf(names.keySet()), ConditionRequirements.of(condition, context)).await().indefinitely()
                .forEach((id, snapshot) -> {
                    if (ConditionMatcher.matches(condition, snapshot, context)) {
                        byMatcher.add(names.get(id));
                    }
                });
        assertEquals(new TreeSet<>(expected), bySql, "SQL engine");
        assertEquals(new TreeSet<>(expected), byMatcher, "in-memory matcher");
    }
}
