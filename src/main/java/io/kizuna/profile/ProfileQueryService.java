package io.kizuna.profile;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.kizuna.common.error.BadInputException;
import io.kizuna.common.error.FieldViolation;
import io.kizuna.common.error.NotFoundException;
import io.kizuna.common.paging.Cursors;
import io.kizuna.common.paging.Page;
import io.kizuna.common.paging.PageInfo;
import io.kizuna.profile.computed.ComputedTraits;
import io.kizuna.profile.computed.ComputedTraitsCalculator;
import io.kizuna.profile.identity.Identity;
import io.kizuna.profile.identity.IdentityNormalizer;
import io.kizuna.profile.identity.IdentityView;
import io.kizuna.profile.identity.ProfileIdentities;
import io.kizuna.profile.identity.ProfileMerges;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.pgclient.PgPool;

/**
 * Reads profiles for the REST and GraphQL faces: by id (following merges to the survivor), by
 * identity, page by page, with their identities and merge history. Every read is confined to the
 * caller's workspace. Uses the reactive client directly, so sibling GraphQL resolvers never share
 * a session.
 */
@ApplicationScoped
public class ProfileQueryService {


    private final PgPool pool;
    private final ProfileStore store;
    private final Clock clock;
    private final IdentityNormalizer normalizer;

    public ProfileQueryService(PgPool pool, ProfileStore store, Clock clock, IdentityNormalizer normalizer) {
        this.pool = pool;
        this.store = store;
        this.clock = clock;
        this.normalizer = normalizer;
    }

    public Uni<ProfileView> get(UUID workspaceId, UUID id, Integer viewedDays) {
        int days = ComputedTraitsCalculator.viewedDays(viewedDays);
        return store.resolve(pool, workspaceId, id).map(profile -> view(profile, id, days));
    }

    public Uni<ProfileView> lookup(UUID workspaceId, String type, String value, Integer viewedDays) {
        int days = ComputedTraitsCalculator.viewedDays(viewedDays);
        return findByIdentity(workspaceId, type, value).map(profile -> view(profile, null, days));
    }

    public Uni<Page<ProfileView>> list(UUID workspaceId, String after, Integer limit, Integer viewedDays) {
        int days = ComputedTraitsCalculator.viewedDays(viewedDays);
        return page(workspaceId, after, limit, "after", "limit").map(page -> new Page<>(
                page.items().stream().map(profile -> view(profile, null, days)).toList(),
                page.more() ? Cursors.encode(page.items().get(page.items().size() - 1).id()) : null));
    }

    public Uni<ProfileIdentities> identities(UUID workspaceId, UUID id) {
        return store.resolve(pool, workspaceId, id).chain(profile -> store.identities(pool, workspaceId, List.of(profile.id()))
                .map(found -> new ProfileIdentities(profile.id().toString(), found.get(profile.id()))));
    }

    public Uni<ProfileMerges> merges(UUID workspaceId, UUID id) {
        return store.resolve(pool, workspaceId, id).chain(profile -> store.merges(pool, workspaceId, profile.id())
                .map(found -> new ProfileMerges(profile.id().toString(), found)));
    }

    // --- GraphQL ------------------------------------------------------------

    public Uni<ProfileNode> node(UUID workspaceId, String id) {
        UUID uuid = parseId(id);
        if (uuid == null) {
            return Uni.createFrom().failure(ProfileStore.notFound(id));
        }
        return store.resolve(pool, workspaceId, uuid).map(profile -> ProfileNode.of(profile, uuid));
    }

    public Uni<ProfileNode> nodeByIdentity(UUID workspaceId, String type, String value) {
        return findByIdentity(workspaceId, type, value).map(profile -> ProfileNode.of(profile, null));
    }

    public Uni<ProfileConnection> connection(UUID workspaceId, Integer first, String after) {
        return page(workspaceId, after, first, "after", "first").map(page -> {
            List<ProfileEdge> edges = ProfileNode.of(page.items()).stream()
                    .map(node -> new ProfileEdge(Cursors.encode(node.stored().id()), node))
                    .toList();
            return new ProfileConnection(edges, PageInfo.of(edges.stream().map(ProfileEdge::cursor).toList(), page.more(), after));
        });
    }

    /** Computed traits of a profile already read, as of now. */
    public ComputedTraits computed(StoredProfile profile, Integer viewedDays) {
        return compute(profile, ComputedTraitsCalculator.viewedDays(viewedDays));
    }

    /** Identities of each profile, in the order given. */
    public Uni<List<List<IdentityView>>> identities(UUID workspaceId, List<UUID> ids) {
        return store.identities(pool, workspaceId, ids).map(found -> ids.stream().map(id -> found.getOrDefault(id, List.of())).toList());
    }

    // --- shared -------------------------------------------------------------

    private ProfileView view(StoredProfile profile, UUID requestedId, int viewedDays) {
        return ProfileView.of(profile, requestedId, compute(profile, viewedDays));
    }

    private ComputedTraits compute(StoredProfile profile, int viewedDays) {
        return ComputedTraitsCalculator.compute(profile, clock.instant(), viewedDays);
    }

    private Uni<StoredProfile> findByIdentity(UUID workspaceId, String type, String value) {
        List<FieldViolation> missing = new ArrayList<>();
        if (type == null || type.isBlank()) {
            missing.add(new FieldViolation("type", "is required, for example email, phone or user_id"));
        }
        if (value == null || value.isBlank()) {
            missing.add(new FieldViolation("value", "is required"));
        }
        if (!missing.isEmpty()) {
            return Uni.createFrom().failure(new BadInputException(missing));
        }
        Identity identity = normalizer.normalize(type, value, "value");
        String identityType = identity.type();
        String normalized = identity.value();
        return store.profileIdFor(pool, workspaceId, identityType, normalized)
                .onItem().ifNull().failWith(() -> new NotFoundException(
                        "No profile with " + identityType + " '" + normalized + "' in this workspace"))
                .chain(profileId -> store.resolve(pool, workspaceId, profileId));
    }

    private Uni<Slice> page(UUID workspaceId, String after, Integer limit, String afterField, String limitField) {
        UUID afterId = Cursors.decode(after, afterField);
        int size = Cursors.limit(limit, limitField);
        return store.page(pool, workspaceId, afterId == null ? new UUID(0, 0) : afterId, size + 1).map(rows -> {
            boolean more = rows.size() > size;
            return new Slice(more ? rows.subList(0, size) : rows, more);
        });
    }

    private static UUID parseId(String id) {
        try {
            return id == null ? null : UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private record Slice(List<StoredProfile> items, boolean more) {
    }
}
