package io.kizuna.profile;

import java.util.List;

import org.eclipse.microprofile.graphql.NonNull;
import org.eclipse.microprofile.graphql.Type;

import io.kizuna.common.paging.PageInfo;

@Type("ProfileConnection")
public record ProfileConnection(@NonNull List<@NonNull ProfileEdge> edges, @NonNull PageInfo pageInfo) {
}
