package io.kizuna.workspace.auth;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * What a workspace key may do. {@code ingest} is the tracking API's write key, safe to ship to
 * browsers; {@code read} reads data; {@code admin} manages the workspace and implies the others.
 */
public enum Scope {
    INGEST,
    READ,
    ADMIN;

    @JsonValue
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator
    public static Scope fromWire(String value) {
        if (value == null) {
            return null;
        }
        for (Scope scope : values()) {
            if (scope.wireName().equals(value)) {
                return scope;
            }
        }
        throw new IllegalArgumentException("unknown scope '" + value + "'; use ingest, read or admin");
    }

    /** The scopes a key effectively holds, given the scopes it was issued with. */
    public static Set<Scope> effective(Set<Scope> granted) {
        EnumSet<Scope> effective = granted.isEmpty() ? EnumSet.noneOf(Scope.class) : EnumSet.copyOf(granted);
        if (effective.contains(ADMIN)) {
            effective.addAll(EnumSet.allOf(Scope.class));
        }
        return effective;
    }
}
