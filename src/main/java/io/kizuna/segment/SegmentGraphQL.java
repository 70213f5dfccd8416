package io.kizuna.segment;

import java.time.Instant;
import java.util.ArrayList;
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
import io.kizuna.common.paging.Cursors;
import io.kizuna.common.paging.PageInfo;
import io.kizuna.profile.ProfileNode;
import io.kizuna.workspace.auth.CallerContext;
import io.kizuna.workspace.auth.Scope;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.smallrye.mutiny.Uni;

/**
 * Segments over GraphQL: read with the read scope, changed with admin. Every resolver uses the
 * reactive client, never a shared Hibernate session. {@code Segment.count} and
 * {@code Profile.segments} are {@code @Source List} batches (one statement per page);
 * {@code Segment.members}, which takes arguments, runs per segment.
 */
@GraphQLApi
public class SegmentGraphQL {

    @Type("Segment")
    @Description("A saved condition whose members are kept materialized")
    @RegisterForReflection
    public record SegmentNode(
            @NonNull @Id String id,
            @NonNull String name,
            String description,
            @NonNull @Description("The conditions in canonical JSON form, as text") String conditions,
            @NonNull @Description("BUILDING, READY or FAILED") String status,
            @Description("Goes up by one each time the conditions change") int version,
            @Description("When the members were last computed in full") Instant computedAt,
            @Description("Why the last computation failed") String failure,
            Instant createdAt,
            Instant updatedAt) {

        static SegmentNode of(StoredSegment stored) {
            return new SegmentNode(stored.id().toString(), stored.name(), stored.description(), JsonValues.encode(stored.conditions()),
                    stored.status(), stored.version(), stored.computedAt(), stored.failure(), stored.createdAt(), stored.updatedAt());
        }
    }

    @Type("SegmentEdge")
    @RegisterForReflection
    public record SegmentEdge(@NonNull String cursor, @NonNull SegmentNode node) {
    }

    @Type("SegmentConnection")
    @RegisterForReflection
    public record SegmentConnection(@NonNull List<@NonNull SegmentEdge> edges, @NonNull PageInfo pageInfo) {
    }

    @Type("SegmentMemberEdge")
    @RegisterForReflection
    public record SegmentMemberEdge(@NonNull String cursor, @NonNull ProfileNode node,
            @Description("When the profile entered the segment (this stay)") Instant enteredAt) {
    }

    @Type("SegmentMemberConnection")
    @RegisterForReflection
    public record SegmentMemberConnection(@NonNull List<@NonNull SegmentMemberEdge> edges, @NonNull PageInfo pageInfo) {
    }

    @Input("SegmentInput")
    @Description("A segment's name, description and conditions; on update, absent fields stay as they are")
    @RegisterForReflection
    public record SegmentInput(
            @Description("1 to 200 characters; required on create") String name,
            @Description("Free text; an empty string clears it") String description,
            @Description("The conditions in JSON form, as text, for example {\"tag\": \"vip\"}; on create, this or condition is required") String conditions,
            @Description("The conditions, typed; the alternative to conditions") ConditionInput condition) {
    }

    private final SegmentService segments;
    private final CallerContext caller;

    public SegmentGraphQL(SegmentService segments, CallerContext caller) {
        this.segments = segments;
        this.caller = caller;
    }

    @Query("segments")
    @Description("Segments, oldest first, as a Relay connection")
    public Uni<SegmentConnection> segmentList(
            @Name("first") @Description("Page size, 1 to 500 (default 50)") Integer first,
            @Name("after") @Description("endCursor of the previous page") String after) {
        return GraphQLErrors.guard(caller.workspaceWith(Scope.READ).chain(workspaceId -> segments.storedPage(workspaceId, after, first))
                .map(page -> {
                    List<SegmentEdge> edges = page.items().stream()
                            .map(stored -> new SegmentEdge(Cursors.encode(stored.id()), SegmentNode.of(stored)))
                            .toList();
                    return new SegmentConnection(edges, PageInfo.of(edges.stream().map(SegmentEdge::cursor).toList(), page.nextCursor() != null, after));
                }));
    }

    @Query("segment")
    @Description("A segment by id")
    public Uni<SegmentNode> segment(@NonNull @Id @Name("id") String id) {
        return GraphQLErrors.guard(caller.workspaceWith(Scope.READ)
                .chain(workspaceId -> segments.stored(workspaceId, parse(id))).map(SegmentNode::of));
    }

    @Name("count")
    @Description("The current number of members")
    public Uni<List<Long>> count(@Source List<SegmentNode> nodes) {
        return GraphQLErrors.guard(caller.workspaceWith(Scope.READ).chain(workspaceId -> {
            List<UUID> ids = nodes.stream().map(node -> UUID.fromString(node.id())).toList();
            return segments.counts(workspaceId, ids).map(counts -> ids.stream().map(id -> counts.getOrDefault(id, 0L)).toList());
        }));
    }

    @Name("members")
    @Description("The members in profile id order, as a Relay connection")
    public Uni<SegmentMemberConnection> members(@Source SegmentNode node,
            @Name("first") @Description("Page size, 1 to 500 (default 50)") Integer first,
            @Name("after") @Description("endCursor of the previous page") String after) {
        return GraphQLErrors.guard(caller.workspaceWith(Scope.READ)
                .chain(workspaceId -> segments.memberProfiles(workspaceId, UUID.fromString(node.id()), after, first))
                .map(slice -> {
                    List<SegmentMemberEdge> edges = new ArrayList<>();
                    for (ProfileNode profile : ProfileNode.of(slice.profiles())) {
                        UUID id = profile.stored().id();
                        edges.add(new SegmentMemberEdge(Cursors.encode(id), profile, slice.enteredAt().get(id)));
                    }
                    return new SegmentMemberConnection(edges, PageInfo.of(edges.stream().map(SegmentMemberEdge::cursor).toList(), slice.more(), after));
                }));
    }

    @Name("segments")
    @Description("The segments the profile is in now")
    public Uni<List<List<SegmentNode>>> profileSegments(@Source List<ProfileNode> profiles) {
        return GraphQLErrors.guard(caller.workspaceWith(Scope.READ).chain(workspaceId -> segments.segmentsOf(workspaceId,
                profiles.stream().map(profile -> UUID.fromString(profile.id())).toList()))
                .map(lists -> lists.stream().map(list -> list.stream().map(SegmentNode::of).toList()).toList()));
    }

    @Mutation("createSegment")
    @Description("Create a segment; its members are computed in the background (status BUILDING, then READY)")
    public Uni<SegmentNode> createSegment(@NonNull @Name("input") SegmentInput input) {
        return GraphQLErrors.guard(caller.workspaceWith(Scope.ADMIN)
                .chain(workspaceId -> segments.create(workspaceId, request(input))
                        .chain(view -> segments.stored(workspaceId, view.id())))
                .map(SegmentNode::of));
    }

    @Mutation("updateSegment")
    @Description("Rename a segment or change its conditions; new conditions bump the version and recompute the members")
    public Uni<SegmentNode> updateSegment(@NonNull @Id @Name("id") String id, @NonNull @Name("input") SegmentInput input) {
        return GraphQLErrors.guard(caller.workspaceWith(Scope.ADMIN).chain(workspaceId -> {
            UUID segmentId = parse(id);
            return segments.update(workspaceId, segmentId, request(input)).chain(view -> segments.stored(workspaceId, segmentId));
        }).map(SegmentNode::of));
    }

    @Mutation("deleteSegment")
    @Description("Delete a segment; its members exit first. Answers the deleted id.")
    @Id
    public Uni<String> deleteSegment(@NonNull @Id @Name("id") String id) {
        return GraphQLErrors.guard(caller.workspaceWith(Scope.ADMIN)
                .chain(workspaceId -> segments.delete(workspaceId, parse(id))).replaceWith(id));
    }

    private static SegmentRequest request(SegmentInput input) {
        Object conditions = ConditionInput.jsonOf(input.condition(), input.conditions());
        return new SegmentRequest(input.name(), input.description(), conditions);
    }

    private static UUID parse(String id) {
        try {
            return UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            throw SegmentService.notFound(id);
        }
    }
}
