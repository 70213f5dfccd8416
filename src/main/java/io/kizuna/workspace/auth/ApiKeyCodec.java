package io.kizuna.workspace.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;

/**
 * Key format: {@code kzn_} followed by 40 base62 characters (about 238 bits of randomness).
 * The first 12 characters are the key's public prefix, shown in listings so people can tell
 * keys apart; the whole key is hashed with SHA-256 for storage and lookup.
 */
public final class ApiKeyCodec {

    public static final String KEY_PREFIX = "kzn_";
    private static final int SECRET_LENGTH = 40;
    private static final int DISPLAY_PREFIX_LENGTH = KEY_PREFIX.length() + 8;
    private static final char[] ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".toCharArray();
    private static final SecureRandom RANDOM = new SecureRandom();

    private ApiKeyCodec() {
    }

    public static String generate() {
        StringBuilder key = new StringBuilder(KEY_PREFIX);
        for (int i = 0; i < SECRET_LENGTH; i++) {
            key.append(ALPHABET[RANDOM.nextInt(ALPHABET.length)]);
        }
        return key.toString();
    }

    public static String displayPrefix(String key) {
        return key.substring(0, Math.min(DISPLAY_PREFIX_LENGTH, key.length()));
    }

    public static boolean looksLikeKey(String candidate) {
        return candidate.startsWith(KEY_PREFIX) && candidate.length() == KEY_PREFIX.length() + SECRET_LENGTH;
    }

    public static byte[] hash(String key) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is always available", e);
        }
    }

    public static boolean constantTimeEquals(String a, String b) {
        return MessageDigest.isEqual(hash(a), hash(b));
    }
}
