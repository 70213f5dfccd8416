package io.kizuna.ingest;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.UUID;

/**
 * The key under which a messageId is claimed in {@code message_claims}: a pure function of the
 * workspace and the messageId, so a resend always finds its claim.
 *
 * <p>The key is the MD5 of {@code "<workspace id>:<messageId>"}, except that its first 32 bits are
 * the minute the messageId was created when the messageId says so: analytics.js and
 * analytics-node write {@code ajs-next-<epoch ms>-<uuid>} and {@code node-next-<epoch ms>-<uuid>},
 * and a UUIDv7 starts with its epoch ms. New claims then land at the end of the unique index
 * instead of on a random page of it, which matters once the index outgrows shared_buffers: every
 * random page costs a read and, after each checkpoint, a full-page image in the WAL. Other
 * messageIds keep the plain MD5. The SQL function {@code message_claim_key} (V11) computes the
 * same key.
 */
final class MessageClaimKeys {

    private static final ThreadLocal<MessageDigest> MD5 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JVM has no MD5", e);
        }
    });

    /** Creation times outside these bounds are not believed (a digit run that is not a time). */
    private static final long EARLIEST_MILLIS = 946_684_800_000L; // 2000-01-01
    private static final long LATEST_MILLIS = 4_102_444_800_000L; // 2100-01-01
    private static final long NO_TIME = -1;

    private MessageClaimKeys() {
    }

    static UUID of(UUID workspaceId, String messageId) {
        MessageDigest md5 = MD5.get();
        md5.reset();
        ByteBuffer digest = ByteBuffer.wrap(md5.digest((workspaceId + ":" + messageId).getBytes(StandardCharsets.UTF_8)));
        long high = digest.getLong();
        long low = digest.getLong();
        long millis = creationMillis(messageId);
        if (millis != NO_TIME) {
            high = (millis / 60_000) << 32 | (high & 0xFFFF_FFFFL);
        }
        return new UUID(high, low);
    }

    /** The epoch ms a messageId carries: a UUIDv7's, or a dash-delimited run of exactly 13 digits; else {@link #NO_TIME}. */
    static long creationMillis(String messageId) {
        long millis = isUuidV7(messageId) ? uuidV7Millis(messageId) : thirteenDigitToken(messageId);
        return millis >= EARLIEST_MILLIS && millis < LATEST_MILLIS ? millis : NO_TIME;
    }

    private static boolean isUuidV7(String id) {
        if (id.length() != 36 || id.charAt(14) != '7') {
            return false;
        }
        for (int i = 0; i < 36; i++) {
            char c = id.charAt(i);
            boolean dash = i == 8 || i == 13 || i == 18 || i == 23;
            if (dash ? c != '-' : !isHexDigit(c)) {
                return false;
            }
        }
        return true;
    }

    private static boolean isHexDigit(char c) {
        return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F';
    }

    private static long uuidV7Millis(String id) {
        return Long.parseLong(id.substring(0, 8) + id.substring(9, 13), 16);
    }

    private static long thirteenDigitToken(String id) {
        int start = 0;
        while (start <= id.length()) {
            int end = id.indexOf('-', start);
            if (end < 0) {
                end = id.length();
            }
            if (end - start == 13 && allDigits(id, start, end)) {
                return Long.parseLong(id, start, end, 10);
            }
            start = end + 1;
        }
        return NO_TIME;
    }

    private static boolean allDigits(String text, int from, int to) {
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }
}
