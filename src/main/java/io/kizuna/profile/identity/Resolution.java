package io.kizuna.profile.identity;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import io.kizuna.profile.traits.ProfileState;

/**
 * The outcome of resolving a batch: the profile of each claim (null when an identity of the claim
 * was erased and is suppressed), the profiles merged away (loser to final survivor), the profiles
 * that are new, and the existing profiles the claims resolved to.
 *
 * <p>Those existing profiles are either already locked and loaded ({@code existing}), or, when
 * the batch neither merges nor attaches identities to them, still to be locked ({@code unlocked}):
 * the caller locks them as late as it can, so that its row locks are held for less time. A
 * profile that is gone by then was merged away or erased meanwhile, and the batch must run again.
 */
public record Resolution(List<UUID> profileIds, Map<UUID, UUID> mergedInto, Set<UUID> created, Map<UUID, ProfileState> existing,
        List<UUID> unlocked) {

    static Resolution locked(List<UUID> profileIds, Map<UUID, UUID> mergedInto, Set<UUID> created, Map<UUID, ProfileState> existing) {
        return new Resolution(profileIds, mergedInto, created, existing, List.of());
    }

    static Resolution toLockLater(List<UUID> profileIds, Set<UUID> created, List<UUID> unlocked) {
        return new Resolution(profileIds, Map.of(), created, Map.of(), unlocked);
    }
}
