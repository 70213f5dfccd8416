package io.kizuna.profile.traits;

import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.kizuna.common.openapi.KizunaApi;
import io.kizuna.workspace.auth.CallerContext;
import io.kizuna.workspace.auth.RequiresScope;
import io.kizuna.workspace.auth.Scope;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.smallrye.mutiny.Uni;

@Path("/v1/rfm")
@Produces(MediaType.APPLICATION_JSON)
@RequiresScope(Scope.ADMIN)
@Tag(name = "Profiles")
@SecurityRequirement(name = KizunaApi.API_KEY)
@RegisterForReflection
public class RfmResource {

    @Schema(name = "RfmRecomputed")
    public record Recomputed(@Schema(description = "Customers with orders, now scored") long scored) {
    }

    private final RfmService rfm;
    private final CallerContext caller;

    public RfmResource(RfmService rfm, CallerContext caller) {
        this.rfm = rfm;
        this.caller = caller;
    }

    @POST
    @Path("/recompute")
    @Operation(summary = "Recompute RFM scores now (they are also recomputed hourly)")
    public Uni<Recomputed> recompute() {
        return caller.workspaceWith(Scope.ADMIN).chain(rfm::recompute).map(Recomputed::new);
    }
}
