package io.kizuna.segment;

import java.util.UUID;

import jakarta.ws.rs.GET;
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

/** A profile's segment memberships, current and past. */
@Path("/v1/profiles/{id}/segments")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Segments")
@SecurityRequirement(name = KizunaApi.API_KEY)
@RegisterForReflection
public class ProfileSegmentsResource {

    private final SegmentService segments;
    private final CallerContext caller;

    public ProfileSegmentsResource(SegmentService segments, CallerContext caller) {
        this.segments = segments;
        this.caller = caller;
    }

    @GET
    @RequiresScope(Scope.READ)
    @Operation(summary = "List the segments a profile is in now, and every stay (entered, exited), newest first",
            description = "A merged-away id answers with the profile it was merged into.")
    public Uni<SegmentView.ProfileSegments> segments(@PathParam("id") UUID id) {
        return caller.workspaceWith(Scope.READ).chain(workspaceId -> segments.profileSegments(workspaceId, id));
    }
}
