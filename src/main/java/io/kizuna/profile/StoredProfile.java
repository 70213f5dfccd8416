package io.kizuna.profile;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import io.kizuna.common.json.JsonValues;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.vertx.mutiny.sqlclient.Row;

/**
 * A profile row as stored, every column, read through the reactive client. The read model of the
 * profile API; views and computed traits are derived from it.
 */
@Schema(name = "StoredProfile", description = "Everything the profile row holds, as stored")
@RegisterForReflection
public record StoredProfile(
        UUID id,
        @Schema(description = "Traits as stored") Map<String, Object> traits,
        @Schema(description = "When each trait was last set (ISO-8601 instants)") Map<String, Object> traitTimes,
        Instant firstSeenAt,
        Instant lastSeenAt,
        Instant firstOrderAt,
        Instant lastOrderAt,
        int orderCount,
        BigDecimal grossRevenue,
        BigDecimal refunded,
        BigDecimal lifetimeRevenue,
        BigDecimal averageOrderValue,
        Double averageOrderIntervalDays,
        @Schema(description = "Cart lines as stored") List<Object> cart,
        BigDecimal cartValue,
        Instant cartUpdatedAt,
        @Schema(description = "productId -> {at, name, price} of the last view") Map<String, Object> viewedProducts,
        @Schema(description = "productId -> time of the last purchase") Map<String, Object> purchasedProducts,
        @Schema(description = "channel -> time of the last activity") Map<String, Object> channelActivity,
        Integer rfmRecency,
        Integer rfmFrequency,
        Integer rfmMonetary,
        Instant createdAt,
        Instant updatedAt) {

    /** The select list matching {@link #from(Row)}, for a table aliased {@code p}. */
    public static final String COLUMNS = """
            p.id, p.traits, p.trait_times, p.first_seen_at, p.last_seen_at, p.first_order_at, p.last_order_at,
            p.order_count, p.gross_revenue, p.refunded, p.lifetime_revenue, p.average_order_value,
            p.average_order_interval_days, p.cart, p.cart_value, p.cart_updated_at, p.viewed_products,
            p.purchased_products, p.channel_activity, p.rfm_recency, p.rfm_frequency, p.rfm_monetary,
            p.created_at, p.updated_at""";

    public static StoredProfile from(Row row) {
        return new StoredProfile(
                row.getUUID("id"),
                JsonValues.object(row.getValue("traits")),
                JsonValues.object(row.getValue("trait_times")),
                instant(row, "first_seen_at"),
                instant(row, "last_seen_at"),
                instant(row, "first_order_at"),
                instant(row, "last_order_at"),
                row.getInteger("order_count"),
                row.getBigDecimal("gross_revenue"),
                row.getBigDecimal("refunded"),
                row.getBigDecimal("lifetime_revenue"),
                row.getBigDecimal("average_order_value"),
                row.getDouble("average_order_interval_days"),
                JsonValues.array(row.getValue("cart")),
                row.getBigDecimal("cart_value"),
                instant(row, "cart_updated_at"),
                JsonValues.object(row.getValue("viewed_products")),
                JsonValues.object(row.getValue("purchased_products")),
                JsonValues.object(row.getValue("channel_activity")),
                small(row, "rfm_recency"),
                small(row, "rfm_frequency"),
                small(row, "rfm_monetary"),
                instant(row, "created_at"),
                instant(row, "updated_at"));
    }

    public static Instant instant(Row row, String column) {
        OffsetDateTime value = row.getOffsetDateTime(column);
        return value == null ? null : value.toInstant();
    }

    private static Integer small(Row row, String column) {
        Short value = row.getShort(column);
        return value == null ? null : value.intValue();
    }
}
