package io.kizuna.profile.event;

import org.eclipse.microprofile.graphql.Type;

@Type("EventEdge")
public record EventEdge(String cursor, ProfileEventView node) {
}
