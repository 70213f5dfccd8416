package io.kizuna.profile;

import org.eclipse.microprofile.graphql.Type;

@Type("ProfileEdge")
public record ProfileEdge(String cursor, ProfileNode node) {
}
