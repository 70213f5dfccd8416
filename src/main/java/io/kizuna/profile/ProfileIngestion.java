package io.kizuna.profile;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.BiFunction;
import java.util.function.Function;

import jakarta.enterprise.context.ApplicationScoped;

import io.kizuna.profile.identity.ConcurrentMergeException;
import io.kizuna.profile.identity.IdentityClaim;
import io.kizuna.profile.identity.IdentityResolver;
import io.kizuna.profile.identity.IdentityRules;
import io.kizuna.profile.identity.IdentityRulesService;
import io.kizuna.profile.identity.Resolution;
import io.kizuna.profile.traits.ComputedGroup;
import io.kizuna.profile.traits.ProfileState;
import io.kizuna.profile.traits.ProfileStateStore;
import io.kizuna.profile.traits.TraitEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;

/**
 * The profile feature's side of ingestion: resolving identities to profiles, then folding the
 * stored events into those profiles' traits, inside the caller's transaction.
 */
@ApplicationScoped
public class ProfileIngestion {

    private final IdentityResolver resolver;
    private final IdentityRulesService rules;
    private final ProfileStateStore states;

    public ProfileIngestion(IdentityResolver resolver, IdentityRulesService rules, ProfileStateStore states) {
        this.resolver = resolver;
        this.rules = rules;
        this.states = states;
    }

    public Uni<Resolution> resolve(SqlConnection connection, UUID workspaceId, List<IdentityClaim> claims, Instant now) {
        return rules.rules(workspaceId).chain((IdentityRules workspaceRules) -> resolver.resolve(connection, workspaceId, claims, workspaceRules, now));
    }

    /**
     * Folds merges and new events into the profiles and writes them. {@code cartEvents} reads a
     * profile's cart events since a time (its last order) from the event store, for a late cart event.
     * {@code behindTheWrites} is given the profiles that changed and its statements are sent right
     * behind the profile writes on the connection (pipelined): they run after the writes and see
     * them, and the profiles stay locked one round trip less.
     *
     * @return the profiles that changed, each with the groups of computed traits that moved on it
     *         (all of them on a new profile)
     */
    public Uni<Map<UUID, Set<ComputedGroup>>> apply(SqlConnection connection, UUID workspaceId, Resolution resolution,
            Map<UUID, List<TraitEvent>> eventsByProfile, BiFunction<UUID, Instant, Uni<List<TraitEvent>>> cartEvents, Instant now,
            Function<Map<UUID, Set<ComputedGroup>>, Uni<Void>> behindTheWrites) {
        return existing(connection, workspaceId, resolution)
                .chain(existing -> fold(connection, workspaceId, resolution, existing, eventsByProfile, cartEvents, now, behindTheWrites));
    }

    /** The resolution's existing profiles, locked and loaded now if the resolver left that for later. */
    private Uni<Map<UUID, ProfileState>> existing(SqlConnection connection, UUID workspaceId, Resolution resolution) {
        if (resolution.unlocked().isEmpty()) {
            return Uni.createFrom().item(resolution.existing());
        }
        return states.lockAndLoad(connection, workspaceId, resolution.unlocked()).chain(loaded -> loaded.size() == resolution.unlocked().size()
                ? Uni.createFrom().item(loaded)
                : Uni.createFrom().failure(new ConcurrentMergeException()));
    }

    private Uni<Map<UUID, Set<ComputedGroup>>> fold(SqlConnection connection, UUID workspaceId, Resolution resolution,
            Map<UUID, ProfileState> existing, Map<UUID, List<TraitEvent>> eventsByProfile, BiFunction<UUID, Instant, Uni<List<TraitEvent>>> cartEvents,
            Instant now, Function<Map<UUID, Set<ComputedGroup>>, Uni<Void>> behindTheWrites) {
        Map<UUID, ProfileState> profiles = new HashMap<>(existing);
        List<ProfileState> created = new ArrayList<>();
        for (UUID id : resolution.created()) {
            if (!resolution.mergedInto().containsKey(id)) {
                ProfileState state = new ProfileState(id, now);
                profiles.put(id, state);
                created.add(state);
            }
        }
        List<UUID> deleted = new ArrayList<>();
        Set<UUID> touched = new LinkedHashSet<>();
        resolution.mergedInto().forEach((loser, survivor) -> {
            ProfileState merged = profiles.remove(loser);
            if (merged != null) {
                profiles.get(survivor).absorb(merged);
                deleted.add(loser);
                touched.add(survivor);
            }
        });
        eventsByProfile.forEach((id, events) -> {
            profiles.get(id).applyAll(events);
            touched.add(id);
        });
        Uni<Void> rebuilds = Uni.createFrom().voidItem();
        for (UUID id : touched) {
            ProfileState state = profiles.get(id);
            if (state.cartNeedsRebuild()) {
                rebuilds = rebuilds.chain(() -> cartEvents.apply(id, state.lastOrderAt).invoke(state::rebuildCart).replaceWithVoid());
            }
        }
        List<ProfileState> changed = new ArrayList<>();
        for (UUID id : touched) {
            if (!resolution.created().contains(id)) {
                changed.add(profiles.get(id));
            }
        }
        return rebuilds.chain(() -> {
            // Read after the cart rebuilds, which move the cart.
            Map<UUID, Set<ComputedGroup>> result = new LinkedHashMap<>();
            touched.forEach(id -> result.put(id, profiles.get(id).movedGroups()));
            created.forEach(state -> result.put(state.id, ComputedGroup.all()));
            return Uni.join().all(states.save(connection, workspaceId, created, changed, deleted, now), behindTheWrites.apply(result))
                    .andFailFast().replaceWith(result);
        });
    }
}
