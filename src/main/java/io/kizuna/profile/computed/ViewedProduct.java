package io.kizuna.profile.computed;

import java.math.BigDecimal;
import java.time.Instant;

import org.eclipse.microprofile.graphql.Type;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import io.quarkus.runtime.annotations.RegisterForReflection;

@Type("ViewedProduct")
@Schema(name = "ViewedProduct", description = "A product viewed and not bought since")
@RegisterForReflection
public record ViewedProduct(String productId, String name, BigDecimal price, Instant viewedAt) {
}
