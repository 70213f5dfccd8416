package io.kizuna.common.json;

import jakarta.inject.Singleton;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.jackson.ObjectMapperCustomizer;

/**
 * JSON keeps every digit of its numbers: decimals are read as {@link java.math.BigDecimal} (large
 * integers are {@link java.math.BigInteger} anyway), never as a rounded double. Quarkus's Vert.x
 * JSON codec uses this mapper too, so this covers request bodies, import lines and the jsonb the
 * database client decodes: without it, an identify that changed one trait wrote the profile's
 * other traits back with 0.100000000000000000001 turned into 0.1.
 */
@Singleton
public class ExactNumbers implements ObjectMapperCustomizer {

    @Override
    public void customize(ObjectMapper mapper) {
        mapper.enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
    }
}
