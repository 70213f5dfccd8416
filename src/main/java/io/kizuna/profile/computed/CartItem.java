package io.kizuna.profile.computed;

import java.math.BigDecimal;
import java.time.Instant;

import org.eclipse.microprofile.graphql.Type;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import io.quarkus.runtime.annotations.RegisterForReflection;

@Type("CartItem")
@Schema(name = "CartItem")
@RegisterForReflection
public record CartItem(String productId, String sku, String name, BigDecimal price, Integer quantity, Instant addedAt) {
}
