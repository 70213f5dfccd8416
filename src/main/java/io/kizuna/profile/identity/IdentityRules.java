package io.kizuna.profile.identity;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * A workspace's merge rules. {@code mergeOn}: identity types that may join two profiles into one.
 * {@code maxPerProfile}: how many identities of a type one profile may hold; a merge or attachment
 * that would exceed it is refused, which stops a shared email or device from fusing strangers.
 */
@Schema(name = "IdentityRules")
public record IdentityRules(
        @Schema(description = "Identity types that may merge profiles", example = "[\"user_id\",\"email\",\"phone\"]") List<String> mergeOn,
        @Schema(description = "Maximum identities of a type per profile; absent types are unlimited", example = "{\"user_id\":1,\"email\":1}") Map<String, Integer> maxPerProfile) {

    public static IdentityRules defaults() {
        Map<String, Integer> limits = new LinkedHashMap<>();
        limits.put(IdentityTypes.USER_ID, 1);
        limits.put(IdentityTypes.SHOPIFY_CUSTOMER_ID, 1);
        limits.put(IdentityTypes.LINE_USER_ID, 1);
        return new IdentityRules(List.copyOf(IdentityTypes.BUILT_IN), Map.copyOf(limits));
    }

    public boolean mayMergeOn(String type) {
        return mergeOn.contains(type);
    }

    /** The limit for a type, or {@link Integer#MAX_VALUE}. */
    public int limit(String type) {
        Integer limit = maxPerProfile.get(type);
        return limit == null ? Integer.MAX_VALUE : limit;
    }
}
