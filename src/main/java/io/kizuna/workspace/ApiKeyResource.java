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
import io.kizuna.workspace.auth.CallerContext;
import io.kizuna.workspace.auth.RequiresScope;
import io.kizuna.workspace.auth.Scope;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.smallrye.mutiny.Uni;

/** A workspace admin manages the workspace's own keys. */
@Path("/v1/keys")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@RequiresScope(Scope.ADMIN)
@Tag(name = "Workspace")
@SecurityRequirement(name = KizunaApi.API_KEY)
@RegisterForReflection
public class ApiKeyResource {

    private final ApiKeyService keys;
    private final CallerContext caller;

    public ApiKeyResource(ApiKeyService keys, CallerContext caller) {
        this.keys = keys;
        this.caller = caller;
    }

    @GET
    @Operation(summary = "List this workspace's API keys, without secrets")
    public Uni<Page<ApiKeyView>> list(
            @Parameter(description = "Cursor from a previous page's nextCursor") @QueryParam("after") String after,
            @Parameter(description = "Page size, 1 to 500 (default 50)") @QueryParam("limit") Integer limit) {
        return caller.workspaceWith(Scope.ADMIN).chain(workspaceId -> keys.list(workspaceId, after, limit));
    }

    @POST
    @ResponseStatus(201)
    @Operation(summary = "Issue another key for this workspace; the secret is in this response only")
    @APIResponse(responseCode = "201", description = "The new key and its secret")
    public Uni<IssuedApiKey> issue(@Valid @NotNull CreateApiKeyRequest body) {
        return caller.workspaceWith(Scope.ADMIN).chain(workspaceId -> keys.issue(workspaceId, body));
    }

    @DELETE
    @Path("/{keyId}")
    @Operation(summary = "Revoke a key of this workspace at once")
    public Uni<ApiKeyView> revoke(@PathParam("keyId") UUID keyId) {
        return caller.workspaceWith(Scope.ADMIN).chain(workspaceId -> keys.revoke(workspaceId, keyId));
    }
}
