package io.kizuna.profile.event;

import org.eclipse.microprofile.graphql.NonNull;
import org.eclipse.microprofile.graphql.Type;

@Type("EventEdge")
public record EventEdge(@NonNull String cursor, @NonNull ProfileEventView node) {
}
