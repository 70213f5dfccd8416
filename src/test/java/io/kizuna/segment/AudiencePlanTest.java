package io.kizuna.segment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.kizuna.condition.ConditionJson;
import io.kizuna.condition.ConditionRequirements;
import io.kizuna.condition.EvaluationContext;
import io.kizuna.condition.ProfileChange;
import io.kizuna.profile.traits.ComputedGroup;
import io.kizuna.tag.RuleTag;

/**
 * Which rule tags and segments a change decides again, and what the engine then loads: only the
 * conditions reading a changed input, and those reading a tag or segment decided again before them.
 */
class AudiencePlanTest {

    private static final EvaluationContext NOW = new EvaluationContext(UUID.randomUUID(), Instant.parse("2026-11-24T03:00:00Z"),
            ZoneId.of("Asia/Tokyo"));
    private static final UUID REPEAT_BUYERS = UUID.randomUUID();
    private static final UUID REACHABLE = UUID.randomUUID();
    private static final UUID WOMEN_VIPS = UUID.randomUUID();
    private static final UUID HOLDOUT = UUID.randomUUID();
    private static final UUID CHAMPIONS = UUID.randomUUID();

    private static final Set<ComputedGroup> SEEN_ON_THE_WEB = Set.of(ComputedGroup.SEEN, ComputedGroup.CHANNELS);

    // Order: tags (0 vip, 1 cart-open, 2 browsing, 3 lapsed), then segments (4 repeat buyers, 5 reachable, 6 women VIPs,
    // 7 holdout, 8 RFM champions).
    private static final AudienceEngine.Audiences AUDIENCES = AudienceEngine.Audiences.of(
            List.of(new RuleTag("vip", condition(Map.of("computed", Map.of("field", "lifetime_revenue", "op", "gte", "value", 100000)))),
                    new RuleTag("cart-open", condition(Map.of("lastEvent", Map.of("name", "Product Added", "op", "within_last",
                            "value", Map.of("amount", 3, "unit", "hours"))))),
                    new RuleTag("browsing", condition(Map.of("event", Map.of("name", "Product Viewed",
                            "where", List.of(Map.of("path", "category", "op", "equals", "value", "Skincare")),
                            "window", Map.of("withinLast", Map.of("amount", 7, "unit", "days")))))),
                    new RuleTag("lapsed", condition(Map.of("computed", Map.of("field", "last_seen_at", "op", "more_than_ago",
                            "value", Map.of("amount", 14, "unit", "days")))))),
            List.of(new SegmentRule(REPEAT_BUYERS, condition(Map.of("event", Map.of("name", "Order Completed",
                            "window", Map.of("withinLast", Map.of("amount", 30, "unit", "days")), "count", Map.of("atLeast", 2))))),
                    new SegmentRule(REACHABLE, condition(Map.of("reachable", "email"))),
                    new SegmentRule(WOMEN_VIPS, condition(Map.of("all", List.of(Map.of("tag", "vip"),
                            Map.of("trait", Map.of("path", "gender", "op", "equals", "value", "female")))))),
                    new SegmentRule(HOLDOUT, condition(Map.of("random", Map.of("seed", "q4", "buckets", 10, "from", 0, "to", 0)))),
                    new SegmentRule(CHAMPIONS, condition(Map.of("computed", Map.of("field", "rfm_recency", "op", "equals", "value", 5))))));

    @Test
    void a_page_view_decides_again_only_what_reads_when_the_customer_was_last_seen() {
        AudienceEngine.Plan plan = AUDIENCES.plan(ProfileChange.events(Set.of("Home"), false, SEEN_ON_THE_WEB), NOW);

        assertEquals(Set.of(3), decided(plan), "lapsed reads last seen; vip reads the order figures, which a page view leaves alone");
        assertTrue(plan.requirements().reads().isEmpty(), "no event store read");
        assertFalse(plan.requirements().contacts(), "no identities or consents");
        assertFalse(plan.requirements().traits(), "no traits");
    }

    @Test
    void an_add_to_cart_reads_only_the_latest_add_and_an_order_reads_a_month_of_orders() {
        AudienceEngine.Plan added = AUDIENCES.plan(ProfileChange.events(Set.of("Product Added"), false,
                Set.of(ComputedGroup.SEEN, ComputedGroup.CHANNELS, ComputedGroup.CART)), NOW);
        assertEquals(Set.of(1, 3), decided(added));
        assertEquals(List.of(ConditionRequirements.Bound.LATEST), added.requirements().reads().stream().map(ConditionRequirements.EventRead::bound).toList(),
                "the latest add comes from the profile row");

        AudienceEngine.Plan ordered = AUDIENCES.plan(ProfileChange.events(Set.of("Order Completed"), false,
                Set.of(ComputedGroup.SEEN, ComputedGroup.ORDERS, ComputedGroup.CART)), NOW);
        assertEquals(Set.of(0, 3, 4, 6), decided(ordered), "vip, lapsed, repeat buyers, and women VIPs behind the vip tag");
        assertEquals(List.of("Order Completed"), ordered.requirements().reads().stream().map(ConditionRequirements.EventRead::name).toList(),
                "no page views, no product views");
        assertTrue(ordered.requirements().traits(), "women VIPs read gender");
    }

    @Test
    void traits_set_by_an_identify_decide_trait_conditions_again() {
        AudienceEngine.Plan plan = AUDIENCES.plan(ProfileChange.events(Set.of(), true, Set.of()), NOW);

        assertEquals(Set.of(6), decided(plan), "the segment reading gender");
        assertTrue(plan.requirements().traits());
    }

    @Test
    void moved_rfm_scores_decide_only_what_reads_them() {
        AudienceEngine.Plan plan = AUDIENCES.plan(ProfileChange.computed(Set.of(ComputedGroup.RFM)), NOW);

        assertEquals(Set.of(8), decided(plan));
        assertFalse(plan.requirements().traits());
    }

    @Test
    void a_new_merged_or_hand_changed_profile_decides_everything_with_identities_and_consents() {
        AudienceEngine.Plan plan = AUDIENCES.plan(ProfileChange.EVERYTHING, NOW);

        assertEquals(Set.of(0, 1, 2, 3, 4, 5, 6, 7, 8), decided(plan), "the random holdout and reachability included");
        assertTrue(plan.requirements().contacts());
    }

    @Test
    void changes_that_differ_only_in_what_no_audience_reads_share_one_remembered_choice() {
        AudienceEngine.Choice home = AUDIENCES.choose(ProfileChange.events(Set.of("Home"), false, SEEN_ON_THE_WEB));
        AudienceEngine.Choice search = AUDIENCES.choose(ProfileChange.events(Set.of("Search"), false, SEEN_ON_THE_WEB));
        AudienceEngine.Choice viewed = AUDIENCES.choose(ProfileChange.events(Set.of("Search", "Product Viewed"), false, SEEN_ON_THE_WEB));

        org.junit.jupiter.api.Assertions.assertSame(home, search, "no audience reads page names");
        assertEquals(Set.of(2, 3), viewed.decide().stream().boxed().collect(java.util.stream.Collectors.toSet()), "browsing reads product views");
    }

    private static Set<Integer> decided(AudienceEngine.Plan plan) {
        return plan.decide().stream().boxed().collect(java.util.stream.Collectors.toSet());
    }

    private static io.kizuna.condition.Condition condition(Map<String, Object> json) {
        return ConditionJson.read(json, "conditions");
    }
}
