package io.kizuna.profile.identity;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import io.kizuna.profile.traits.ProfileState;

/**
 * The outcome of resolving a batch: the profile of each claim (null when an identity of the claim
 * was erased and is suppressed), the profiles merged away (loser to final survivor), the profiles
 * that are new, and the locked states of the profiles that existed.
 */
public record Resolution(List<UUID> profileIds, Map<UUID, UUID> mergedInto, Set<UUID> created, Map<UUID, ProfileState> existing) {
}
