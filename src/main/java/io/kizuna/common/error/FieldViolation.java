package io.kizuna.common.error;

/** One offending input field: its path (for example {@code timeZone} or {@code items[2].scopes}) and what is wrong. */
public record FieldViolation(String field, String message) {
}
