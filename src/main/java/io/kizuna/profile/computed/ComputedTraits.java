package io.kizuna.profile.computed;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

import org.eclipse.microprofile.graphql.Description;
import org.eclipse.microprofile.graphql.NonNull;
import org.eclipse.microprofile.graphql.Type;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import io.quarkus.runtime.annotations.RegisterForReflection;

@Type("ComputedTraits")
@Schema(name = "ComputedTraits", description = "Traits Kizuna derives from the profile's events")
@RegisterForReflection
public record ComputedTraits(
        @Description("First event of any kind") Instant firstSeenAt,
        @Description("Latest event of any kind") Instant lastSeenAt,
        @Description("Whole days since lastSeenAt, as of now") @Schema(description = "Whole days since lastSeenAt, as of now") Integer daysSinceLastSeen,
        Instant firstOrderAt,
        Instant lastOrderAt,
        int orderCount,
        @Description("Gross revenue minus refunds") @Schema(description = "Gross revenue minus refunds") BigDecimal lifetimeRevenue,
        BigDecimal refunded,
        @Description("lifetimeRevenue / orderCount") @Schema(description = "lifetimeRevenue / orderCount; absent without orders") BigDecimal averageOrderValue,
        @Description("Average days between orders; needs two orders") @Schema(description = "Average days between orders; needs two orders") Double averageOrderIntervalDays,
        @Description("lastOrderAt plus the average interval; needs two orders") @Schema(description = "lastOrderAt plus the average interval; needs two orders") Instant predictedNextOrderAt,
        @NonNull CartView cart,
        @Description("Products viewed in the window and not bought since the view, newest view first") @Schema(description = "Products viewed in the window (viewedDays, default 30) and not bought since the view, newest view first") List<ViewedProduct> viewedNotBought,
        @Description("Last activity per channel, most recent first") @Schema(description = "Last activity per channel, most recent first") List<ChannelActivity> channels,
        @Description("RFM scores, absent until scored") @Schema(description = "RFM scores, absent until scored") RfmScores rfm) {
}
