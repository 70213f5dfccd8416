package io.kizuna.condition;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Everything the in-memory matcher needs to decide a condition for one profile: traits, computed
 * traits, current tags and segment memberships, consents, the types of its identities, and the
 * events the condition refers to (see {@link ConditionRequirements}).
 *
 * @param traits       traits as plain JSON values (maps, lists, strings, numbers, booleans)
 * @param consents     key {@link #consentKey(String, String)} → granted
 * @param events       the profile's events with the names the condition refers to, any order
 */
public record ProfileSnapshot(
        UUID id,
        Map<String, Object> traits,
        Computed computed,
        Set<String> tags,
        Set<UUID> segments,
        Map<String, Boolean> consents,
        Set<String> identityTypes,
        List<EventRecord> events) {

    /** The computed traits as stored (lifetime revenue, average order value and interval as PostgreSQL computed them). */
    public record Computed(
            Instant firstSeenAt,
            Instant lastSeenAt,
            Instant firstOrderAt,
            Instant lastOrderAt,
            int orderCount,
            BigDecimal lifetimeRevenue,
            BigDecimal refunded,
            BigDecimal averageOrderValue,
            Double averageOrderIntervalDays,
            BigDecimal cartValue,
            int cartItemCount,
            Instant cartUpdatedAt,
            Integer rfmRecency,
            Integer rfmFrequency,
            Integer rfmMonetary,
            Instant createdAt,
            Map<String, Instant> channelActivity) {
    }

    /** One stored event: its name, event time and properties (plain JSON values). */
    public record EventRecord(String name, Instant occurredAt, Map<String, Object> properties) {
    }

    public static String consentKey(String channel, String topic) {
        return channel + '\u0000' + (topic == null ? "" : topic);
    }
}
