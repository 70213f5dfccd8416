package io.kizuna.profile.computed;

import java.time.Instant;

import org.eclipse.microprofile.graphql.Type;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import io.quarkus.runtime.annotations.RegisterForReflection;

@Type("ChannelActivity")
@Schema(name = "ChannelActivity", description = "The last activity on one channel (web, mobile, line, email, ...)")
@RegisterForReflection
public record ChannelActivity(String channel, Instant lastActivityAt) {
}
