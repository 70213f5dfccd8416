package io.kizuna.segment;

import java.util.List;
import java.util.Map;
import java.util.UUID;

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
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.ResponseStatus;
import org.jboss.resteasy.reactive.RestMulti;

import io.kizuna.common.openapi.KizunaApi;
import io.kizuna.common.paging.Page;
import io.kizuna.condition.ConditionPreview;
import io.kizuna.condition.ConditionResource.ConditionRequest;
import io.kizuna.workspace.auth.CallerContext;
import io.kizuna.workspace.auth.RequiresScope;
import io.kizuna.workspace.auth.Scope;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.smallrye.mutiny.Uni;

/** Segments of the caller's workspace: definitions, preview, members, export, size over time and the change log. */
@Path("/v1/segments")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Tag(name = "Segments", description = "Saved conditions with materialized, always-current membership")
@SecurityRequirement(name = KizunaApi.API_KEY)
@RegisterForReflection
public class SegmentResource {

    private static final String AFTER = "Cursor from a previous page's nextCursor";
    private static final String LIMIT = "Page size, 1 to 500 (default 50)";

    private final SegmentService segments;
    private final CallerContext caller;

    public SegmentResource(SegmentService segments, CallerContext caller) {
        this.segments = segments;
        this.caller = caller;
    }

    @POST
    @RequiresScope(Scope.ADMIN)
    @ResponseStatus(201)
    @Operation(summary = "Create a segment; its members are computed in the background (status BUILDING, then READY)")
    @APIResponse(responseCode = "201", description = "The segment, BUILDING")
    public Uni<SegmentView> create(SegmentRequest body) {
        return caller.workspaceWith(Scope.ADMIN).chain(workspaceId -> segments.create(workspaceId, body));
    }

    @GET
    @RequiresScope(Scope.READ)
    @Operation(summary = "List segments, oldest first, with their member counts")
    public Uni<Page<SegmentView>> list(@Parameter(description = AFTER) @QueryParam("after") String after,
            @Parameter(description = LIMIT) @QueryParam("limit") Integer limit) {
        return caller.workspaceWith(Scope.READ).chain(workspaceId -> segments.list(workspaceId, after, limit));
    }

    @POST
    @Path("/preview")
    @RequiresScope(Scope.READ)
    @Operation(summary = "Count the profiles matching conditions now and list the first of them, without saving a segment")
    public Uni<ConditionPreview> preview(ConditionRequest body) {
        return caller.workspaceWith(Scope.READ).chain(workspaceId -> segments.preview(workspaceId,
                body == null ? null : body.conditions(), body == null ? null : body.limit()));
    }

    @GET
    @Path("/{id}")
    @RequiresScope(Scope.READ)
    @Operation(summary = "Get a segment: status, version, last computation and current member count")
    public Uni<SegmentView> get(@PathParam("id") UUID id) {
        return caller.workspaceWith(Scope.READ).chain(workspaceId -> segments.get(workspaceId, id));
    }

    @PATCH
    @Path("/{id}")
    @RequiresScope(Scope.ADMIN)
    @Operation(summary = "Rename a segment or change its conditions; new conditions bump the version and recompute the members")
    public Uni<SegmentView> update(@PathParam("id") UUID id, SegmentRequest body) {
        return caller.workspaceWith(Scope.ADMIN).chain(workspaceId -> segments.update(workspaceId, id, body));
    }

    @DELETE
    @Path("/{id}")
    @RequiresScope(Scope.ADMIN)
    @ResponseStatus(204)
    @Operation(summary = "Delete a segment; its members exit first (logged), then the segment goes",
            description = "Refused with 409 while other segments refer to it.")
    @APIResponse(responseCode = "204", description = "Deleted")
    @APIResponse(responseCode = "409", description = "Other segments refer to this one; the detail names them",
            content = @Content(mediaType = "application/problem+json", schema = @Schema(ref = "Problem")))
    public Uni<Void> delete(@PathParam("id") UUID id) {
        return caller.workspaceWith(Scope.ADMIN).chain(workspaceId -> segments.delete(workspaceId, id));
    }

    @GET
    @Path("/{id}/members")
    @RequiresScope(Scope.READ)
    @Operation(summary = "List a segment's members in profile id order, with their traits")
    public Uni<Page<SegmentView.Member>> members(@PathParam("id") UUID id,
            @Parameter(description = AFTER) @QueryParam("after") String after,
            @Parameter(description = LIMIT) @QueryParam("limit") Integer limit) {
        return caller.workspaceWith(Scope.READ).chain(workspaceId -> segments.members(workspaceId, id, after, limit));
    }

    @GET
    @Path("/{id}/export")
    @RequiresScope(Scope.READ)
    // One declared type (Quarkus streams a Multi only with a single @Produces); the export sets the real Content-Type.
    @Produces("text/csv")
    @Operation(summary = "Export every member as CSV or NDJSON, streamed",
            description = "CSV columns: profile_id, entered_at, traits (JSON text). NDJSON: one {\"profileId\", \"enteredAt\", \"traits\"} object a line.")
    @APIResponse(responseCode = "200", description = "The members", content = {
            @Content(mediaType = "text/csv", schema = @Schema(type = org.eclipse.microprofile.openapi.annotations.enums.SchemaType.STRING)),
            @Content(mediaType = "application/x-ndjson", schema = @Schema(type = org.eclipse.microprofile.openapi.annotations.enums.SchemaType.STRING)) })
    public RestMulti<String> export(@PathParam("id") UUID id,
            @Parameter(description = "csv (default) or ndjson") @QueryParam("format") String format) {
        return RestMulti.fromUniResponse(
                caller.workspaceWith(Scope.READ).chain(workspaceId -> segments.export(workspaceId, id, format)),
                SegmentService.Export::body,
                export -> Map.of("Content-Type", List.of(export.mediaType() + "; charset=UTF-8"),
                        "Content-Disposition", List.of("attachment; filename=\"" + export.fileName() + "\"")));
    }

    @GET
    @Path("/{id}/sizes")
    @RequiresScope(Scope.READ)
    @Operation(summary = "A segment's size over time, oldest first",
            description = "A point is recorded after each full computation and every hour for READY segments; at most the latest 1,000 points in the range.")
    public Uni<List<SegmentView.Size>> sizes(@PathParam("id") UUID id,
            @Parameter(description = "Only points at or after this ISO-8601 instant") @QueryParam("from") String from,
            @Parameter(description = "Only points at or before this ISO-8601 instant") @QueryParam("to") String to) {
        return caller.workspaceWith(Scope.READ).chain(workspaceId -> segments.sizes(workspaceId, id, from, to));
    }

    @GET
    @Path("/{id}/changes")
    @RequiresScope(Scope.READ)
    @Operation(summary = "Read the segment's membership changes (ENTERED, EXITED) in log order",
            description = "Pass the answer's 'next' as 'after' to read on; journeys and webhooks follow segments this way. A change "
                    + "appears once every transaction older than it has ended, so following 'next' never skips one that commits late.")
    public Uni<SegmentView.Changes> changes(@PathParam("id") UUID id,
            @Parameter(description = "The 'next' of a previous answer; 0 or absent reads from the beginning") @QueryParam("after") String after,
            @Parameter(description = "Changes per answer, 1 to 500 (default 50)") @QueryParam("limit") Integer limit) {
        return caller.workspaceWith(Scope.READ).chain(workspaceId -> segments.changes(workspaceId, id, after, limit));
    }
}
