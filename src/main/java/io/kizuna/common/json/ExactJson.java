package io.kizuna.common.json;

import java.io.IOException;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;

/**
 * Reads JSON with every number kept as written: decimals as {@link java.math.BigDecimal}, large
 * integers as {@link java.math.BigInteger}. The database client's own JSON decoding and a default
 * Jackson mapper turn 0.100000000000000000001 into the double 0.1 and 1e400 into infinity, so a
 * profile whose traits are read, changed and written back would lose digits it was sent.
 * Request bodies are read the same way ({@link ExactNumbers}).
 */
public final class ExactJson {

    private static final ObjectMapper EXACT = new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
    private static final TypeReference<Map<String, Object>> OBJECT = new TypeReference<>() {
    };

    private ExactJson() {
    }

    /** A JSON object as text (for example {@code jsonb::text}) as a plain map. */
    public static Map<String, Object> map(String text) {
        try {
            return EXACT.readValue(text, OBJECT);
        } catch (IOException e) {
            throw new IllegalStateException("JSON from PostgreSQL that Jackson cannot read", e);
        }
    }

    /** A JSON object sent by a user (an import line); anything else is a {@link DecodeException}. */
    public static JsonObject decodeObject(String text) {
        Map<String, Object> map;
        try {
            map = EXACT.readValue(text, OBJECT);
        } catch (IOException e) {
            throw new DecodeException("not a JSON object: " + (e instanceof JsonProcessingException json ? json.getOriginalMessage() : e.getMessage()));
        }
        if (map == null) {
            throw new DecodeException("not a JSON object: null");
        }
        return new JsonObject(map);
    }

    /** A JSON object as text, or null for SQL NULL. */
    public static JsonObject object(String text) {
        return text == null ? null : new JsonObject(map(text));
    }
}
