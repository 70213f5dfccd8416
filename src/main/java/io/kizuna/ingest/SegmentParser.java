package io.kizuna.ingest;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.kizuna.common.error.BadInputException;
import io.kizuna.common.json.Utf8Json;
import io.kizuna.profile.identity.Identity;
import io.kizuna.profile.identity.IdentityNormalizer;
import io.kizuna.profile.identity.IdentityTypes;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * Reads Segment HTTP tracking API payloads: validates each message, corrects its timestamp for
 * the sender's clock skew, derives its channel and collects its identities. A batch is read as a
 * stream, so each item's size is known without serialising it again.
 */
@ApplicationScoped
public class SegmentParser {

    static final Set<String> TYPES = Set.of("identify", "track", "page", "screen", "group", "alias");
    private static final int MAX_ID_LENGTH = 255;

    public record ParsedBatch(List<TrackingMessage> messages, List<ItemError> errors) {
    }

    private final ObjectMapper mapper;
    private final IdentityNormalizer normalizer;
    private final IngestLimits limits;

    public SegmentParser(ObjectMapper mapper, IdentityNormalizer normalizer, IngestLimits limits) {
        this.mapper = mapper;
        this.normalizer = normalizer;
        this.limits = limits;
    }

    public TrackingMessage single(String type, byte[] body, Instant receivedAt) {
        if (body.length > limits.maxEventBytes()) {
            throw new BadInputException("body", "the message is " + body.length + " bytes; the limit is " + limits.maxEventBytes());
        }
        Item item;
        try (JsonParser parser = mapper.getFactory().createParser(body)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw new BadInputException("body", "must be a JSON object");
            }
            item = readItem(parser, body);
        } catch (IOException e) {
            throw new BadInputException("body", "is not valid JSON");
        }
        Object declared = item.object().getValue("type");
        if (declared != null && !type.equals(declared)) {
            throw new BadInputException("type", "must be '" + type + "' on this endpoint");
        }
        return message(item.object(), item.raw(), item.nulField(), type, "", receivedAt, null, null, true);
    }

    /**
     * Reads a message built by an import. Imported records may identify people by identities
     * other than userId and anonymousId (a member number, a phone), so neither is required.
     */
    public TrackingMessage imported(JsonObject raw, String type, String fieldPrefix, Instant receivedAt) {
        return message(raw, TrackingMessage.RawJson.NONE, null, type, fieldPrefix, receivedAt, null, null, false);
    }

    public ParsedBatch batch(byte[] body, Instant receivedAt) {
        if (body.length > limits.maxBatchBytes()) {
            throw new BadInputException("batch", "the batch is " + body.length + " bytes; the limit is " + limits.maxBatchBytes());
        }
        List<Item> items = new ArrayList<>();
        List<Integer> sizes = new ArrayList<>();
        JsonObject envelope = new JsonObject();
        boolean sawBatch = false;
        try (JsonParser parser = mapper.getFactory().createParser(body)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw new BadInputException("body", "must be a JSON object with a batch array");
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                JsonToken value = parser.nextToken();
                if ("batch".equals(field)) {
                    if (value != JsonToken.START_ARRAY) {
                        throw new BadInputException("batch", "must be an array of messages");
                    }
                    sawBatch = true;
                    while (parser.nextToken() != JsonToken.END_ARRAY) {
                        long start = parser.currentTokenLocation().getByteOffset();
                        if (parser.currentToken() == JsonToken.START_OBJECT) {
                            items.add(readItem(parser, body));
                        } else {
                            parser.skipChildren();
                            items.add(null);
                        }
                        long end = parser.currentLocation().getByteOffset();
                        sizes.add((int) (end - start));
                    }
                } else {
                    Object other = parser.readValueAs(Object.class);
                    envelope.put(field, other instanceof Map<?, ?> map ? new JsonObject(cast(map)) : other);
                }
            }
        } catch (IOException e) {
            String reason = e instanceof com.fasterxml.jackson.core.JsonProcessingException json ? json.getOriginalMessage() : e.getMessage();
            throw new BadInputException("body", "is not valid JSON: " + reason);
        }
        if (!sawBatch) {
            throw new BadInputException("batch", "is required");
        }
        if (items.size() > limits.maxBatchItems()) {
            throw new BadInputException("batch", "holds " + items.size() + " messages; the limit is " + limits.maxBatchItems());
        }
        Instant batchSentAt = instant(envelope.getValue("sentAt"), "sentAt");
        JsonObject batchContext = envelope.getValue("context") instanceof JsonObject context ? context : null;
        List<TrackingMessage> messages = new ArrayList<>();
        List<ItemError> errors = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            String prefix = "batch[" + i + "].";
            Item parsed = items.get(i);
            if (parsed == null) {
                errors.add(new ItemError(i, "batch[" + i + "]", "must be a JSON object"));
                continue;
            }
            if (sizes.get(i) > limits.maxEventBytes()) {
                errors.add(new ItemError(i, "batch[" + i + "]", "the message is " + sizes.get(i) + " bytes; the limit is " + limits.maxEventBytes()));
                continue;
            }
            JsonObject item = parsed.object();
            Object type = item.getValue("type");
            if (!(type instanceof String text) || !TYPES.contains(text)) {
                errors.add(new ItemError(i, prefix + "type", "must be one of identify, track, page, screen, group, alias"));
                continue;
            }
            try {
                messages.add(message(item, batchContext == null ? parsed.raw() : parsed.raw().withoutContext(), parsed.nulField(), text, prefix, receivedAt,
                        batchSentAt, batchContext, true));
            } catch (BadInputException e) {
                errors.add(new ItemError(i, e.violations().get(0).field(), e.violations().get(0).message()));
            }
        }
        return new ParsedBatch(messages, errors);
    }

    private TrackingMessage message(JsonObject raw, TrackingMessage.RawJson rawJson, String nulField, String type, String prefix, Instant receivedAt, Instant batchSentAt, JsonObject batchContext,
            boolean requireSegmentIds) {
        String userId = id(raw.getValue("userId"), prefix + "userId");
        String anonymousId = id(raw.getValue("anonymousId"), prefix + "anonymousId");
        String previousId = id(raw.getValue("previousId"), prefix + "previousId");
        String groupId = id(raw.getValue("groupId"), prefix + "groupId");
        String messageId = id(raw.getValue("messageId"), prefix + "messageId");
        if (type.equals("alias")) {
            if (userId == null) {
                throw new BadInputException(prefix + "userId", "is required for alias");
            }
            if (previousId == null) {
                throw new BadInputException(prefix + "previousId", "is required for alias");
            }
        } else if (userId == null && anonymousId == null && requireSegmentIds) {
            throw new BadInputException(prefix + "userId", "userId or anonymousId is required");
        }
        String name = null;
        if (type.equals("track")) {
            name = text(raw.getValue("event"), prefix + "event");
            if (name == null || name.isBlank()) {
                throw new BadInputException(prefix + "event", "is required for track");
            }
        } else if (type.equals("page") || type.equals("screen")) {
            name = text(raw.getValue("name"), prefix + "name");
        }
        if (type.equals("group") && groupId == null) {
            throw new BadInputException(prefix + "groupId", "is required for group");
        }
        if (nulField != null) {
            // PostgreSQL's jsonb cannot hold the NUL character; say so instead of failing the whole request in the database.
            throw new BadInputException(prefix + nulField, "must not contain the NUL character (\\u0000)");
        }
        JsonObject properties = object(raw.getValue("properties"), prefix + "properties");
        JsonObject traits = object(raw.getValue("traits"), prefix + "traits");
        JsonObject context = object(raw.getValue("context"), prefix + "context");
        if (context == null && batchContext != null) {
            context = batchContext.copy();
        } else if (context != null && batchContext != null) {
            JsonObject combined = batchContext.copy();
            combined.mergeIn(context);
            context = combined;
        }
        Instant original = instant(raw.getValue("timestamp"), prefix + "timestamp");
        Instant sentAt = instant(raw.getValue("sentAt"), prefix + "sentAt");
        if (sentAt == null) {
            sentAt = batchSentAt;
        }
        Instant timestamp = correct(original, sentAt, receivedAt);
        if (messageId == null) {
            messageId = "kizuna-" + UUID.randomUUID();
        }
        List<Identity> identities = identities(type, userId, anonymousId, traits, context);
        if (identities.isEmpty()) {
            throw new BadInputException(prefix + "userId", "the record carries no usable identifier");
        }
        if (properties == null) {
            properties = new JsonObject();
        }
        return new TrackingMessage(type, messageId, userId, anonymousId, previousId, groupId, name, timestamp, sentAt,
                properties, traits, context, channel(type, context), identities, rawJson);
    }

    /** Segment's skew correction: the sender's clock is trusted for the gap between the event and the send, not for the absolute time. */
    static Instant correct(Instant original, Instant sentAt, Instant receivedAt) {
        if (sentAt != null && original != null) {
            return receivedAt.minus(Duration.between(original, sentAt));
        }
        if (sentAt != null) {
            return receivedAt;
        }
        return original != null ? original : receivedAt;
    }

    static String channel(String type, JsonObject context) {
        if (context != null) {
            Object declared = context.getValue("channel");
            if (declared instanceof String text && !text.isBlank()) {
                return text.trim().toLowerCase(java.util.Locale.ROOT);
            }
            if (context.getValue("app") != null || context.getValue("device") != null || context.getValue("os") != null) {
                return "mobile";
            }
            if (context.getValue("page") != null || context.getValue("userAgent") != null) {
                return "web";
            }
        }
        return switch (type) {
            case "screen" -> "mobile";
            case "page" -> "web";
            default -> "server";
        };
    }

    private List<Identity> identities(String type, String userId, String anonymousId, JsonObject traits, JsonObject context) {
        Set<Identity> identities = new LinkedHashSet<>();
        if (userId != null) {
            normalizer.tryNormalize(IdentityTypes.USER_ID, userId).ifPresent(identities::add);
        }
        if (anonymousId != null) {
            normalizer.tryNormalize(IdentityTypes.ANONYMOUS_ID, anonymousId).ifPresent(identities::add);
        }
        JsonObject identifying = type.equals("identify") ? traits
                : context != null && context.getValue("traits") instanceof JsonObject contextTraits ? contextTraits : null;
        if (identifying != null) {
            addTrait(identities, IdentityTypes.EMAIL, identifying, "email");
            addTrait(identities, IdentityTypes.PHONE, identifying, "phone");
            addTrait(identities, IdentityTypes.LINE_USER_ID, identifying, "lineUserId", "line_user_id");
            addTrait(identities, IdentityTypes.SHOPIFY_CUSTOMER_ID, identifying, "shopifyCustomerId", "shopify_customer_id");
        }
        if (context != null && context.getValue("externalIds") instanceof JsonArray externalIds) {
            for (Object entry : externalIds) {
                if (entry instanceof JsonObject external && external.getValue("id") != null && external.getValue("type") instanceof String externalType) {
                    normalizer.tryNormalize(externalType.replace('-', '_'), external.getValue("id").toString()).ifPresent(identities::add);
                }
            }
        }
        return List.copyOf(identities);
    }

    private void addTrait(Set<Identity> identities, String type, JsonObject traits, String... fields) {
        for (String field : fields) {
            Object value = traits.getValue(field);
            if (value != null) {
                normalizer.tryNormalize(type, value.toString()).ifPresent(identities::add);
                return;
            }
        }
    }

    /** A message object as read, with the text of the fields stored verbatim. */
    private record Item(JsonObject object, TrackingMessage.RawJson raw, String nulField) {
    }

    private static final Set<String> VERBATIM = Set.of("properties", "traits", "context");

    /**
     * Reads the object at the parser's START_OBJECT, keeping the JSON text of {@link #VERBATIM}
     * fields that are objects. Byte offsets are exact because the parser reads the body's bytes.
     */
    private Item readItem(JsonParser parser, byte[] body) throws IOException {
        Map<String, Object> fields = new java.util.LinkedHashMap<>();
        Buffer properties = null;
        Buffer traits = null;
        Buffer context = null;
        String nulField = null;
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String field = parser.currentName();
            JsonToken token = parser.nextToken();
            if (token == JsonToken.START_OBJECT && VERBATIM.contains(field)) {
                int start = (int) parser.currentTokenLocation().getByteOffset();
                Object value = parser.readValueAs(Object.class);
                int end = (int) parser.currentLocation().getByteOffset();
                Buffer text = Utf8Json.slice(body, start, end);
                if (nulField == null && holdsNul(body, start, end)) {
                    nulField = field;
                }
                switch (field) {
                    case "properties" -> properties = text;
                    case "traits" -> traits = text;
                    default -> context = text;
                }
                fields.put(field, value);
            } else {
                fields.put(field, parser.readValueAs(Object.class));
            }
        }
        return new Item(new JsonObject(fields), new TrackingMessage.RawJson(properties, traits, context), nulField);
    }

    private static final byte[] NUL_ESCAPE = "\\u0000".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    /** Whether the bytes from {@code from} to {@code to} hold the JSON escape of the NUL character, which jsonb cannot hold. */
    private static boolean holdsNul(byte[] body, int from, int to) {
        outer:
        for (int i = from; i <= to - NUL_ESCAPE.length; i++) {
            for (int j = 0; j < NUL_ESCAPE.length; j++) {
                if (body[i + j] != NUL_ESCAPE[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    private static String id(Object value, String field) {
        if (value == null) {
            return null;
        }
        if (!(value instanceof String) && !(value instanceof Number)) {
            throw new BadInputException(field, "must be a string");
        }
        String text = value.toString().trim();
        if (text.isEmpty()) {
            return null;
        }
        if (text.length() > MAX_ID_LENGTH) {
            throw new BadInputException(field, "must be at most " + MAX_ID_LENGTH + " characters");
        }
        return text;
    }

    private static String text(Object value, String field) {
        if (value == null) {
            return null;
        }
        if (!(value instanceof String text)) {
            throw new BadInputException(field, "must be a string");
        }
        if (text.length() > 200) {
            throw new BadInputException(field, "must be at most 200 characters");
        }
        return text;
    }

    private static JsonObject object(Object value, String field) {
        if (value == null) {
            return null;
        }
        if (value instanceof JsonObject object) {
            return object;
        }
        throw new BadInputException(field, "must be a JSON object");
    }

    static Instant instant(Object value, String field) {
        if (value == null) {
            return null;
        }
        Instant parsed = value instanceof String ? io.kizuna.common.json.JsonValues.instant(value) : null;
        if (parsed == null) {
            throw new BadInputException(field, "must be an ISO-8601 date-time such as 2026-11-23T09:00:00.000Z");
        }
        return parsed;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> cast(Map<?, ?> map) {
        return (Map<String, Object>) map;
    }
}
