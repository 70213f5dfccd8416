package io.kizuna.profile;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import org.eclipse.microprofile.graphql.Description;
import org.eclipse.microprofile.graphql.Id;
import org.eclipse.microprofile.graphql.Type;

/**
 * A profile as GraphQL shows it. Its nested fields (computed, identities, events) are batched
 * resolvers in {@link ProfileGraphQL}, so a page of profiles costs one query per field.
 */
@Type("Profile")
@Description("One customer: traits, computed traits, identities and events")
public record ProfileNode(
        @Id String id,
        @Id @Description("The id that was asked for, when it had been merged into this profile") String mergedFrom,
        List<Trait> traits,
        Instant createdAt,
        Instant updatedAt) {

    public static ProfileNode of(StoredProfile profile, UUID requestedId) {
        return new ProfileNode(profile.id().toString(), ProfileView.mergedFrom(profile, requestedId), Trait.of(profile),
                profile.createdAt(), profile.updatedAt());
    }
}
