package io.kizuna.profile.computed;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

import org.eclipse.microprofile.graphql.NonNull;
import org.eclipse.microprofile.graphql.Type;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import io.quarkus.runtime.annotations.RegisterForReflection;

@Type("Cart")
@Schema(name = "Cart", description = "The profile's current cart")
@RegisterForReflection
public record CartView(@NonNull List<@NonNull CartItem> items, BigDecimal value, Instant updatedAt) {
}
