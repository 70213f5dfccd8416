package io.kizuna.profile.event;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.kizuna.common.paging.Page;
import io.kizuna.common.paging.PageInfo;
import io.kizuna.profile.ProfileStore;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.pgclient.PgPool;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Reads a profile's events, newest first, from the partitioned event store. Events recorded on
 * profiles that were later merged into this one are included. One statement serves a single
 * profile (REST) and a page of profiles (GraphQL), each getting its own page of events through a
 * lateral join.
 */
@ApplicationScoped
public class ProfileEventService {

    private static final String ALL = ProfileStore.LINEAGE + "SELECT " + ProfileEventView.COLUMNS + """

              FROM events e
             WHERE e.workspace_id = $1 AND e.profile_id IN (SELECT id FROM lineage)
             ORDER BY e.occurred_at, e.id""";

    private final PgPool pool;
    private final ProfileStore store;

    public ProfileEventService(PgPool pool, ProfileStore store) {
        this.pool = pool;
        this.store = store;
    }

    /** One page of the profile's events; a merged-away id reads the survivor's events. */
    public Uni<Page<ProfileEventView>> page(UUID workspaceId, UUID profileId, EventQuery query) {
        return store.resolve(pool, workspaceId, profileId)
                .chain(profile -> latest(workspaceId, List.of(profile.id()), query).map(found -> found.get(profile.id())))
                .map(events -> {
                    boolean more = events.size() > query.limit();
                    List<ProfileEventView> items = more ? events.subList(0, query.limit()) : events;
                    String next = more ? items.get(items.size() - 1).cursor().encode() : null;
                    return new Page<>(items, next);
                });
    }

    /** A Relay connection of events for each of the profiles. */
    public Uni<Map<UUID, EventConnection>> connections(UUID workspaceId, List<UUID> profileIds, EventQuery query) {
        return latest(workspaceId, profileIds, query).map(found -> {
            Map<UUID, EventConnection> connections = new LinkedHashMap<>();
            profileIds.forEach(id -> connections.put(id, connection(found.getOrDefault(id, List.of()), query)));
            return connections;
        });
    }

    /** Every event of the profile and of the profiles merged into it, oldest first (for export). */
    public Uni<List<ProfileEventView>> all(SqlClient client, UUID workspaceId, UUID profileId) {
        return client.preparedQuery(ALL).execute(Tuple.of(workspaceId, new UUID[] { profileId })).map(rows -> {
            List<ProfileEventView> events = new ArrayList<>(rows.size());
            rows.forEach(row -> events.add(ProfileEventView.from(row)));
            return events;
        });
    }

    private static EventConnection connection(List<ProfileEventView> events, EventQuery query) {
        boolean more = events.size() > query.limit();
        List<EventEdge> edges = (more ? events.subList(0, query.limit()) : events).stream()
                .map(event -> new EventEdge(event.cursor().encode(), event))
                .toList();
        return new EventConnection(edges, PageInfo.of(edges.stream().map(EventEdge::cursor).toList(), more, query.after() == null ? null : query.after().encode()));
    }

    /** Up to limit + 1 newest events per profile, so callers can tell whether more follow. */
    private Uni<Map<UUID, List<ProfileEventView>>> latest(UUID workspaceId, List<UUID> profileIds, EventQuery query) {
        List<Object> parameters = new ArrayList<>(List.of(workspaceId, profileIds.toArray(UUID[]::new)));
        StringBuilder where = new StringBuilder("e.workspace_id = $1 AND e.profile_id IN (SELECT l.id FROM lineage l WHERE l.root = r.root)");
        if (query.name() != null) {
            where.append(" AND e.name = ").append(bind(parameters, query.name()));
        }
        if (query.from() != null) {
            where.append(" AND e.occurred_at >= ").append(bind(parameters, timestamp(query.from())));
        }
        if (query.to() != null) {
            where.append(" AND e.occurred_at < ").append(bind(parameters, timestamp(query.to())));
        }
        if (query.after() != null) {
            where.append(" AND (e.occurred_at, e.id) < (").append(bind(parameters, timestamp(query.after().occurredAt())))
                    .append("::timestamptz, ").append(bind(parameters, query.after().id())).append("::uuid)");
        }
        String limit = bind(parameters, query.limit() + 1);
        String sql = ProfileStore.LINEAGE + "SELECT r.root AS root, x.*"
                + " FROM unnest($2::uuid[]) WITH ORDINALITY AS r(root, position)"
                + " CROSS JOIN LATERAL (SELECT " + ProfileEventView.COLUMNS + " FROM events e WHERE " + where
                + " ORDER BY e.occurred_at DESC, e.id DESC LIMIT " + limit + "::int) x"
                + " ORDER BY r.position, x.occurred_at DESC, x.id DESC";
        return pool.preparedQuery(sql).execute(Tuple.from(parameters)).map(rows -> {
            Map<UUID, List<ProfileEventView>> byProfile = new LinkedHashMap<>();
            profileIds.forEach(id -> byProfile.put(id, new ArrayList<>()));
            rows.forEach(row -> byProfile.computeIfAbsent(row.getUUID("root"), id -> new ArrayList<>()).add(ProfileEventView.from(row)));
            return byProfile;
        });
    }

    private static String bind(List<Object> parameters, Object value) {
        parameters.add(value);
        return "$" + parameters.size();
    }

    private static OffsetDateTime timestamp(java.time.Instant instant) {
        return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }
}
