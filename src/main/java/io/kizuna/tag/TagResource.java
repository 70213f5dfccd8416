package io.kizuna.tag;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.ResponseStatus;

import io.kizuna.common.openapi.KizunaApi;
import io.kizuna.common.paging.Page;
import io.kizuna.workspace.auth.CallerContext;
import io.kizuna.workspace.auth.RequiresScope;
import io.kizuna.workspace.auth.Scope;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.smallrye.mutiny.Uni;

/** Tag definitions of the caller's workspace, their members and history, and bulk (un)tagging. */
@Path("/v1/tags")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Tag(name = "Tags", description = "Manual tags set by hand or import, and rule tags kept true by a condition; assignment history")
@SecurityRequirement(name = KizunaApi.API_KEY)
@RegisterForReflection
public class TagResource {

    private static final String NAME = "The tag name, URL-encoded";
    private static final String AFTER = "Cursor from a previous page's nextCursor";
    private static final String LIMIT = "Page size, 1 to 500 (default 50)";

    private final TagService tags;
    private final CallerContext caller;

    public TagResource(TagService tags, CallerContext caller) {
        this.tags = tags;
        this.caller = caller;
    }

    @POST
    @RequiresScope(Scope.ADMIN)
    @ResponseStatus(201)
    @Operation(summary = "Create a tag",
            description = "A RULE tag is computed over every profile in the background (status BUILDING, then READY) and kept true in real time after that. "
                    + "Its conditions may read other tags but not segments, and rule tags may not read each other in a cycle.")
    @APIResponse(responseCode = "201", description = "Created")
    public Uni<TagView> create(TagRequest request) {
        return caller.workspaceWith(Scope.ADMIN).chain(workspaceId -> tags.create(workspaceId, request));
    }

    @GET
    @RequiresScope(Scope.READ)
    @Operation(summary = "List tags in name order")
    public Uni<Page<TagView>> list(@Parameter(description = AFTER) @QueryParam("after") String after,
            @Parameter(description = LIMIT) @QueryParam("limit") Integer limit) {
        return caller.workspaceWith(Scope.READ).chain(workspaceId -> tags.list(workspaceId, after, limit));
    }

    @GET
    @Path("/{name}")
    @RequiresScope(Scope.READ)
    @Operation(summary = "Get a tag with its status and number of profiles")
    public Uni<TagView> get(@Parameter(description = NAME) @PathParam("name") String name) {
        return caller.workspaceWith(Scope.READ).chain(workspaceId -> tags.get(workspaceId, name));
    }

    @PATCH
    @Path("/{name}")
    @RequiresScope(Scope.ADMIN)
    @Operation(summary = "Change a tag's description or a rule tag's conditions",
            description = "New conditions bump the version and recompute the tag in the background. The name and kind cannot change.")
    @RequestBody(description = "The fields to change", required = true)
    public Uni<TagView> update(@Parameter(description = NAME) @PathParam("name") String name, TagRequest request) {
        return caller.workspaceWith(Scope.ADMIN).chain(workspaceId -> tags.update(workspaceId, name, request));
    }

    @DELETE
    @Path("/{name}")
    @RequiresScope(Scope.ADMIN)
    @ResponseStatus(204)
    @Operation(summary = "Delete a tag", description = "Every profile loses the tag (recorded in the history). A tag that a rule tag reads cannot be deleted (409).")
    @APIResponse(responseCode = "204", description = "Deleted")
    public Uni<Void> delete(@Parameter(description = NAME) @PathParam("name") String name) {
        return caller.workspaceWith(Scope.ADMIN).chain(workspaceId -> tags.delete(workspaceId, name));
    }

    @GET
    @Path("/{name}/members")
    @RequiresScope(Scope.READ)
    @Operation(summary = "List the profiles that have the tag, in id order")
    public Uni<Page<TagView.Member>> members(@Parameter(description = NAME) @PathParam("name") String name,
            @Parameter(description = AFTER) @QueryParam("after") String after,
            @Parameter(description = LIMIT) @QueryParam("limit") Integer limit) {
        return caller.workspaceWith(Scope.READ).chain(workspaceId -> tags.members(workspaceId, name, after, limit));
    }

    @GET
    @Path("/{name}/history")
    @RequiresScope(Scope.READ)
    @Operation(summary = "List when the tag was added to or removed from profiles, and why; newest first",
            description = "Readable after the tag was deleted.")
    public Uni<Page<TagView.HistoryEntry>> history(@Parameter(description = NAME) @PathParam("name") String name,
            @Parameter(description = AFTER) @QueryParam("after") String after,
            @Parameter(description = LIMIT) @QueryParam("limit") Integer limit) {
        return caller.workspaceWith(Scope.READ).chain(workspaceId -> tags.tagHistory(workspaceId, name, after, limit));
    }

    @POST
    @Path("/{name}/assign")
    @RequiresScope(Scope.ADMIN)
    @Operation(summary = "Tag profiles in bulk, by ids, identities or the members of a segment",
            description = "A manual tag that does not exist is created. Merged-away ids count as the profile they were merged into; "
                    + "ids and identities that match no profile are listed in the answer. Rule tags cannot be assigned by hand (409).")
    @RequestBody(description = "The profiles to tag", required = true)
    public Uni<TagView.Assigned> assign(@Parameter(description = NAME) @PathParam("name") String name, AssignRequest request) {
        return caller.workspaceWith(Scope.ADMIN).chain(workspaceId -> tags.assign(workspaceId, name, request));
    }

    @POST
    @Path("/{name}/unassign")
    @RequiresScope(Scope.ADMIN)
    @Operation(summary = "Untag profiles in bulk, by ids, identities or the members of a segment",
            description = "Rule tags cannot be removed by hand (409).")
    @RequestBody(description = "The profiles to untag", required = true)
    public Uni<TagView.Unassigned> unassign(@Parameter(description = NAME) @PathParam("name") String name, AssignRequest request) {
        return caller.workspaceWith(Scope.ADMIN).chain(workspaceId -> tags.unassign(workspaceId, name, request));
    }
}
