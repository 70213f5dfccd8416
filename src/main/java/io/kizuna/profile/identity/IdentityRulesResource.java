package io.kizuna.profile.identity;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
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

@Path("/v1/identity-rules")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Tag(name = "Profiles")
@SecurityRequirement(name = KizunaApi.API_KEY)
@RegisterForReflection
public class IdentityRulesResource {

    private final IdentityRulesService rules;
    private final CallerContext caller;

    public IdentityRulesResource(IdentityRulesService rules, CallerContext caller) {
        this.rules = rules;
        this.caller = caller;
    }

    @GET
    @RequiresScope(Scope.READ)
    @Operation(summary = "The workspace's identity merge rules")
    public Uni<IdentityRules> get() {
        return caller.workspaceWith(Scope.READ).chain(rules::rules);
    }

    @PUT
    @RequiresScope(Scope.ADMIN)
    @Operation(summary = "Replace the identity merge rules; they apply to events ingested from now on")
    public Uni<IdentityRules> replace(IdentityRules body) {
        return caller.workspaceWith(Scope.ADMIN).chain(workspaceId -> rules.replace(workspaceId, body));
    }
}
