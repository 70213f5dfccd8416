package io.kizuna.profile.event;

import java.util.List;

import org.eclipse.microprofile.graphql.NonNull;
import org.eclipse.microprofile.graphql.Type;

import io.kizuna.common.paging.PageInfo;

@Type("EventConnection")
public record EventConnection(@NonNull List<@NonNull EventEdge> edges, @NonNull PageInfo pageInfo) {
}
