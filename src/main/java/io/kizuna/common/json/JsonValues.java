package io.kizuna.common.json;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.kizuna.common.time.IsoInstants;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * Turns JSON read from PostgreSQL (Vert.x {@link JsonObject}/{@link JsonArray}, possibly holding
 * plain maps and lists) into plain Java maps and lists that Jackson serializes without extra
 * modules, and reads stored values leniently: a malformed stored value becomes null instead of
 * failing the whole read.
 */
public final class JsonValues {

    private JsonValues() {
    }

    /** A JSON value as plain Java: maps, lists, strings, numbers, booleans and null. */
    public static Object plain(Object value) {
        if (value instanceof JsonObject object) {
            return plainMap(object.getMap());
        }
        if (value instanceof JsonArray array) {
            return plainList(array.getList());
        }
        if (value instanceof Map<?, ?> map) {
            return plainMap(map);
        }
        if (value instanceof List<?> list) {
            return plainList(list);
        }
        return value;
    }

    /** A JSON object as a plain map; anything else (null, an array) as an empty map. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> object(Object value) {
        Object plain = plain(value);
        return plain instanceof Map<?, ?> map ? (Map<String, Object>) map : new LinkedHashMap<>();
    }

    /** A JSON object as a plain map, or null when the value is absent or not an object. */
    public static Map<String, Object> objectOrNull(Object value) {
        return value == null ? null : object(value);
    }

    /** A JSON array as a plain list; anything else as an empty list. */
    @SuppressWarnings("unchecked")
    public static List<Object> array(Object value) {
        Object plain = plain(value);
        return plain instanceof List<?> list ? (List<Object>) list : new ArrayList<>();
    }

    public static String text(Object value) {
        return value == null ? null : value.toString();
    }

    public static Instant instant(Object value) {
        return value instanceof CharSequence text ? IsoInstants.parse(text) : null;
    }

    public static BigDecimal decimal(Object value) {
        if (value instanceof BigDecimal decimal) {
            return decimal;
        }
        if (value instanceof Number || value instanceof CharSequence) {
            try {
                return new BigDecimal(value.toString());
            } catch (NumberFormatException e) {
                return null;
            }
        }
        return null;
    }

    public static Integer integer(Object value) {
        BigDecimal decimal = decimal(value);
        if (decimal == null) {
            return null;
        }
        try {
            return decimal.intValueExact();
        } catch (ArithmeticException e) {
            return null;
        }
    }

    /** The JSON text of a plain Java value. */
    public static String encode(Object value) {
        return Json.encode(value);
    }

    private static Map<String, Object> plainMap(Map<?, ?> map) {
        Map<String, Object> result = new LinkedHashMap<>();
        map.forEach((key, item) -> result.put(String.valueOf(key), plain(item)));
        return result;
    }

    private static List<Object> plainList(List<?> list) {
        List<Object> result = new ArrayList<>(list.size());
        list.forEach(item -> result.add(plain(item)));
        return result;
    }
}
