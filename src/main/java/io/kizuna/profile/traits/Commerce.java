package io.kizuna.profile.traits;

import java.math.BigDecimal;
import java.util.List;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** Segment e-commerce spec event names and how to read money from their properties. */
public final class Commerce {

    public static final String PRODUCT_VIEWED = "Product Viewed";
    public static final String PRODUCT_ADDED = "Product Added";
    public static final String PRODUCT_REMOVED = "Product Removed";
    public static final String CART_VIEWED = "Cart Viewed";
    public static final String CHECKOUT_STARTED = "Checkout Started";
    public static final String ORDER_COMPLETED = "Order Completed";
    public static final String ORDER_REFUNDED = "Order Refunded";

    /** The Segment e-commerce spec events commerce teams send most, in funnel order. */
    public static final List<String> EVENTS = List.of("Products Searched", "Product List Viewed", PRODUCT_VIEWED, PRODUCT_ADDED,
            PRODUCT_REMOVED, CART_VIEWED, CHECKOUT_STARTED, "Payment Info Entered", ORDER_COMPLETED, "Order Updated", "Order Cancelled",
            ORDER_REFUNDED, "Coupon Applied", "Product Added to Wishlist", "Product Reviewed");

    private Commerce() {
    }

    public static boolean changesCart(String name) {
        return PRODUCT_ADDED.equals(name) || PRODUCT_REMOVED.equals(name) || ORDER_COMPLETED.equals(name);
    }

    /** An order's value: {@code total}, else {@code revenue}, else the sum of its products. */
    public static BigDecimal orderValue(JsonObject properties) {
        BigDecimal total = number(properties.getValue("total"));
        if (total == null) {
            total = number(properties.getValue("revenue"));
        }
        if (total == null) {
            total = BigDecimal.ZERO;
            JsonArray products = products(properties);
            for (int i = 0; i < products.size(); i++) {
                if (products.getValue(i) instanceof JsonObject product) {
                    total = total.add(lineValue(product));
                }
            }
        }
        return total;
    }

    public static BigDecimal lineValue(JsonObject product) {
        BigDecimal price = number(product.getValue("price"));
        BigDecimal quantity = number(product.getValue("quantity"));
        if (price == null) {
            return BigDecimal.ZERO;
        }
        return price.multiply(quantity == null ? BigDecimal.ONE : quantity);
    }

    public static JsonArray products(JsonObject properties) {
        Object products = properties.getValue("products");
        return products instanceof JsonArray array ? array : new JsonArray();
    }

    /** The product id as the spec names it ({@code product_id}), falling back to {@code sku} and {@code id}. */
    public static String productId(JsonObject product) {
        for (String field : new String[] { "product_id", "productId", "sku", "id" }) {
            Object value = product.getValue(field);
            if (value != null && !value.toString().isBlank()) {
                return value.toString();
            }
        }
        return null;
    }

    public static BigDecimal number(Object value) {
        if (value instanceof Number number) {
            return new BigDecimal(number.toString());
        }
        if (value instanceof String text && !text.isBlank()) {
            try {
                return new BigDecimal(text.trim());
            } catch (NumberFormatException e) {
                return null;
            }
        }
        return null;
    }
}
