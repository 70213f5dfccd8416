package io.kizuna.tag;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import org.eclipse.microprofile.graphql.Description;
import org.eclipse.microprofile.graphql.GraphQLApi;
import org.eclipse.microprofile.graphql.Id;
import org.eclipse.microprofile.graphql.Input;
import org.eclipse.microprofile.graphql.Mutation;
import org.eclipse.microprofile.graphql.Name;
import org.eclipse.microprofile.graphql.NonNull;
import org.eclipse.microprofile.graphql.Query;
import org.eclipse.microprofile.graphql.Source;
import org.eclipse.microprofile.graphql.Type;

import io.kizuna.condition.ConditionInput;
import io.kizuna.common.error.GraphQLErrors;
import io.kizuna.common.json.JsonValues;
import io.kizuna.common.paging.PageInfo;
import io.kizuna.profile.ProfileNode;
import io.kizuna.profile.ProfileStore;
import io.kizuna.workspace.auth.CallerContext;
import io.kizuna.workspace.auth.Scope;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.smallrye.mutiny.Uni;

/**
 * Tags over GraphQL: read with the read scope, changed with admin. Every resolver uses the
 * reactive client, never a shared Hibernate session. {@code Profile.tags} is a
 * {@code @Source List} batch: one statement for a whole page of profiles.
 */
@GraphQLApi
public class TagGraphQL {

    @Type("Tag")
    @Description("A tag: MANUAL (set by hand or import) or RULE (kept true by its conditions)")
    @RegisterForReflection
    public record TagNode(
            @NonNull String name,
            @NonNull @Description("MANUAL or RULE") String kind,
            String description,
            @Description("Rule tags: the conditions in canonical JSON form, as text") String conditions,
            @NonNull @Description("BUILDING, READY or FAILED") String status,
            @Description("Goes up by one each time the conditions change") int version,
            @Description("When the rule was last computed over every profile") Instant computedAt,
            @Description("Why the last computation failed") String failure,
            @Description("The current number of profiles with the tag") long profiles,
            Instant createdAt,
            Instant updatedAt) {

        static TagNode of(TagView view) {
            return new TagNode(view.name(), view.kind(), view.description(),
                    view.conditions() == null ? null : JsonValues.encode(view.conditions()), view.status(), view.version(),
                    view.computedAt(), view.failure(), view.profiles(), view.createdAt(), view.updatedAt());
        }
    }

    @Type("TagEdge")
    @RegisterForReflection
    public record TagEdge(@NonNull String cursor, @NonNull TagNode node) {
    }

    @Type("TagConnection")
    @RegisterForReflection
    public record TagConnection(@NonNull List<@NonNull TagEdge> edges, @NonNull PageInfo pageInfo) {
    }

    @Type("ProfileTag")
    @Description("A tag a profile has now")
    @RegisterForReflection
    public record ProfileTag(@NonNull String name, @NonNull @Description("MANUAL, RULE or IMPORT") String source,
            @NonNull Instant assignedAt) {

        static List<ProfileTag> of(List<TagView.Assignment> assignments) {
            return assignments.stream().map(a -> new ProfileTag(a.name(), a.source(), a.assignedAt())).toList();
        }
    }

    @Input("TagInput")
    @Description("A tag's name, kind, description and conditions; on update, absent fields stay as they are")
    @RegisterForReflection
    public record TagInput(
            @Description("1 to 100 letters, digits, spaces and _ - . :; required on create") String name,
            @Description("MANUAL or RULE; default RULE when conditions are given, else MANUAL") String kind,
            @Description("Free text; an empty string clears it") String description,
            @Description("Rule tags: the conditions in JSON form, as text, for example {\"computed\": {\"field\": \"order_count\", \"op\": \"gte\", \"value\": 3}}")
            String conditions,
            @Description("Rule tags: the conditions, typed; the alternative to conditions") ConditionInput condition) {
    }

    private final TagService tags;
    private final CallerContext caller;

    public TagGraphQL(TagService tags, CallerContext caller) {
        this.tags = tags;
        this.caller = caller;
    }

    @Query("tags")
    @Description("Tags in name order, as a Relay connection")
    public Uni<TagConnection> tagList(
            @Name("first") @Description("Page size, 1 to 500 (default 50)") Integer first,
            @Name("after") @Description("endCursor of the previous page") String after) {
        return GraphQLErrors.guard(caller.workspaceWith(Scope.READ).chain(workspaceId -> tags.list(workspaceId, after, first))
                .map(page -> {
                    List<TagEdge> edges = page.items().stream().map(view -> new TagEdge(TagService.cursor(view.name()), TagNode.of(view))).toList();
                    return new TagConnection(edges, PageInfo.of(edges.stream().map(TagEdge::cursor).toList(), page.nextCursor() != null, after));
                }));
    }

    @Query("tag")
    @Description("A tag by name")
    public Uni<TagNode> tag(@NonNull @Name("name") String name) {
        return GraphQLErrors.guard(caller.workspaceWith(Scope.READ).chain(workspaceId -> tags.get(workspaceId, name)).map(TagNode::of));
    }

    @Name("tags")
    @Description("The tags the profile has now, in name order")
    public Uni<List<List<ProfileTag>>> profileTags(@Source List<ProfileNode> profiles) {
        return GraphQLErrors.guard(caller.workspaceWith(Scope.READ)
                .chain(workspaceId -> tags.tagsOf(workspaceId, profiles.stream().map(profile -> UUID.fromString(profile.id())).toList()))
                .map(lists -> lists.stream().map(ProfileTag::of).toList()));
    }

    @Mutation("createTag")
    @Description("Create a tag; a RULE tag is computed in the background (status BUILDING, then READY)")
    public Uni<TagNode> createTag(@NonNull @Name("input") TagInput input) {
        return GraphQLErrors.guard(caller.workspaceWith(Scope.ADMIN)
                .chain(workspaceId -> tags.create(workspaceId, request(input))).map(TagNode::of));
    }

    @Mutation("updateTag")
    @Description("Change a tag's description or a rule tag's conditions; new conditions recompute the tag in the background")
    public Uni<TagNode> updateTag(@NonNull @Name("name") String name, @NonNull @Name("input") TagInput input) {
        return GraphQLErrors.guard(caller.workspaceWith(Scope.ADMIN)
                .chain(workspaceId -> tags.update(workspaceId, name, request(input))).map(TagNode::of));
    }

    @Mutation("deleteTag")
    @Description("Delete a tag; every profile loses it. Answers the deleted name.")
    @NonNull
    public Uni<String> deleteTag(@NonNull @Name("name") String name) {
        return GraphQLErrors.guard(caller.workspaceWith(Scope.ADMIN).chain(workspaceId -> tags.delete(workspaceId, name)).replaceWith(name));
    }

    @Mutation("addTags")
    @Description("Add manual tags to a profile (creating tags that do not exist); answers the profile's tags")
    @NonNull
    public Uni<List<@NonNull ProfileTag>> addTags(@NonNull @Id @Name("profileId") String profileId,
            @NonNull @Name("names") List<@NonNull String> names) {
        return GraphQLErrors.guard(caller.workspaceWith(Scope.ADMIN)
                .chain(workspaceId -> tags.addTags(workspaceId, parse(profileId), names, null))
                .map(profile -> ProfileTag.of(profile.tags())));
    }

    @Mutation("removeTags")
    @Description("Remove manual tags from a profile; answers the profile's tags")
    @NonNull
    public Uni<List<@NonNull ProfileTag>> removeTags(@NonNull @Id @Name("profileId") String profileId,
            @NonNull @Name("names") List<@NonNull String> names) {
        return GraphQLErrors.guard(caller.workspaceWith(Scope.ADMIN)
                .chain(workspaceId -> tags.removeTags(workspaceId, parse(profileId), names, null))
                .map(profile -> ProfileTag.of(profile.tags())));
    }

    private static TagRequest request(TagInput input) {
        Object conditions = ConditionInput.jsonOf(input.condition(), input.conditions());
        return new TagRequest(input.name(), input.kind(), input.description(), conditions);
    }

    private static UUID parse(String id) {
        try {
            return UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            throw ProfileStore.notFound(id);
        }
    }
}
