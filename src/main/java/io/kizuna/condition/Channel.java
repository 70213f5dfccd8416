package io.kizuna.condition;

import java.util.Locale;

/** A messaging channel and the identity type that gives its address. */
public enum Channel {
    EMAIL("email"),
    SMS("phone"),
    LINE("line_user_id"),
    MESSENGER("messenger_psid");

    private final String identityType;

    Channel(String identityType) {
        this.identityType = identityType;
    }

    public String identityType() {
        return identityType;
    }

    public String json() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Channel fromJson(String name) {
        for (Channel channel : values()) {
            if (channel.json().equals(name)) {
                return channel;
            }
        }
        return null;
    }
}
