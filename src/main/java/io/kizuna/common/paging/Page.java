package io.kizuna.common.paging;

import java.util.List;
import java.util.UUID;
import java.util.function.Function;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** One page of a cursor-paged list. {@code nextCursor} is absent on the last page. */
public record Page<T>(
        @Schema(description = "Items of this page") List<T> items,
        @Schema(description = "Pass as 'after' to get the next page; absent on the last page") String nextCursor) {

    /**
     * Builds a page from a query that fetched one row more than the page size: that extra row
     * only tells that another page exists.
     */
    public static <R, T> Page<T> of(List<R> rows, int size, Function<R, UUID> id, Function<R, T> view) {
        boolean more = rows.size() > size;
        List<R> kept = more ? rows.subList(0, size) : rows;
        String next = more ? Cursors.encode(id.apply(kept.get(kept.size() - 1))) : null;
        return new Page<>(kept.stream().map(view).toList(), next);
    }
}
