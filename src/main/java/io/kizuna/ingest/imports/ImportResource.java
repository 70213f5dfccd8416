package io.kizuna.ingest.imports;

import java.util.List;
import java.util.UUID;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
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

/** Bulk import: create a job with its column mapping, upload the file, follow its progress. */
@Path("/v1/imports")
@Produces(MediaType.APPLICATION_JSON)
@RequiresScope(Scope.ADMIN)
@Tag(name = "Imports", description = "Bulk import of profiles and events from CSV or NDJSON")
@SecurityRequirement(name = KizunaApi.API_KEY)
@RegisterForReflection
public class ImportResource {

    private final ImportService imports;
    private final CallerContext caller;

    public ImportResource(ImportService imports, CallerContext caller) {
        this.imports = imports;
        this.caller = caller;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @ResponseStatus(201)
    @Operation(summary = "Create an import job; then PUT its data to /v1/imports/{id}/data")
    @APIResponse(responseCode = "201", description = "The job, awaiting its data")
    public Uni<ImportJobView> create(@Valid @NotNull CreateImportRequest body) {
        return caller.workspaceWith(Scope.ADMIN).chain(workspaceId -> imports.create(workspaceId, body));
    }

    @PUT
    @Path("/{importId}/data")
    @Consumes({ "text/csv", "application/x-ndjson", MediaType.TEXT_PLAIN, MediaType.APPLICATION_OCTET_STREAM })
    @Operation(summary = "Upload the file (UTF-8 CSV with a header row, or NDJSON); the job starts")
    public Uni<ImportJobView> upload(@PathParam("importId") UUID importId, byte[] body) {
        return caller.workspaceWith(Scope.ADMIN).chain(workspaceId -> imports.upload(workspaceId, importId, body));
    }

    @GET
    @Path("/{importId}")
    @Operation(summary = "An import's status and progress: rows read, imported and rejected")
    public Uni<ImportJobView> get(@PathParam("importId") UUID importId) {
        return caller.workspaceWith(Scope.ADMIN).chain(workspaceId -> imports.get(workspaceId, importId));
    }

    @GET
    @Operation(summary = "List imports, oldest first")
    public Uni<Page<ImportJobView>> list(
            @Parameter(description = "Cursor from a previous page's nextCursor") @QueryParam("after") String after,
            @Parameter(description = "Page size, 1 to 500 (default 50)") @QueryParam("limit") Integer limit) {
        return caller.workspaceWith(Scope.ADMIN).chain(workspaceId -> imports.list(workspaceId, after, limit));
    }

    @GET
    @Path("/{importId}/errors")
    @Operation(summary = "The rejected rows of an import, with the column and the reason")
    public Uni<List<ImportRowError>> errors(@PathParam("importId") UUID importId) {
        return caller.workspaceWith(Scope.ADMIN).chain(workspaceId -> imports.errors(workspaceId, importId));
    }
}
