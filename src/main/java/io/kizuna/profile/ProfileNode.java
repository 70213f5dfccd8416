package io.kizuna.profile;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import org.eclipse.microprofile.graphql.Description;
import org.eclipse.microprofile.graphql.Id;
import org.eclipse.microprofile.graphql.Ignore;
import org.eclipse.microprofile.graphql.NonNull;
import org.eclipse.microprofile.graphql.Type;

/**
 * A profile as GraphQL shows it. It carries the stored row (for {@code computed}, derived without
 * another query) and the ids of the profiles resolved with it (so {@code events} loads the whole
 * page in one statement); neither is part of the schema.
 */
@Type("Profile")
@Description("One customer: traits, computed traits, identities and events")
public record ProfileNode(
        @NonNull @Id String id,
        @Id @Description("The id that was asked for, when it had been merged into this profile") String mergedFrom,
        @NonNull List<@NonNull Trait> traits,
        Instant createdAt,
        Instant updatedAt,
        @Ignore StoredProfile stored,
        @Ignore List<UUID> siblings) {

    /** Nodes for profiles resolved together, each knowing the others. */
    public static List<ProfileNode> of(List<StoredProfile> profiles) {
        List<UUID> ids = profiles.stream().map(StoredProfile::id).toList();
        return profiles.stream().map(profile -> of(profile, null, ids)).toList();
    }

    public static ProfileNode of(StoredProfile profile, UUID requestedId) {
        return of(profile, requestedId, List.of(profile.id()));
    }

    private static ProfileNode of(StoredProfile profile, UUID requestedId, List<UUID> siblings) {
        return new ProfileNode(profile.id().toString(), ProfileView.mergedFrom(profile, requestedId), Trait.of(profile),
                profile.createdAt(), profile.updatedAt(), profile, siblings);
    }
}
