package io.kizuna.common.paging;

import java.util.List;

import org.eclipse.microprofile.graphql.Description;
import org.eclipse.microprofile.graphql.Type;

/** Relay's page info for forward paging (first/after). */
@Type("PageInfo")
@Description("Relay page info; pass endCursor as 'after' to get the next page")
public record PageInfo(
        @Description("Whether more items follow this page") boolean hasNextPage,
        @Description("Whether items precede this page (true when 'after' was given)") boolean hasPreviousPage,
        @Description("Cursor of the first edge, absent on an empty page") String startCursor,
        @Description("Cursor of the last edge, absent on an empty page") String endCursor) {

    /** The page info of a page whose edges carry these cursors, in order; {@code after} is the cursor the page was asked from. */
    public static PageInfo of(List<String> cursors, boolean more, String after) {
        return new PageInfo(more, after != null && !after.isBlank(), cursors.isEmpty() ? null : cursors.get(0),
                cursors.isEmpty() ? null : cursors.get(cursors.size() - 1));
    }
}
