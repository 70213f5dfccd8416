package io.kizuna.condition;

import java.util.Locale;

import io.kizuna.profile.traits.ComputedGroup;

/** The computed traits a condition can test, with their value type and their SQL over {@code profiles p}. */
public enum ComputedField {
    FIRST_SEEN_AT(ComputedGroup.SEEN, FieldType.TIMESTAMP, "p.first_seen_at", "When the profile was first seen (event time)"),
    LAST_SEEN_AT(ComputedGroup.SEEN, FieldType.TIMESTAMP, "p.last_seen_at", "When the profile was last seen (event time)"),
    /** Derived at evaluation time from last seen and now; the compiler supplies its SQL. */
    DAYS_SINCE_LAST_SEEN(ComputedGroup.SEEN, FieldType.NUMBER, null, "Whole days since the profile was last seen"),
    FIRST_ORDER_AT(ComputedGroup.ORDERS, FieldType.TIMESTAMP, "p.first_order_at", "Time of the first Order Completed"),
    LAST_ORDER_AT(ComputedGroup.ORDERS, FieldType.TIMESTAMP, "p.last_order_at", "Time of the last Order Completed"),
    ORDER_COUNT(ComputedGroup.ORDERS, FieldType.NUMBER, "p.order_count", "Number of orders", false),
    LIFETIME_REVENUE(ComputedGroup.ORDERS, FieldType.NUMBER, "p.lifetime_revenue", "Revenue of all orders, net of refunds", false),
    REFUNDED(ComputedGroup.ORDERS, FieldType.NUMBER, "p.refunded", "Total refunded", false),
    AVERAGE_ORDER_VALUE(ComputedGroup.ORDERS, FieldType.NUMBER, "p.average_order_value", "Lifetime revenue divided by the number of orders"),
    AVERAGE_ORDER_INTERVAL_DAYS(ComputedGroup.ORDERS, FieldType.NUMBER, "p.average_order_interval_days", "Average days between orders (two orders or more)"),
    PREDICTED_NEXT_ORDER_AT(ComputedGroup.ORDERS, FieldType.TIMESTAMP,
            "(p.last_order_at + make_interval(secs => floor(p.average_order_interval_days * 86400 + 0.5)))",
            "Last order plus the average interval (two orders or more)"),
    CART_VALUE(ComputedGroup.CART, FieldType.NUMBER, "p.cart_value", "Value of the current cart", false),
    CART_ITEM_COUNT(ComputedGroup.CART, FieldType.NUMBER, "jsonb_array_length(p.cart)", "Lines in the current cart", false),
    CART_UPDATED_AT(ComputedGroup.CART, FieldType.TIMESTAMP, "p.cart_updated_at", "When the cart last changed"),
    RFM_RECENCY(ComputedGroup.RFM, FieldType.NUMBER, "p.rfm_recency", "RFM recency score, 1 to 5"),
    RFM_FREQUENCY(ComputedGroup.RFM, FieldType.NUMBER, "p.rfm_frequency", "RFM frequency score, 1 to 5"),
    RFM_MONETARY(ComputedGroup.RFM, FieldType.NUMBER, "p.rfm_monetary", "RFM monetary score, 1 to 5"),
    /** Needs a channel; the compiler supplies its SQL. */
    CHANNEL_LAST_ACTIVITY_AT(ComputedGroup.CHANNELS, FieldType.TIMESTAMP, null, "Last activity on one channel (web, mobile, line, email, store, ...)"),
    CREATED_AT(ComputedGroup.CREATED, FieldType.TIMESTAMP, "p.created_at", "When the profile was created", false);

    public enum FieldType {
        NUMBER, TIMESTAMP
    }

    private final ComputedGroup group;
    private final FieldType type;
    private final String sql;
    private final String description;
    private final boolean nullable;

    ComputedField(ComputedGroup group, FieldType type, String sql, String description) {
        this(group, type, sql, description, true);
    }

    ComputedField(ComputedGroup group, FieldType type, String sql, String description, boolean nullable) {
        this.nullable = nullable;
        this.group = group;
        this.type = type;
        this.sql = sql;
        this.description = description;
    }

    /** The group of computed traits this one moves with, for the real-time engine (see {@link ProfileChange}). */
    public ComputedGroup group() {
        return group;
    }

    /** False for the columns the schema never leaves NULL (counts, sums, the cart, creation time). */
    public boolean nullable() {
        return nullable;
    }

    public FieldType type() {
        return type;
    }

    /** The SQL expression over {@code profiles p}, or null when the compiler derives it. */
    public String sql() {
        return sql;
    }

    public String description() {
        return description;
    }

    public String json() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static ComputedField fromJson(String name) {
        for (ComputedField field : values()) {
            if (field.json().equals(name)) {
                return field;
            }
        }
        return null;
    }
}
