package io.kizuna.condition;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.kizuna.common.error.BadInputException;
import io.kizuna.common.openapi.KizunaApi;
import io.kizuna.workspace.auth.CallerContext;
import io.kizuna.workspace.auth.RequiresScope;
import io.kizuna.workspace.auth.Scope;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.smallrye.mutiny.Uni;

/** The condition language: its catalogue for editors, validation, and a live preview over the workspace's profiles. */
@Path("/v1/conditions")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@RequiresScope(Scope.READ)
@Tag(name = "Conditions", description = "The one condition language of segments, rule tags and journeys")
@SecurityRequirement(name = KizunaApi.API_KEY)
@RegisterForReflection
public class ConditionResource {

    private static final ConditionCatalog CATALOG = ConditionCatalog.build();

    @Schema(name = "ConditionRequest")
    @RegisterForReflection
    public record ConditionRequest(
            @Schema(required = true, implementation = Object.class, description = "A condition in JSON form, for example {\"all\": [{\"trait\": {\"path\": \"gender\", \"op\": \"equals\", \"value\": \"female\"}}, {\"event\": {\"name\": \"Product Added\", \"window\": {\"withinLast\": {\"amount\": 3, \"unit\": \"hours\"}}}}]}")
            Object conditions,
            @Schema(description = "Members to return in a preview, 1 to 100 (default 20)") Integer limit) {
    }

    @Schema(name = "ConditionValidated")
    @RegisterForReflection
    public record Validated(@Schema(description = "The condition in canonical JSON form") Object conditions) {
    }

    private final ConditionService conditions;
    private final CallerContext caller;

    public ConditionResource(ConditionService conditions, CallerContext caller) {
        this.conditions = conditions;
        this.caller = caller;
    }

    @GET
    @Path("/catalog")
    @Operation(summary = "Every field and operator of the condition language, with value types and an example for each")
    public Uni<ConditionCatalog> catalog() {
        return caller.workspaceWith(Scope.READ).map(workspace -> CATALOG);
    }

    @POST
    @Path("/validate")
    @Operation(summary = "Check a condition; errors name the offending node, for example conditions.all[2].event.window")
    public Uni<Validated> validate(ConditionRequest request) {
        return caller.workspaceWith(Scope.READ).map(workspace -> new Validated(ConditionJson.write(conditions.read(body(request).conditions(), "conditions"))));
    }

    @POST
    @Path("/preview")
    @Operation(summary = "Count the profiles matching a condition now and list the first of them, without saving anything")
    public Uni<ConditionPreview> preview(ConditionRequest request) {
        return caller.workspaceWith(Scope.READ).chain(workspace -> {
            ConditionRequest body = body(request);
            return conditions.preview(workspace, conditions.read(body.conditions(), "conditions"), body.limit());
        });
    }

    private static ConditionRequest body(ConditionRequest request) {
        if (request == null) {
            throw new BadInputException("body", "must be a JSON object with a 'conditions' field");
        }
        return request;
    }
}
