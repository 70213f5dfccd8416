package io.kizuna.profile.traits;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import io.kizuna.common.time.StoredMicros;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * One profile's traits and computed traits, folded from its events. Every update is safe against
 * events arriving late or out of order: seen and order times take the minimum or maximum, counts
 * and sums add up, a trait keeps the value of its newest setting by event time, and a cart event
 * older than the cart's last change asks for a rebuild from the event store.
 */
public final class ProfileState {

    static final int VIEWED_PRODUCTS_KEPT = 100;

    public final UUID id;
    public JsonObject traits = new JsonObject();
    public JsonObject traitTimes = new JsonObject();
    public Instant firstSeenAt;
    public Instant lastSeenAt;
    public Instant firstOrderAt;
    public Instant lastOrderAt;
    public int orderCount;
    public BigDecimal grossRevenue = BigDecimal.ZERO;
    public BigDecimal refunded = BigDecimal.ZERO;
    public JsonArray cart = new JsonArray();
    public BigDecimal cartValue = BigDecimal.ZERO;
    public Instant cartUpdatedAt;
    public JsonObject viewedProducts = new JsonObject();
    public JsonObject purchasedProducts = new JsonObject();
    public JsonObject channelActivity = new JsonObject();
    /** Event name -> time of the profile's last event of that name, in {@link StoredMicros} (see V10__profile_last_events.sql). */
    public JsonObject lastEvents = new JsonObject();
    public Instant createdAt;
    private boolean cartNeedsRebuild;

    /** Which JSON columns changed since the profile was loaded; unchanged ones are not written again. */
    boolean traitsChanged;
    boolean cartChanged;
    boolean viewedChanged;
    boolean purchasedChanged;
    boolean channelsChanged;
    boolean lastEventsChanged;
    /** Which groups of computed traits moved since the profile was loaded. */
    private final EnumSet<ComputedGroup> moved = EnumSet.noneOf(ComputedGroup.class);

    public ProfileState(UUID id, Instant createdAt) {
        this.id = id;
        this.createdAt = createdAt;
    }

    public boolean cartNeedsRebuild() {
        return cartNeedsRebuild;
    }

    /** The groups of computed traits that moved since the profile was loaded or created. */
    public Set<ComputedGroup> movedGroups() {
        return EnumSet.copyOf(moved);
    }

    /** Applies events; they may be in any order. */
    public void applyAll(List<TraitEvent> events) {
        List<TraitEvent> ordered = new ArrayList<>(events);
        ordered.sort(Comparator.comparing(TraitEvent::occurredAt));
        ordered.forEach(this::apply);
    }

    public void apply(TraitEvent event) {
        Instant at = event.occurredAt();
        if (firstSeenAt == null || at.isBefore(firstSeenAt) || at.isAfter(lastSeenAt)) {
            firstSeenAt = min(firstSeenAt, at);
            lastSeenAt = max(lastSeenAt, at);
            moved.add(ComputedGroup.SEEN);
        }
        if (event.channel() != null) {
            Instant previous = instant(channelActivity.getString(event.channel()));
            if (previous == null || at.isAfter(previous)) {
                channelActivity.put(event.channel(), at.toString());
                channelsChanged = true;
                moved.add(ComputedGroup.CHANNELS);
            }
        }
        if (event.name() != null) {
            long stored = StoredMicros.of(at);
            Object previous = lastEvents.getValue(event.name());
            if (!(previous instanceof Number number) || stored > number.longValue()) {
                lastEvents.put(event.name(), stored);
                lastEventsChanged = true;
            }
        }
        if ("identify".equals(event.type()) && event.traits() != null) {
            setTraits(event.traits(), at);
        }
        if (!"track".equals(event.type()) || event.name() == null) {
            return;
        }
        JsonObject properties = event.properties() == null ? new JsonObject() : event.properties();
        switch (event.name()) {
            case Commerce.ORDER_COMPLETED -> {
                moved.add(ComputedGroup.ORDERS);
                orderCount++;
                grossRevenue = grossRevenue.add(Commerce.orderValue(properties));
                firstOrderAt = min(firstOrderAt, at);
                lastOrderAt = max(lastOrderAt, at);
                JsonArray products = Commerce.products(properties);
                for (int i = 0; i < products.size(); i++) {
                    if (products.getValue(i) instanceof JsonObject product && Commerce.productId(product) != null) {
                        String productId = Commerce.productId(product);
                        purchasedProducts.put(productId, max(instant(purchasedProducts.getString(productId)), at).toString());
                        purchasedChanged = true;
                    }
                }
                changeCart(event, () -> {
                    cart = new JsonArray();
                    cartValue = BigDecimal.ZERO;
                });
            }
            case Commerce.ORDER_REFUNDED -> {
                moved.add(ComputedGroup.ORDERS);
                refunded = refunded.add(Commerce.orderValue(properties));
            }
            case Commerce.PRODUCT_VIEWED -> viewed(properties, at);
            case Commerce.PRODUCT_ADDED -> changeCart(event, () -> addToCart(properties, at));
            case Commerce.PRODUCT_REMOVED -> changeCart(event, () -> removeFromCart(properties));
            default -> {
            }
        }
    }

    /** Sets traits newer than what the profile holds; a null value removes the trait. */
    public void setTraits(JsonObject newTraits, Instant at) {
        for (Map.Entry<String, Object> trait : newTraits) {
            Instant setAt = instant(traitTimes.getString(trait.getKey()));
            if (setAt != null && setAt.isAfter(at)) {
                continue;
            }
            if (trait.getValue() == null) {
                traits.remove(trait.getKey());
            } else {
                traits.put(trait.getKey(), trait.getValue());
            }
            traitTimes.put(trait.getKey(), at.toString());
            traitsChanged = true;
        }
    }

    /** Folds a profile being merged into this one. */
    public void absorb(ProfileState other) {
        traitsChanged = cartChanged = viewedChanged = purchasedChanged = channelsChanged = lastEventsChanged = true;
        moved.addAll(ComputedGroup.all());
        for (Map.Entry<String, Object> last : other.lastEvents) {
            Object ours = lastEvents.getValue(last.getKey());
            if (last.getValue() instanceof Number theirs && (!(ours instanceof Number number) || theirs.longValue() > number.longValue())) {
                lastEvents.put(last.getKey(), theirs.longValue());
            }
        }
        for (Map.Entry<String, Object> time : other.traitTimes) {
            Instant theirs = instant((String) time.getValue());
            Instant ours = instant(traitTimes.getString(time.getKey()));
            if (ours == null || (theirs != null && theirs.isAfter(ours))) {
                if (other.traits.containsKey(time.getKey())) {
                    traits.put(time.getKey(), other.traits.getValue(time.getKey()));
                } else {
                    traits.remove(time.getKey());
                }
                traitTimes.put(time.getKey(), time.getValue());
            }
        }
        for (Map.Entry<String, Object> trait : other.traits) {
            if (!traitTimes.containsKey(trait.getKey()) && !traits.containsKey(trait.getKey())) {
                traits.put(trait.getKey(), trait.getValue());
            }
        }
        firstSeenAt = min(firstSeenAt, other.firstSeenAt);
        lastSeenAt = max(lastSeenAt, other.lastSeenAt);
        firstOrderAt = min(firstOrderAt, other.firstOrderAt);
        lastOrderAt = max(lastOrderAt, other.lastOrderAt);
        orderCount += other.orderCount;
        grossRevenue = grossRevenue.add(other.grossRevenue);
        refunded = refunded.add(other.refunded);
        if (other.cartUpdatedAt != null && (cartUpdatedAt == null || other.cartUpdatedAt.isAfter(cartUpdatedAt))) {
            cart = other.cart.copy();
            cartValue = other.cartValue;
            cartUpdatedAt = other.cartUpdatedAt;
        }
        mergeLatest(viewedProducts, other.viewedProducts, true);
        mergeLatest(purchasedProducts, other.purchasedProducts, false);
        mergeLatest(channelActivity, other.channelActivity, false);
        trimViewed();
        createdAt = min(createdAt, other.createdAt);
    }

    /** Rebuilds the cart from the profile's cart events, oldest first. */
    public void rebuildCart(List<TraitEvent> cartEvents) {
        cartChanged = true;
        moved.add(ComputedGroup.CART);
        cart = new JsonArray();
        cartValue = BigDecimal.ZERO;
        cartUpdatedAt = null;
        List<TraitEvent> ordered = new ArrayList<>(cartEvents);
        ordered.sort(Comparator.comparing(TraitEvent::occurredAt));
        for (TraitEvent event : ordered) {
            JsonObject properties = event.properties() == null ? new JsonObject() : event.properties();
            switch (event.name()) {
                case Commerce.ORDER_COMPLETED -> {
                    cart = new JsonArray();
                    cartValue = BigDecimal.ZERO;
                }
                case Commerce.PRODUCT_ADDED -> addToCart(properties, event.occurredAt());
                case Commerce.PRODUCT_REMOVED -> removeFromCart(properties);
                default -> {
                    continue;
                }
            }
            cartUpdatedAt = event.occurredAt();
        }
        cartNeedsRebuild = false;
    }

    private void changeCart(TraitEvent event, Runnable change) {
        if (cartUpdatedAt != null && event.occurredAt().isBefore(cartUpdatedAt)) {
            cartNeedsRebuild = true;
            return;
        }
        change.run();
        cartUpdatedAt = event.occurredAt();
        cartChanged = true;
        moved.add(ComputedGroup.CART);
    }

    private void addToCart(JsonObject product, Instant at) {
        String productId = Commerce.productId(product);
        if (productId == null) {
            return;
        }
        BigDecimal quantity = Commerce.number(product.getValue("quantity"));
        BigDecimal added = quantity == null ? BigDecimal.ONE : quantity;
        JsonObject line = findLine(productId);
        if (line == null) {
            line = new JsonObject()
                    .put("productId", productId)
                    .put("sku", product.getValue("sku"))
                    .put("name", product.getValue("name"))
                    .put("price", Commerce.number(product.getValue("price")))
                    .put("quantity", BigDecimal.ZERO)
                    .put("addedAt", at.toString());
            cart.add(line);
        }
        line.put("quantity", Commerce.number(line.getValue("quantity")).add(added));
        recalculateCartValue();
    }

    private void removeFromCart(JsonObject product) {
        String productId = Commerce.productId(product);
        JsonObject line = productId == null ? null : findLine(productId);
        if (line == null) {
            return;
        }
        BigDecimal quantity = Commerce.number(product.getValue("quantity"));
        BigDecimal remaining = quantity == null ? BigDecimal.ZERO : Commerce.number(line.getValue("quantity")).subtract(quantity);
        if (remaining.signum() <= 0) {
            cart.remove(line);
        } else {
            line.put("quantity", remaining);
        }
        recalculateCartValue();
    }

    private JsonObject findLine(String productId) {
        for (int i = 0; i < cart.size(); i++) {
            JsonObject line = cart.getJsonObject(i);
            if (productId.equals(line.getString("productId"))) {
                return line;
            }
        }
        return null;
    }

    private void recalculateCartValue() {
        BigDecimal value = BigDecimal.ZERO;
        for (int i = 0; i < cart.size(); i++) {
            value = value.add(Commerce.lineValue(cart.getJsonObject(i)));
        }
        cartValue = value;
    }

    private void viewed(JsonObject properties, Instant at) {
        String productId = Commerce.productId(properties);
        if (productId == null) {
            return;
        }
        JsonObject previous = viewedProducts.getJsonObject(productId);
        Instant previousAt = previous == null ? null : instant(previous.getString("at"));
        if (previousAt != null && previousAt.isAfter(at)) {
            return;
        }
        viewedChanged = true;
        viewedProducts.put(productId, new JsonObject()
                .put("at", at.toString())
                .put("name", properties.getValue("name"))
                .put("price", Commerce.number(properties.getValue("price"))));
        trimViewed();
    }

    private void trimViewed() {
        if (viewedProducts.size() <= VIEWED_PRODUCTS_KEPT) {
            return;
        }
        List<String> oldestFirst = new ArrayList<>(viewedProducts.fieldNames());
        oldestFirst.sort(Comparator.comparing(id -> viewedProducts.getJsonObject(id).getString("at")));
        for (int i = 0; i < oldestFirst.size() - VIEWED_PRODUCTS_KEPT; i++) {
            viewedProducts.remove(oldestFirst.get(i));
        }
    }

    /** Keeps, per key, the entry with the later time ({@code at} field for objects, the value itself for strings). */
    private static void mergeLatest(JsonObject into, JsonObject from, boolean objects) {
        for (Map.Entry<String, Object> entry : from) {
            Object mine = into.getValue(entry.getKey());
            Instant theirs = objects ? instant(((JsonObject) entry.getValue()).getString("at")) : instant((String) entry.getValue());
            Instant ours = mine == null ? null : objects ? instant(((JsonObject) mine).getString("at")) : instant((String) mine);
            if (ours == null || (theirs != null && theirs.isAfter(ours))) {
                into.put(entry.getKey(), objects ? ((JsonObject) entry.getValue()).copy() : entry.getValue());
            }
        }
    }

    static Instant instant(String text) {
        return text == null ? null : io.kizuna.common.time.IsoInstants.parseStrict(text);
    }

    static Instant min(Instant a, Instant b) {
        return a == null ? b : b == null ? a : a.isBefore(b) ? a : b;
    }

    static Instant max(Instant a, Instant b) {
        return a == null ? b : b == null ? a : a.isAfter(b) ? a : b;
    }
}
