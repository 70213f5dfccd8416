package io.kizuna.common.openapi;

import jakarta.ws.rs.core.Application;

import org.eclipse.microprofile.openapi.annotations.OpenAPIDefinition;
import org.eclipse.microprofile.openapi.annotations.Components;
import org.eclipse.microprofile.openapi.annotations.enums.SecuritySchemeType;
import org.eclipse.microprofile.openapi.annotations.info.Info;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.security.SecurityScheme;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.kizuna.common.error.Problem;

@OpenAPIDefinition(
        info = @Info(title = "Kizuna API", version = "0.1.0",
                description = "Headless customer data platform and journey engine."),
        tags = {
                @Tag(name = "Admin", description = "Operator API: workspaces and their keys (operator token)"),
                @Tag(name = "Workspace", description = "The caller's own workspace and its keys"),
                @Tag(name = "Tracking", description = "Segment-compatible tracking API (write key)"),
                @Tag(name = "Profiles", description = "Customer profiles, identities and merge rules")
        },
        components = @Components(
                schemas = {
                        @Schema(name = "Problem", implementation = Problem.class),
                        @Schema(name = "SegmentMessage", implementation = io.kizuna.ingest.SegmentMessageSchema.class),
                        @Schema(name = "SegmentBatch", implementation = io.kizuna.ingest.SegmentBatchSchema.class)
                },
                securitySchemes = {
                        @SecurityScheme(securitySchemeName = KizunaApi.API_KEY, type = SecuritySchemeType.HTTP,
                                scheme = "bearer", bearerFormat = "kzn_…",
                                description = "A workspace API key: Authorization: Bearer kzn_…"),
                        @SecurityScheme(securitySchemeName = KizunaApi.OPERATOR, type = SecuritySchemeType.HTTP,
                                scheme = "bearer", description = "The operator token (KIZUNA_ADMIN_TOKEN)"),
                        @SecurityScheme(securitySchemeName = KizunaApi.WRITE_KEY, type = SecuritySchemeType.HTTP,
                                scheme = "basic",
                                description = "Tracking API: an ingest-scoped key as the Basic username, empty password (Segment's write-key convention)")
                }))
public class KizunaApi extends Application {

    public static final String API_KEY = "apiKey";
    public static final String OPERATOR = "operatorToken";
    public static final String WRITE_KEY = "writeKey";
}
