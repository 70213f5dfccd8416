package io.kizuna.ingest.imports;

import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import io.kizuna.common.error.BadInputException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** Turns one CSV row into a Segment message following the job's column mapping. */
final class RowConverter {

    private static final Set<String> IDENTIFYING = Set.of("user_id", "email", "phone", "line_user_id", "shopify_customer_id");

    private final ImportKind kind;
    private final List<String> header;
    private final Map<String, String> targets;

    RowConverter(ImportKind kind, List<String> header, Map<String, String> columns) {
        this.kind = kind;
        this.header = header;
        this.targets = new LinkedHashMap<>();
        for (String column : header) {
            String target = columns == null || columns.isEmpty() ? defaultTarget(column) : columns.getOrDefault(column, "ignore");
            targets.put(column, target);
        }
    }

    /** Checks the mapping against the header before any row is read. */
    static void validate(Map<String, String> columns) {
        if (columns == null) {
            return;
        }
        columns.forEach((column, target) -> {
            if (target == null || !validTarget(target)) {
                throw new BadInputException("columns." + column, "unknown target '" + target
                        + "'; use userId, anonymousId, timestamp, event, messageId, identity:<type>, trait:<name>, property:<name> or ignore");
            }
        });
    }

    private static boolean validTarget(String target) {
        return switch (target) {
            case "userId", "anonymousId", "timestamp", "event", "messageId", "ignore" -> true;
            default -> target.matches("identity:[a-z][a-z0-9_]{0,49}") || target.matches("(trait|property):[^:]{1,100}(:(number|boolean|string))?");
        };
    }

    private String defaultTarget(String column) {
        String normalized = column.trim();
        String lower = normalized.toLowerCase(Locale.ROOT);
        if (lower.equals("userid") || lower.equals("user_id")) {
            return "userId";
        }
        if (lower.equals("timestamp")) {
            return "timestamp";
        }
        if (kind == ImportKind.EVENTS && lower.equals("event")) {
            return "event";
        }
        if (kind == ImportKind.PROFILES && IDENTIFYING.contains(lower)) {
            return "identity+trait:" + lower;
        }
        return (kind == ImportKind.PROFILES ? "trait:" : "property:") + normalized;
    }

    JsonObject convert(List<String> row, int rowNumber) {
        if (row.size() != header.size()) {
            throw new BadInputException("row", "has " + row.size() + " columns; the header has " + header.size());
        }
        JsonObject message = new JsonObject();
        JsonObject traits = new JsonObject();
        JsonObject properties = new JsonObject();
        JsonArray externalIds = new JsonArray();
        for (int i = 0; i < header.size(); i++) {
            String column = header.get(i);
            String value = row.get(i).trim();
            String target = targets.get(column);
            if (value.isEmpty() || target.equals("ignore")) {
                continue;
            }
            if (target.startsWith("identity+trait:")) {
                String type = target.substring("identity+trait:".length());
                externalIds.add(new JsonObject().put("id", value).put("type", type));
                traits.put(type.equals("user_id") ? "userId" : type, value);
            } else if (target.startsWith("identity:")) {
                externalIds.add(new JsonObject().put("id", value).put("type", target.substring("identity:".length())));
            } else if (target.startsWith("trait:")) {
                put(traits, target.substring("trait:".length()), value, column);
            } else if (target.startsWith("property:")) {
                put(properties, target.substring("property:".length()), value, column);
            } else {
                message.put(target, value);
            }
        }
        message.put("traits", traits);
        message.put("properties", properties);
        if (!externalIds.isEmpty()) {
            message.put("context", new JsonObject().put("externalIds", externalIds).put("traits", traits));
        }
        return message;
    }

    private static void put(JsonObject into, String spec, String value, String column) {
        int colon = spec.lastIndexOf(':');
        String type = colon < 0 ? "string" : spec.substring(colon + 1);
        String name = colon < 0 || !Set.of("number", "boolean", "string").contains(type) ? spec : spec.substring(0, colon);
        if (!Set.of("number", "boolean", "string").contains(type)) {
            type = "string";
        }
        switch (type) {
            case "number" -> {
                try {
                    into.put(name, new BigDecimal(value.replace(",", "")));
                } catch (NumberFormatException e) {
                    throw new BadInputException(column, "'" + value + "' is not a number");
                }
            }
            case "boolean" -> {
                String lower = value.toLowerCase(Locale.ROOT);
                if (Set.of("true", "1", "yes", "y").contains(lower)) {
                    into.put(name, true);
                } else if (Set.of("false", "0", "no", "n").contains(lower)) {
                    into.put(name, false);
                } else {
                    throw new BadInputException(column, "'" + value + "' is not true or false");
                }
            }
            default -> into.put(name, value);
        }
    }
}
