package io.kizuna.profile.identity;

/** One typed identifier of a person, already normalised (see {@link IdentityNormalizer}). */
public record Identity(String type, String value) {

    public String key() {
        return type + ":" + value;
    }
}
