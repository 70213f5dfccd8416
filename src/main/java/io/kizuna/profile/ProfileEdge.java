package io.kizuna.profile;

import org.eclipse.microprofile.graphql.NonNull;
import org.eclipse.microprofile.graphql.Type;

@Type("ProfileEdge")
public record ProfileEdge(@NonNull String cursor, @NonNull ProfileNode node) {
}
