package io.kizuna.profile;

import java.util.Arrays;
import java.util.List;
import java.util.UUID;

import org.eclipse.microprofile.graphql.Description;
import org.eclipse.microprofile.graphql.GraphQLApi;
import org.eclipse.microprofile.graphql.Id;
import org.eclipse.microprofile.graphql.Name;
import org.eclipse.microprofile.graphql.NonNull;
import org.eclipse.microprofile.graphql.Query;
import org.eclipse.microprofile.graphql.Source;

import io.kizuna.common.error.GraphQLErrors;
import io.kizuna.common.json.JsonValues;
import io.kizuna.profile.computed.ComputedTraits;
import io.kizuna.profile.event.EventConnection;
import io.kizuna.profile.event.EventQuery;
import io.kizuna.profile.event.ProfileEventService;
import io.kizuna.profile.event.ProfileEventView;
import io.kizuna.profile.identity.IdentityView;
import io.kizuna.workspace.auth.CallerContext;
import io.kizuna.workspace.auth.Scope;
import io.smallrye.common.annotation.NonBlocking;
import io.smallrye.mutiny.Uni;

/**
 * Profiles over GraphQL (read scope). Top-level fields use the reactive client, never a shared
 * Hibernate session. A page of profiles costs one statement per nested field, not one per profile:
 * {@code identities} is a {@code @Source List} batch; {@code events}, which takes arguments, shares
 * one load per page and argument set through {@link SiblingBatches} (SmallRye would give every
 * selection in a batch the first selection's arguments); {@code computed} needs no query.
 */
@GraphQLApi
public class ProfileGraphQL {

    private final ProfileQueryService profiles;
    private final ProfileEventService events;
    private final SiblingBatches batches;
    private final CallerContext caller;

    public ProfileGraphQL(ProfileQueryService profiles, ProfileEventService events, SiblingBatches batches, CallerContext caller) {
        this.profiles = profiles;
        this.events = events;
        this.batches = batches;
        this.caller = caller;
    }

    @Query("profile")
    @Description("A profile by id; a merged-away id gives the profile it was merged into")
    public Uni<ProfileNode> profile(@NonNull @Id @Name("id") String id) {
        return GraphQLErrors.guard(caller.workspaceWith(Scope.READ).chain(workspaceId -> profiles.node(workspaceId, id)));
    }

    @Query("profiles")
    @Description("Profiles in id order, as a Relay connection")
    public Uni<ProfileConnection> profiles(
            @Name("first") @Description("Page size, 1 to 500 (default 50)") Integer first,
            @Name("after") @Description("endCursor of the previous page") String after) {
        return GraphQLErrors.guard(caller.workspaceWith(Scope.READ).chain(workspaceId -> profiles.connection(workspaceId, first, after)));
    }

    @Query("profileByIdentity")
    @Description("The profile of an identity such as email, phone or user_id; the value is normalised as ingestion stores it")
    public Uni<ProfileNode> profileByIdentity(@NonNull @Name("type") String type, @NonNull @Name("value") String value) {
        return GraphQLErrors.guard(caller.workspaceWith(Scope.READ)
                .chain(workspaceId -> profiles.nodeByIdentity(workspaceId, type, value)));
    }

    @Name("computed")
    @Description("Traits derived from the profile's events, as of now")
    public Uni<ComputedTraits> computed(@Source ProfileNode node,
            @Name("viewedDays") @Description("Window of viewedNotBought in days, 1 to 365 (default 30)") Integer viewedDays) {
        return GraphQLErrors.guard(Uni.createFrom().item(() -> profiles.computed(node.stored(), viewedDays)));
    }

    @Name("identities")
    @Description("The profile's identities")
    public Uni<List<List<IdentityView>>> identities(@Source List<ProfileNode> nodes) {
        return GraphQLErrors.guard(caller.workspaceWith(Scope.READ).chain(workspaceId -> profiles.identities(workspaceId, ids(nodes))));
    }

    @Name("events")
    @Description("The profile's events, newest first")
    public Uni<EventConnection> events(@Source ProfileNode node,
            @Name("first") @Description("Page size, 1 to 500 (default 50)") Integer first,
            @Name("after") @Description("endCursor of the previous page") String after,
            @Name("name") @Description("Only events with this name") String name) {
        return GraphQLErrors.guard(caller.workspaceWith(Scope.READ).chain(workspaceId -> {
            EventQuery query = EventQuery.of(name, null, null, after, first, "first");
            List<Object> key = Arrays.asList("events", workspaceId, node.siblings(), first, after, name);
            return batches.load(key, () -> events.connections(workspaceId, node.siblings(), query))
                    .map(connections -> connections.get(node.stored().id()));
        }));
    }

    @Name("propertiesJson")
    @Description("The event's properties as JSON text")
    @NonBlocking
    public String propertiesJson(@Source ProfileEventView event) {
        return json(event.properties());
    }

    @Name("traitsJson")
    @Description("Traits sent with the event, as JSON text")
    @NonBlocking
    public String traitsJson(@Source ProfileEventView event) {
        return json(event.traits());
    }

    @Name("contextJson")
    @Description("The event's context (page, device, campaign, ...) as JSON text")
    @NonBlocking
    public String contextJson(@Source ProfileEventView event) {
        return json(event.context());
    }

    private static List<UUID> ids(List<ProfileNode> nodes) {
        return nodes.stream().map(node -> UUID.fromString(node.id())).toList();
    }

    private static String json(Object value) {
        return value == null ? null : JsonValues.encode(value);
    }
}
