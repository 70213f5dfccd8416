package io.kizuna.profile.traits;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

class ProfileStateTest {

    private static final Instant T0 = Instant.parse("2026-10-01T00:00:00Z");

    private static TraitEvent track(String name, int day, JsonObject properties) {
        return new TraitEvent("track", name, T0.plusSeconds(day * 86_400L), "web", properties, null);
    }

    private static TraitEvent identify(int day, JsonObject traits) {
        return new TraitEvent("identify", null, T0.plusSeconds(day * 86_400L), "server", null, traits);
    }

    private static JsonObject product(String id, double price, int quantity) {
        return new JsonObject().put("product_id", id).put("name", "Product " + id).put("price", price).put("quantity", quantity);
    }

    private static JsonObject order(double total, JsonObject... products) {
        JsonArray lines = new JsonArray();
        for (JsonObject product : products) {
            lines.add(product);
        }
        return new JsonObject().put("total", total).put("products", lines);
    }

    private static List<TraitEvent> history() {
        return List.of(
                identify(0, new JsonObject().put("plan", "free").put("firstName", "Hanako")),
                track(Commerce.PRODUCT_VIEWED, 1, product("serum", 3800, 1)),
                track(Commerce.PRODUCT_ADDED, 1, product("serum", 3800, 1)),
                track(Commerce.ORDER_COMPLETED, 2, order(3800, product("serum", 3800, 1))),
                track(Commerce.PRODUCT_VIEWED, 5, product("cream", 5200, 1)),
                track(Commerce.ORDER_COMPLETED, 12, order(10400, product("lotion", 5200, 2))),
                track(Commerce.ORDER_REFUNDED, 13, new JsonObject().put("total", 5200)),
                identify(14, new JsonObject().put("plan", "gold")),
                track(Commerce.PRODUCT_ADDED, 20, product("cream", 5200, 2)),
                track(Commerce.PRODUCT_REMOVED, 21, product("cream", 5200, 1)));
    }

    @Test
    void orders_revenue_refunds_and_seen_times_add_up() {
        ProfileState state = new ProfileState(UUID.randomUUID(), T0);
        state.applyAll(history());
        assertEquals(2, state.orderCount);
        assertEquals(0, new BigDecimal("14200").compareTo(state.grossRevenue));
        assertEquals(0, new BigDecimal("5200").compareTo(state.refunded));
        assertEquals(T0.plusSeconds(2 * 86_400L), state.firstOrderAt);
        assertEquals(T0.plusSeconds(12 * 86_400L), state.lastOrderAt);
        assertEquals(T0, state.firstSeenAt);
        assertEquals(T0.plusSeconds(21 * 86_400L), state.lastSeenAt);
        assertEquals("gold", state.traits.getString("plan"));
        assertEquals("Hanako", state.traits.getString("firstName"));
        assertTrue(state.purchasedProducts.containsKey("lotion"));
        assertTrue(state.viewedProducts.containsKey("cream"));
    }

    @Test
    void the_cart_follows_adds_removes_and_is_emptied_by_an_order() {
        ProfileState state = new ProfileState(UUID.randomUUID(), T0);
        state.applyAll(history());
        assertEquals(1, state.cart.size());
        assertEquals("cream", state.cart.getJsonObject(0).getString("productId"));
        assertEquals(0, BigDecimal.ONE.compareTo(new BigDecimal(state.cart.getJsonObject(0).getValue("quantity").toString())));
        assertEquals(0, new BigDecimal("5200").compareTo(state.cartValue));
        assertFalse(state.cartNeedsRebuild());
    }

    @Test
    void events_in_any_order_give_the_same_profile_except_a_late_cart_event_which_asks_for_a_rebuild() {
        ProfileState inOrder = new ProfileState(UUID.randomUUID(), T0);
        history().forEach(inOrder::apply);
        Random random = new Random(7);
        for (int round = 0; round < 50; round++) {
            List<TraitEvent> shuffled = new ArrayList<>(history());
            Collections.shuffle(shuffled, random);
            ProfileState shuffledState = new ProfileState(inOrder.id, T0);
            shuffled.forEach(shuffledState::apply);
            assertEquals(inOrder.orderCount, shuffledState.orderCount);
            assertEquals(0, inOrder.grossRevenue.compareTo(shuffledState.grossRevenue));
            assertEquals(0, inOrder.refunded.compareTo(shuffledState.refunded));
            assertEquals(inOrder.firstSeenAt, shuffledState.firstSeenAt);
            assertEquals(inOrder.lastSeenAt, shuffledState.lastSeenAt);
            assertEquals(inOrder.traits, shuffledState.traits, "newest trait wins whatever the arrival order");
            assertEquals(inOrder.viewedProducts, shuffledState.viewedProducts);
            if (shuffledState.cartNeedsRebuild()) {
                List<TraitEvent> cartEvents = history().stream().filter(event -> Commerce.changesCart(event.name())).toList();
                shuffledState.rebuildCart(cartEvents);
            }
            assertEquals(inOrder.cart, shuffledState.cart);
            assertEquals(0, inOrder.cartValue.compareTo(shuffledState.cartValue));
        }
    }

    @Test
    void a_late_identify_does_not_overwrite_a_newer_trait_and_null_removes_one() {
        ProfileState state = new ProfileState(UUID.randomUUID(), T0);
        state.apply(identify(10, new JsonObject().put("plan", "gold").put("nickname", "hana")));
        state.apply(identify(3, new JsonObject().put("plan", "free").put("city", "Tokyo")));
        assertEquals("gold", state.traits.getString("plan"));
        assertEquals("Tokyo", state.traits.getString("city"));
        state.apply(identify(11, new JsonObject().putNull("nickname")));
        assertFalse(state.traits.containsKey("nickname"));
    }

    @Test
    void absorbing_a_merged_profile_keeps_the_newest_traits_and_sums_the_orders() {
        ProfileState store = new ProfileState(UUID.randomUUID(), T0);
        store.apply(identify(1, new JsonObject().put("name", "Hanako Sato").put("phone", "+819012345678")));
        store.apply(track(Commerce.ORDER_COMPLETED, 2, order(3000)));
        ProfileState online = new ProfileState(UUID.randomUUID(), T0.plusSeconds(86_400L));
        online.apply(identify(5, new JsonObject().put("name", "Hanako").put("email", "hanako@example.jp")));
        online.apply(track(Commerce.ORDER_COMPLETED, 6, order(7000)));

        store.absorb(online);
        assertEquals("Hanako", store.traits.getString("name"));
        assertEquals("+819012345678", store.traits.getString("phone"));
        assertEquals("hanako@example.jp", store.traits.getString("email"));
        assertEquals(2, store.orderCount);
        assertEquals(0, new BigDecimal("10000").compareTo(store.grossRevenue));
        assertEquals(T0.plusSeconds(2 * 86_400L), store.firstOrderAt);
        assertEquals(T0.plusSeconds(6 * 86_400L), store.lastOrderAt);
        assertEquals(T0, store.createdAt);
    }

    @Test
    void order_value_falls_back_from_total_to_revenue_to_product_lines() {
        assertEquals(0, new BigDecimal("100").compareTo(Commerce.orderValue(new JsonObject().put("total", 100).put("revenue", 90))));
        assertEquals(0, new BigDecimal("90").compareTo(Commerce.orderValue(new JsonObject().put("revenue", "90"))));
        assertEquals(0, new BigDecimal("25").compareTo(Commerce.orderValue(order(0, product("a", 10, 2), product("b", 5, 1)).copy().put("total", (Object) null))));
    }

    @Test
    void each_event_reports_the_computed_traits_it_moved() {
        ProfileState state = new ProfileState(UUID.randomUUID(), T0);
        state.applyAll(history());
        assertEquals(ComputedGroup.all().size() - 2, state.movedGroups().size(), "everything but RFM and creation: " + state.movedGroups());

        ProfileState viewer = fresh(state);
        viewer.apply(track(Commerce.PRODUCT_VIEWED, 30, product("mask", 1200, 1)));
        assertEquals(java.util.Set.of(ComputedGroup.SEEN, ComputedGroup.CHANNELS), viewer.movedGroups());

        ProfileState late = fresh(state);
        late.apply(new TraitEvent("page", "Home", T0.plusSeconds(3 * 86_400L), "web", null, null));
        assertEquals(java.util.Set.of(), late.movedGroups(), "a late page view moves neither last seen nor web activity");

        ProfileState buyer = fresh(state);
        buyer.apply(track(Commerce.ORDER_COMPLETED, 30, order(5200, product("cream", 5200, 1))));
        assertEquals(java.util.Set.of(ComputedGroup.SEEN, ComputedGroup.CHANNELS, ComputedGroup.ORDERS, ComputedGroup.CART), buyer.movedGroups(),
                "an order empties the cart");

        ProfileState refunded = fresh(state);
        refunded.apply(track(Commerce.ORDER_REFUNDED, 15, new JsonObject().put("total", 1000)));
        assertEquals(java.util.Set.of(ComputedGroup.ORDERS), refunded.movedGroups(), "a late refund moves only the order figures");
    }

    /** A copy of the state as if loaded again, with nothing moved yet. */
    private static ProfileState fresh(ProfileState loaded) {
        ProfileState state = new ProfileState(loaded.id, loaded.createdAt);
        state.traits = loaded.traits.copy();
        state.traitTimes = loaded.traitTimes.copy();
        state.firstSeenAt = loaded.firstSeenAt;
        state.lastSeenAt = loaded.lastSeenAt;
        state.firstOrderAt = loaded.firstOrderAt;
        state.lastOrderAt = loaded.lastOrderAt;
        state.orderCount = loaded.orderCount;
        state.grossRevenue = loaded.grossRevenue;
        state.refunded = loaded.refunded;
        state.cart = loaded.cart.copy();
        state.cartValue = loaded.cartValue;
        state.cartUpdatedAt = loaded.cartUpdatedAt;
        state.channelActivity = loaded.channelActivity.copy();
        state.lastEvents = loaded.lastEvents.copy();
        return state;
    }
}
