package io.kizuna.profile.identity;

import org.eclipse.microprofile.graphql.Type;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** An identity's type and normalised value, without the profile it belongs to. */
@Type("IdentityKey")
@Schema(name = "IdentityKey", description = "An identity's type and value")
@RegisterForReflection
public record IdentityKey(String type, String value) {

    /** {@code type:value}, the form suppression hashes and reports. */
    public String key() {
        return type + ":" + value;
    }
}
