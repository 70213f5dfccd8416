package io.kizuna.tag;

import java.util.List;
import java.util.UUID;

import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
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

/** One profile's tags: the current ones, adding and removing one, and the history. */
@Path("/v1/profiles/{id}/tags")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Tags")
@SecurityRequirement(name = KizunaApi.API_KEY)
@RegisterForReflection
public class ProfileTagResource {

    private static final String MERGED = " A merged-away id answers for the profile it was merged into.";
    private static final String SOURCE = "Why, as recorded in the history: MANUAL (default) or IMPORT";

    private final TagService tags;
    private final CallerContext caller;

    public ProfileTagResource(TagService tags, CallerContext caller) {
        this.tags = tags;
        this.caller = caller;
    }

    @GET
    @RequiresScope(Scope.READ)
    @Operation(summary = "List a profile's current tags", description = "In name order." + MERGED)
    public Uni<TagView.ProfileTags> list(@PathParam("id") UUID id) {
        return caller.workspaceWith(Scope.READ).chain(workspaceId -> tags.profileTags(workspaceId, id));
    }

    @GET
    @Path("/history")
    @RequiresScope(Scope.READ)
    @Operation(summary = "List when tags were added to or removed from a profile, and why; newest first",
            description = "Includes the history of profiles merged into this one." + MERGED)
    public Uni<Page<TagView.HistoryEntry>> history(@PathParam("id") UUID id,
            @Parameter(description = "Cursor from a previous page's nextCursor") @QueryParam("after") String after,
            @Parameter(description = "Page size, 1 to 500 (default 50)") @QueryParam("limit") Integer limit) {
        return caller.workspaceWith(Scope.READ).chain(workspaceId -> tags.profileHistory(workspaceId, id, after, limit));
    }

    @PUT
    @Path("/{name}")
    @RequiresScope(Scope.ADMIN)
    @Operation(summary = "Add a manual tag to a profile",
            description = "Creates the manual tag when it does not exist; adding a tag the profile has changes nothing. Rule tags cannot be added by hand (409)." + MERGED)
    public Uni<TagView.ProfileTags> add(@PathParam("id") UUID id,
            @Parameter(description = "The tag name, URL-encoded") @PathParam("name") String name,
            @Parameter(description = SOURCE) @QueryParam("source") String source) {
        return caller.workspaceWith(Scope.ADMIN).chain(workspaceId -> tags.addTags(workspaceId, id, List.of(name), source));
    }

    @DELETE
    @Path("/{name}")
    @RequiresScope(Scope.ADMIN)
    @ResponseStatus(204)
    @Operation(summary = "Remove a manual tag from a profile",
            description = "Removing a tag the profile does not have changes nothing. Rule tags cannot be removed by hand (409)." + MERGED)
    @APIResponse(responseCode = "204", description = "Removed")
    public Uni<Void> remove(@PathParam("id") UUID id,
            @Parameter(description = "The tag name, URL-encoded") @PathParam("name") String name,
            @Parameter(description = SOURCE) @QueryParam("source") String source) {
        return caller.workspaceWith(Scope.ADMIN).chain(workspaceId -> tags.removeTags(workspaceId, id, List.of(name), source)).replaceWithVoid();
    }
}
