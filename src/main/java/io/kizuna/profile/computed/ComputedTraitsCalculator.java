package io.kizuna.profile.computed;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

import io.kizuna.common.error.BadInputException;
import io.kizuna.common.json.JsonValues;
import io.kizuna.profile.StoredProfile;

/**
 * Derives the computed traits of a stored profile at a given instant. Pure: the caller passes
 * "now" from the injected clock, so time-relative traits (days since last seen, the viewed-but-not
 * bought window) are computed at read time and tests can move the clock.
 */
public final class ComputedTraitsCalculator {

    public static final int DEFAULT_VIEWED_DAYS = 30;
    public static final int MAX_VIEWED_DAYS = 365;
    private static final double SECONDS_PER_DAY = 86_400d;

    private ComputedTraitsCalculator() {
    }

    /** Validates the viewed-products window; null means the default of 30 days. */
    public static int viewedDays(Integer requested) {
        if (requested == null) {
            return DEFAULT_VIEWED_DAYS;
        }
        if (requested < 1 || requested > MAX_VIEWED_DAYS) {
            throw new BadInputException("viewedDays", "must be between 1 and " + MAX_VIEWED_DAYS);
        }
        return requested;
    }

    public static ComputedTraits compute(StoredProfile profile, Instant now, int viewedDays) {
        Double interval = profile.averageOrderIntervalDays();
        Instant predicted = profile.orderCount() >= 2 && interval != null && profile.lastOrderAt() != null
                ? profile.lastOrderAt().plusSeconds(Math.round(interval * SECONDS_PER_DAY))
                : null;
        return new ComputedTraits(
                profile.firstSeenAt(),
                profile.lastSeenAt(),
                daysSince(profile.lastSeenAt(), now),
                profile.firstOrderAt(),
                profile.lastOrderAt(),
                profile.orderCount(),
                money(profile.lifetimeRevenue()),
                money(profile.refunded()),
                money(profile.averageOrderValue()),
                interval == null ? null : Math.round(interval * 100d) / 100d,
                predicted,
                cart(profile),
                viewedNotBought(profile, now.minus(Duration.ofDays(viewedDays))),
                channels(profile.channelActivity()),
                rfm(profile));
    }

    static Integer daysSince(Instant then, Instant now) {
        if (then == null) {
            return null;
        }
        long days = Duration.between(then, now).toDays();
        return (int) Math.max(0, days);
    }

    /** Amounts without the storage scale's trailing zeros: 1200.0000 becomes 1200, 12.5000 becomes 12.5. */
    static BigDecimal money(BigDecimal amount) {
        if (amount == null) {
            return null;
        }
        BigDecimal stripped = amount.stripTrailingZeros();
        return stripped.scale() < 0 ? stripped.setScale(0) : stripped;
    }

    private static CartView cart(StoredProfile profile) {
        List<CartItem> items = new ArrayList<>();
        for (Object line : profile.cart()) {
            Map<String, Object> item = JsonValues.object(line);
            items.add(new CartItem(
                    JsonValues.text(item.get("productId")),
                    JsonValues.text(item.get("sku")),
                    JsonValues.text(item.get("name")),
                    money(JsonValues.decimal(item.get("price"))),
                    JsonValues.integer(item.get("quantity")),
                    JsonValues.instant(item.get("addedAt"))));
        }
        return new CartView(items, money(profile.cartValue()), profile.cartUpdatedAt());
    }

    private static List<ViewedProduct> viewedNotBought(StoredProfile profile, Instant since) {
        List<ViewedProduct> viewed = new ArrayList<>();
        for (Map.Entry<String, Object> entry : profile.viewedProducts().entrySet()) {
            Map<String, Object> view = JsonValues.object(entry.getValue());
            Instant viewedAt = JsonValues.instant(view.get("at"));
            if (viewedAt == null || viewedAt.isBefore(since)) {
                continue;
            }
            Instant purchasedAt = JsonValues.instant(profile.purchasedProducts().get(entry.getKey()));
            if (purchasedAt != null && !purchasedAt.isBefore(viewedAt)) {
                continue;
            }
            viewed.add(new ViewedProduct(entry.getKey(), JsonValues.text(view.get("name")),
                    money(JsonValues.decimal(view.get("price"))), viewedAt));
        }
        viewed.sort(Comparator.comparing(ViewedProduct::viewedAt).reversed().thenComparing(ViewedProduct::productId));
        return viewed;
    }

    private static List<ChannelActivity> channels(Map<String, Object> activity) {
        List<ChannelActivity> channels = new ArrayList<>();
        activity.forEach((channel, at) -> {
            Instant lastActivityAt = JsonValues.instant(at);
            if (lastActivityAt != null) {
                channels.add(new ChannelActivity(channel, lastActivityAt));
            }
        });
        channels.sort(Comparator.comparing(ChannelActivity::lastActivityAt).reversed().thenComparing(ChannelActivity::channel));
        return channels;
    }

    private static RfmScores rfm(StoredProfile profile) {
        if (profile.rfmRecency() == null && profile.rfmFrequency() == null && profile.rfmMonetary() == null) {
            return null;
        }
        return new RfmScores(profile.rfmRecency(), profile.rfmFrequency(), profile.rfmMonetary());
    }
}
