package io.kizuna.profile.identity;

import java.util.List;

/**
 * The identities one message carries. {@code aliasOf} is an alias call's previous id, whose type
 * is unknown: it is looked up as a user id first, then as an anonymous id.
 */
public record IdentityClaim(List<Identity> identities, String aliasOf) {
}
