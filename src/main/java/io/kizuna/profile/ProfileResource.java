package io.kizuna.profile;

import java.util.Map;
import java.util.UUID;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.ResponseStatus;

import io.kizuna.common.openapi.KizunaApi;
import io.kizuna.common.paging.Page;
import io.kizuna.profile.event.EventQuery;
import io.kizuna.profile.event.ProfileEventService;
import io.kizuna.profile.event.ProfileEventView;
import io.kizuna.profile.gdpr.ProfileErasureService;
import io.kizuna.profile.gdpr.ProfileExport;
import io.kizuna.profile.gdpr.ProfileExportService;
import io.kizuna.profile.identity.ProfileIdentities;
import io.kizuna.profile.identity.ProfileMerges;
import io.kizuna.workspace.auth.CallerContext;
import io.kizuna.workspace.auth.RequiresScope;
import io.kizuna.workspace.auth.Scope;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.smallrye.mutiny.Uni;

/** Profiles of the caller's workspace: read, look up, page, change traits, export and erase. */
@Path("/v1/profiles")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Tag(name = "Profiles", description = "Unified customer profiles, their identities, events and merges; GDPR export and erasure")
@SecurityRequirement(name = KizunaApi.API_KEY)
@RegisterForReflection
public class ProfileResource {

    private static final String VIEWED_DAYS = "Window of viewedNotBought in days, 1 to 365 (default 30)";
    private static final String MERGED = " A merged-away id answers with the profile it was merged into.";
    private static final String MERGED_ONLY = "A merged-away id answers with the profile it was merged into.";

    private final ProfileQueryService profiles;
    private final ProfileEventService events;
    private final ProfileTraitService traits;
    private final ProfileExportService exports;
    private final ProfileErasureService erasures;
    private final CallerContext caller;

    public ProfileResource(ProfileQueryService profiles, ProfileEventService events, ProfileTraitService traits,
            ProfileExportService exports, ProfileErasureService erasures, CallerContext caller) {
        this.profiles = profiles;
        this.events = events;
        this.traits = traits;
        this.exports = exports;
        this.erasures = erasures;
        this.caller = caller;
    }

    @GET
    @RequiresScope(Scope.READ)
    @Operation(summary = "List profiles in id order")
    public Uni<Page<ProfileView>> list(
            @Parameter(description = "Cursor from a previous page's nextCursor") @QueryParam("after") String after,
            @Parameter(description = "Page size, 1 to 500 (default 50)") @QueryParam("limit") Integer limit,
            @Parameter(description = VIEWED_DAYS) @QueryParam("viewedDays") Integer viewedDays) {
        return caller.workspaceWith(Scope.READ).chain(workspaceId -> profiles.list(workspaceId, after, limit, viewedDays));
    }

    @GET
    @Path("/lookup")
    @RequiresScope(Scope.READ)
    @Operation(summary = "Find the profile of an identity",
            description = "The value is normalised as ingestion stores it: emails are trimmed and lower-cased, phone numbers lose spaces, dashes and parentheses and must start with +.")
    public Uni<ProfileView> lookup(
            @Parameter(description = "Identity type: email, phone, user_id, anonymous_id, line_user_id, shopify_customer_id or a custom type", example = "email") @QueryParam("type") String type,
            @Parameter(description = "Identity value", example = "hanako@example.jp") @QueryParam("value") String value,
            @Parameter(description = VIEWED_DAYS) @QueryParam("viewedDays") Integer viewedDays) {
        return caller.workspaceWith(Scope.READ).chain(workspaceId -> profiles.lookup(workspaceId, type, value, viewedDays));
    }

    @GET
    @Path("/{id}")
    @RequiresScope(Scope.READ)
    @Operation(summary = "Get a profile with its computed traits", description = "A merged-away id answers with the profile it was merged into; mergedFrom then carries the id asked for.")
    public Uni<ProfileView> get(@PathParam("id") UUID id,
            @Parameter(description = VIEWED_DAYS) @QueryParam("viewedDays") Integer viewedDays) {
        return caller.workspaceWith(Scope.READ).chain(workspaceId -> profiles.get(workspaceId, id, viewedDays));
    }

    @GET
    @Path("/{id}/events")
    @RequiresScope(Scope.READ)
    @Operation(summary = "List a profile's events, newest first", description = "Includes events of profiles merged into this one." + MERGED)
    public Uni<Page<ProfileEventView>> events(@PathParam("id") UUID id,
            @Parameter(description = "Only events with this name (track event or page/screen name)") @QueryParam("name") String name,
            @Parameter(description = "Only events at or after this ISO-8601 instant") @QueryParam("from") String from,
            @Parameter(description = "Only events before this ISO-8601 instant") @QueryParam("to") String to,
            @Parameter(description = "Cursor from a previous page's nextCursor") @QueryParam("after") String after,
            @Parameter(description = "Page size, 1 to 500 (default 50)") @QueryParam("limit") Integer limit) {
        return caller.workspaceWith(Scope.READ)
                .chain(workspaceId -> events.page(workspaceId, id, EventQuery.of(name, from, to, after, limit, "limit")));
    }

    @GET
    @Path("/{id}/identities")
    @RequiresScope(Scope.READ)
    @Operation(summary = "List a profile's identities", description = MERGED_ONLY)
    public Uni<ProfileIdentities> identities(@PathParam("id") UUID id) {
        return caller.workspaceWith(Scope.READ).chain(workspaceId -> profiles.identities(workspaceId, id));
    }

    @GET
    @Path("/{id}/merges")
    @RequiresScope(Scope.READ)
    @Operation(summary = "List a profile's merge history", description = "Merges where this profile, or one merged into it, was the survivor or the merged profile, oldest first." + MERGED)
    public Uni<ProfileMerges> merges(@PathParam("id") UUID id) {
        return caller.workspaceWith(Scope.READ).chain(workspaceId -> profiles.merges(workspaceId, id));
    }

    @PATCH
    @Path("/{id}/traits")
    @RequiresScope(Scope.ADMIN)
    @Operation(summary = "Set or remove traits", description = "The body is an object of traits to set; a null value removes the trait. Trait names are 1 to 100 characters; custom fields are welcome." + MERGED)
    @RequestBody(description = "Traits to set, null to remove", required = true)
    public Uni<ProfileView> patchTraits(@PathParam("id") UUID id, Map<String, Object> body) {
        return caller.workspaceWith(Scope.ADMIN).chain(workspaceId -> traits.patch(workspaceId, id, body));
    }

    @GET
    @Path("/{id}/export")
    @RequiresScope(Scope.ADMIN)
    @Operation(summary = "Export everything held about a profile (GDPR access request)", description = MERGED_ONLY)
    public Uni<ProfileExport> export(@PathParam("id") UUID id) {
        return caller.workspaceWith(Scope.ADMIN).chain(workspaceId -> exports.export(workspaceId, id));
    }

    @DELETE
    @Path("/{id}")
    @RequiresScope(Scope.ADMIN)
    @ResponseStatus(204)
    @Operation(summary = "Erase a profile (GDPR erasure request)",
            description = "Deletes the profile, its events, identities and merge history in one transaction, and suppresses its identities (stored as SHA-256 hashes) so ingestion does not bring the person back." + MERGED)
    @APIResponse(responseCode = "204", description = "Erased")
    public Uni<Void> erase(@PathParam("id") UUID id) {
        return caller.workspaceWith(Scope.ADMIN).chain(workspaceId -> erasures.erase(workspaceId, id));
    }
}
