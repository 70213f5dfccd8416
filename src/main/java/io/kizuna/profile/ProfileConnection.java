package io.kizuna.profile;

import java.util.List;

import org.eclipse.microprofile.graphql.Type;

import io.kizuna.common.paging.PageInfo;

@Type("ProfileConnection")
public record ProfileConnection(List<ProfileEdge> edges, PageInfo pageInfo) {
}
