package io.kizuna.ingest;

import java.time.Clock;
import java.time.Instant;
import java.util.List;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.kizuna.common.error.BadInputException;
import io.kizuna.common.error.FieldViolation;
import io.kizuna.common.openapi.KizunaApi;
import io.kizuna.workspace.auth.CallerContext;
import io.kizuna.workspace.auth.RequiresScope;
import io.kizuna.workspace.auth.Scope;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.smallrye.mutiny.Uni;

/**
 * The Segment HTTP tracking API. Existing Segment and RudderStack SDKs work by pointing them at
 * Kizuna's host with an ingest key as the write key.
 */
@Path("/v1")
@Produces(MediaType.APPLICATION_JSON)
@Consumes({ MediaType.APPLICATION_JSON, MediaType.TEXT_PLAIN, MediaType.WILDCARD })
@RequiresScope(Scope.INGEST)
@Tag(name = "Tracking")
@SecurityRequirement(name = KizunaApi.WRITE_KEY)
@SecurityRequirement(name = KizunaApi.API_KEY)
@RegisterForReflection
public class TrackingResource {

    private final SegmentParser parser;
    private final IngestService ingest;
    private final CallerContext caller;
    private final Clock clock;

    public TrackingResource(SegmentParser parser, IngestService ingest, CallerContext caller, Clock clock) {
        this.parser = parser;
        this.ingest = ingest;
        this.caller = caller;
        this.clock = clock;
    }

    @POST
    @Path("/identify")
    @Operation(summary = "Identify a user and record their traits")
    public Uni<TrackingResponse> identify(@RequestBody(content = @Content(schema = @Schema(ref = "SegmentMessage"))) byte[] body) {
        return single("identify", body);
    }

    @POST
    @Path("/track")
    @Operation(summary = "Record an action the user performed")
    public Uni<TrackingResponse> track(@RequestBody(content = @Content(schema = @Schema(ref = "SegmentMessage"))) byte[] body) {
        return single("track", body);
    }

    @POST
    @Path("/page")
    @Operation(summary = "Record a page view")
    public Uni<TrackingResponse> page(@RequestBody(content = @Content(schema = @Schema(ref = "SegmentMessage"))) byte[] body) {
        return single("page", body);
    }

    @POST
    @Path("/screen")
    @Operation(summary = "Record a mobile screen view")
    public Uni<TrackingResponse> screen(@RequestBody(content = @Content(schema = @Schema(ref = "SegmentMessage"))) byte[] body) {
        return single("screen", body);
    }

    @POST
    @Path("/group")
    @Operation(summary = "Associate the user with a group (company, household)")
    public Uni<TrackingResponse> group(@RequestBody(content = @Content(schema = @Schema(ref = "SegmentMessage"))) byte[] body) {
        return single("group", body);
    }

    @POST
    @Path("/alias")
    @Operation(summary = "Merge a previous identity (previousId) into a user (userId)")
    public Uni<TrackingResponse> alias(@RequestBody(content = @Content(schema = @Schema(ref = "SegmentMessage"))) byte[] body) {
        return single("alias", body);
    }

    @POST
    @Path("/batch")
    @Operation(summary = "Send many messages at once; invalid items are reported by index and the rest are kept")
    public Uni<TrackingResponse> batch(@RequestBody(content = @Content(schema = @Schema(ref = "SegmentBatch"))) byte[] body) {
        Instant receivedAt = clock.instant();
        return caller.workspaceWith(Scope.INGEST).chain(workspaceId -> {
            SegmentParser.ParsedBatch parsed = parser.batch(body, receivedAt);
            if (parsed.messages().isEmpty() && !parsed.errors().isEmpty()) {
                List<FieldViolation> violations = parsed.errors().stream().map(error -> new FieldViolation(error.field(), error.message())).toList();
                throw new BadInputException(violations);
            }
            return ingest.ingest(workspaceId, parsed.messages(), parsed.errors(), receivedAt);
        });
    }

    private Uni<TrackingResponse> single(String type, byte[] body) {
        Instant receivedAt = clock.instant();
        return caller.workspaceWith(Scope.INGEST).chain(workspaceId -> {
            TrackingMessage message = parser.single(type, body, receivedAt);
            return ingest.ingest(workspaceId, List.of(message), List.of(), receivedAt);
        });
    }
}
