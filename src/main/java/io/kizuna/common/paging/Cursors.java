package io.kizuna.common.paging;

import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.UUID;

import io.kizuna.common.error.BadInputException;

/** Opaque cursors over time-ordered ids. */
public final class Cursors {

    public static final int DEFAULT_LIMIT = 50;
    public static final int MAX_LIMIT = 500;

    /**
     * Sorts before every id PostgreSQL holds, so a first page is "id > BEFORE_ALL" too. Keyset pages
     * written as "($2 IS NULL OR id > $2)" cannot use the index bound in a generic plan: every
     * page then scans the workspace from its first row.
     */
    public static final UUID BEFORE_ALL = new UUID(0, 0);

    private Cursors() {
    }

    public static String encode(UUID id) {
        ByteBuffer buffer = ByteBuffer.allocate(16);
        buffer.putLong(id.getMostSignificantBits()).putLong(id.getLeastSignificantBits());
        return Base64.getUrlEncoder().withoutPadding().encodeToString(buffer.array());
    }

    /** Decodes a cursor; null or blank means "from the start". */
    public static UUID decode(String cursor, String field) {
        if (cursor == null || cursor.isBlank()) {
            return null;
        }
        try {
            byte[] bytes = Base64.getUrlDecoder().decode(cursor);
            if (bytes.length != 16) {
                throw new IllegalArgumentException();
            }
            ByteBuffer buffer = ByteBuffer.wrap(bytes);
            return new UUID(buffer.getLong(), buffer.getLong());
        } catch (IllegalArgumentException e) {
            throw new BadInputException(field, "is not a cursor returned by this API");
        }
    }

    public static int limit(Integer requested, String field) {
        if (requested == null) {
            return DEFAULT_LIMIT;
        }
        if (requested < 1 || requested > MAX_LIMIT) {
            throw new BadInputException(field, "must be between 1 and " + MAX_LIMIT);
        }
        return requested;
    }
}
