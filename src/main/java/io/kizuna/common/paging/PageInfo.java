package io.kizuna.common.paging;

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
}
