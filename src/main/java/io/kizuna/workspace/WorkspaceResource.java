package io.kizuna.workspace;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.kizuna.common.openapi.KizunaApi;
import io.kizuna.workspace.auth.CallerContext;
import io.kizuna.workspace.auth.RequiresScope;
import io.kizuna.workspace.auth.Scope;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.smallrye.mutiny.Uni;

/** The caller's own workspace. */
@Path("/v1/workspace")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Tag(name = "Workspace")
@SecurityRequirement(name = KizunaApi.API_KEY)
@RegisterForReflection
public class WorkspaceResource {

    private final WorkspaceService workspaces;
    private final CallerContext caller;

    public WorkspaceResource(WorkspaceService workspaces, CallerContext caller) {
        this.workspaces = workspaces;
        this.caller = caller;
    }

    @GET
    @RequiresScope(Scope.READ)
    @Operation(summary = "Get the workspace the key belongs to")
    public Uni<WorkspaceView> get() {
        return caller.workspaceWith(Scope.READ).chain(workspaces::get);
    }

    @PATCH
    @RequiresScope(Scope.ADMIN)
    @Operation(summary = "Rename the workspace or change its time zone")
    public Uni<WorkspaceView> update(@Valid @NotNull UpdateWorkspaceRequest body) {
        return caller.workspaceWith(Scope.ADMIN).chain(workspaceId -> workspaces.update(workspaceId, body));
    }
}
