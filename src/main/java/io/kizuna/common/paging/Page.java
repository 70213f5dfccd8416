package io.kizuna.common.paging;

import java.util.List;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** One page of a cursor-paged list. {@code nextCursor} is absent on the last page. */
public record Page<T>(
        @Schema(description = "Items of this page") List<T> items,
        @Schema(description = "Pass as 'after' to get the next page; absent on the last page") String nextCursor) {
}
