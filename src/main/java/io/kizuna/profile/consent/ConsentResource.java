package io.kizuna.profile.consent;

import java.util.List;
import java.util.UUID;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
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

@Path("/v1/profiles/{id}/consents")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Tag(name = "Profiles")
@SecurityRequirement(name = KizunaApi.API_KEY)
@RegisterForReflection
public class ConsentResource {

    private final ConsentService consents;
    private final CallerContext caller;

    public ConsentResource(ConsentService consents, CallerContext caller) {
        this.consents = consents;
        this.caller = caller;
    }

    @GET
    @RequiresScope(Scope.READ)
    @Operation(summary = "A profile's consent per channel and topic")
    public Uni<List<ConsentView>> list(@PathParam("id") UUID id) {
        return caller.workspaceWith(Scope.READ).chain(workspaceId -> consents.list(workspaceId, id));
    }

    @PUT
    @RequiresScope(Scope.ADMIN)
    @Operation(summary = "Record consent answers", description = "Each answer replaces the earlier one for the same channel and topic. Topic \"\" (or absent) is the channel as a whole; refusing it makes the profile unreachable on that channel.")
    public Uni<List<ConsentView>> record(@PathParam("id") UUID id, List<ConsentInput> answers) {
        return caller.workspaceWith(Scope.ADMIN).chain(workspaceId -> consents.record(workspaceId, id, answers));
    }
}
