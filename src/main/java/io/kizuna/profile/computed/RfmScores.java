package io.kizuna.profile.computed;

import org.eclipse.microprofile.graphql.Type;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import io.quarkus.runtime.annotations.RegisterForReflection;

@Type("RfmScores")
@Schema(name = "RfmScores", description = "Recency, frequency and monetary scores")
@RegisterForReflection
public record RfmScores(Integer recency, Integer frequency, Integer monetary) {
}
