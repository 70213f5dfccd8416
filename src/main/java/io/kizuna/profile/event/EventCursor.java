package io.kizuna.profile.event;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Base64;
import java.util.UUID;

import io.kizuna.common.error.BadInputException;

/** An opaque position in a newest-first event list: the event's time and id. */
public record EventCursor(Instant occurredAt, UUID id) {

    private static final int LENGTH = Long.BYTES + Integer.BYTES + 2 * Long.BYTES;

    public String encode() {
        ByteBuffer buffer = ByteBuffer.allocate(LENGTH);
        buffer.putLong(occurredAt.getEpochSecond()).putInt(occurredAt.getNano())
                .putLong(id.getMostSignificantBits()).putLong(id.getLeastSignificantBits());
        return Base64.getUrlEncoder().withoutPadding().encodeToString(buffer.array());
    }

    /** Decodes a cursor; null or blank means "from the newest". */
    public static EventCursor decode(String cursor, String field) {
        if (cursor == null || cursor.isBlank()) {
            return null;
        }
        try {
            byte[] bytes = Base64.getUrlDecoder().decode(cursor);
            if (bytes.length != LENGTH) {
                throw new IllegalArgumentException();
            }
            ByteBuffer buffer = ByteBuffer.wrap(bytes);
            Instant at = Instant.ofEpochSecond(buffer.getLong(), buffer.getInt());
            return new EventCursor(at, new UUID(buffer.getLong(), buffer.getLong()));
        } catch (RuntimeException e) {
            throw new BadInputException(field, "is not a cursor returned by this API");
        }
    }
}
