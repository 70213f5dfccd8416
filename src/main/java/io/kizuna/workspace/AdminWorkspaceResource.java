package io.kizuna.workspace;

import java.util.UUID;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
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
import io.kizuna.workspace.auth.OperatorOnly;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.smallrye.mutiny.Uni;

/** The operator's API: create, list and disable workspaces, and issue and revoke their keys. */
@Path("/v1/admin/workspaces")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@OperatorOnly
@Tag(name = "Admin")
@SecurityRequirement(name = KizunaApi.OPERATOR)
@RegisterForReflection
public class AdminWorkspaceResource {

    private final WorkspaceService workspaces;
    private final ApiKeyService keys;

    public AdminWorkspaceResource(WorkspaceService workspaces, ApiKeyService keys) {
        this.workspaces = workspaces;
        this.keys = keys;
    }

    @POST
    @ResponseStatus(201)
    @Operation(summary = "Create a workspace")
    @APIResponse(responseCode = "201", description = "The new workspace")
    public Uni<WorkspaceView> create(@Valid @NotNull CreateWorkspaceRequest body) {
        return workspaces.create(body);
    }

    @GET
    @Operation(summary = "List workspaces, oldest first")
    public Uni<Page<WorkspaceView>> list(
            @Parameter(description = "Cursor from a previous page's nextCursor") @QueryParam("after") String after,
            @Parameter(description = "Page size, 1 to 500 (default 50)") @QueryParam("limit") Integer limit) {
        return workspaces.list(after, limit);
    }

    @GET
    @Path("/{workspaceId}")
    @Operation(summary = "Get a workspace")
    public Uni<WorkspaceView> get(@PathParam("workspaceId") UUID workspaceId) {
        return workspaces.get(workspaceId);
    }

    @POST
    @Path("/{workspaceId}/disable")
    @Operation(summary = "Disable a workspace; its keys are refused until it is enabled again")
    public Uni<WorkspaceView> disable(@PathParam("workspaceId") UUID workspaceId) {
        return workspaces.disable(workspaceId);
    }

    @POST
    @Path("/{workspaceId}/enable")
    @Operation(summary = "Enable a disabled workspace")
    public Uni<WorkspaceView> enable(@PathParam("workspaceId") UUID workspaceId) {
        return workspaces.enable(workspaceId);
    }

    @POST
    @Path("/{workspaceId}/keys")
    @ResponseStatus(201)
    @Operation(summary = "Issue an API key; the secret is in this response only")
    @APIResponse(responseCode = "201", description = "The new key and its secret")
    public Uni<IssuedApiKey> issueKey(@PathParam("workspaceId") UUID workspaceId, @Valid @NotNull CreateApiKeyRequest body) {
        return keys.issue(workspaceId, body);
    }

    @GET
    @Path("/{workspaceId}/keys")
    @Operation(summary = "List a workspace's API keys, without secrets")
    public Uni<Page<ApiKeyView>> listKeys(@PathParam("workspaceId") UUID workspaceId,
            @Parameter(description = "Cursor from a previous page's nextCursor") @QueryParam("after") String after,
            @Parameter(description = "Page size, 1 to 500 (default 50)") @QueryParam("limit") Integer limit) {
        return keys.list(workspaceId, after, limit);
    }

    @DELETE
    @Path("/{workspaceId}/keys/{keyId}")
    @Operation(summary = "Revoke an API key at once")
    public Uni<ApiKeyView> revokeKey(@PathParam("workspaceId") UUID workspaceId, @PathParam("keyId") UUID keyId) {
        return keys.revoke(workspaceId, keyId);
    }
}
