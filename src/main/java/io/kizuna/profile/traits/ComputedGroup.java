package io.kizuna.profile.traits;

import java.util.EnumSet;
import java.util.Set;

/**
 * The computed traits that move together. Ingestion reports which groups an event batch moved on
 * each profile, so the real-time audience engine decides again only the conditions reading one of
 * them: a page view moves {@link #SEEN} and {@link #CHANNELS}, never the order figures.
 */
public enum ComputedGroup {
    /** First and last seen, days since last seen. */
    SEEN,
    /** Order count, first and last order, revenue, refunds, average order value and interval, predicted next order. */
    ORDERS,
    /** The cart's lines, value and last change. */
    CART,
    /** Last activity per channel. */
    CHANNELS,
    /** RFM scores, moved only by their recompute. */
    RFM,
    /** When the profile was created, moved only by a merge. */
    CREATED;

    public static Set<ComputedGroup> all() {
        return EnumSet.allOf(ComputedGroup.class);
    }
}
