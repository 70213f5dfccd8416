package io.kizuna.profile;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.kizuna.common.error.NotFoundException;
import io.kizuna.common.json.JsonValues;
import io.kizuna.profile.identity.IdentityKey;
import io.kizuna.profile.identity.IdentityView;
import io.kizuna.profile.identity.MergeView;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Parameterized SQL over profiles, identities and merge history, through the reactive client.
 * Every statement filters on the workspace. Methods take the {@link SqlClient} to run on, so the
 * same statements serve plain reads (the pool) and transactions (a connection).
 */
@ApplicationScoped
public class ProfileStore {

    /**
     * {@code lineage(root, id)}: each root of {@code $2::uuid[]} with itself and every profile merged into
     * it, transitively. {@code $1} is the workspace. UNION (not ALL) ends the recursion even on a cycle.
     */
    public static final String LINEAGE = """
            WITH RECURSIVE lineage(root, id) AS (
                SELECT t.root, t.root FROM unnest($2::uuid[]) AS t(root)
              UNION
                SELECT l.root, m.merged_id
                  FROM lineage l
                  JOIN profile_merges m ON m.workspace_id = $1 AND m.survivor_id = l.id AND m.outcome = 'MERGED')
            """;

    /** The profile with id $2, or the profile it was merged into (following chains), nearest first. */
    private static final String RESOLVE = """
            WITH RECURSIVE chain(id, depth) AS (
                SELECT $2::uuid, 0
              UNION ALL
                SELECT m.survivor_id, c.depth + 1
                  FROM chain c
                  JOIN profile_merges m ON m.workspace_id = $1 AND m.merged_id = c.id AND m.outcome = 'MERGED'
                 WHERE c.depth < 32)
            SELECT %s
              FROM chain c JOIN profiles p ON p.workspace_id = $1 AND p.id = c.id
             ORDER BY c.depth
             LIMIT 1""".formatted(StoredProfile.COLUMNS);

    private static final String PAGE = "SELECT " + StoredProfile.COLUMNS + """

              FROM profiles p
             WHERE p.workspace_id = $1 AND p.id > $2
             ORDER BY p.id
             LIMIT $3""";

    private static final String BY_IDS = "SELECT " + StoredProfile.COLUMNS
            + " FROM profiles p WHERE p.workspace_id = $1 AND p.id = ANY($2::uuid[])";

    private static final String BY_IDENTITY = "SELECT profile_id FROM identities WHERE workspace_id = $1 AND type = $2 AND value = $3";

    private static final String IDENTITIES = LINEAGE + """
            SELECT l.root, i.type, i.value, i.created_at
              FROM lineage l
              JOIN identities i ON i.workspace_id = $1 AND i.profile_id = l.id
             ORDER BY l.root, i.type, i.value""";

    private static final String MERGES = LINEAGE + """
            SELECT m.id, m.survivor_id, m.merged_id, m.outcome, m.reason, m.identities, m.merged_at
              FROM profile_merges m
             WHERE m.workspace_id = $1
               AND (m.survivor_id IN (SELECT id FROM lineage) OR m.merged_id IN (SELECT id FROM lineage))
             ORDER BY m.merged_at, m.id""";

    private static final String LINEAGE_IDS = LINEAGE + "SELECT id FROM lineage";

    /** The profile, following merges when the id was merged away; fails with NOT_FOUND otherwise. */
    public Uni<StoredProfile> resolve(SqlClient client, UUID workspaceId, UUID id) {
        return client.preparedQuery(RESOLVE).execute(Tuple.of(workspaceId, id))
                .map(rows -> first(rows, StoredProfile::from))
                .onItem().ifNull().failWith(() -> notFound(id));
    }

    public Uni<UUID> profileIdFor(SqlClient client, UUID workspaceId, String type, String value) {
        return client.preparedQuery(BY_IDENTITY).execute(Tuple.of(workspaceId, type, value))
                .map(rows -> first(rows, row -> row.getUUID("profile_id")));
    }

    /** Up to {@code limit} profiles with ids after {@code after}, in id order. */
    public Uni<List<StoredProfile>> page(SqlClient client, UUID workspaceId, UUID after, int limit) {
        return client.preparedQuery(PAGE).execute(Tuple.of(workspaceId, after, limit))
                .map(rows -> all(rows, StoredProfile::from));
    }

    public Uni<Map<UUID, StoredProfile>> byIds(SqlClient client, UUID workspaceId, List<UUID> ids) {
        return client.preparedQuery(BY_IDS).execute(Tuple.of(workspaceId, ids.toArray(UUID[]::new)))
                .map(rows -> {
                    Map<UUID, StoredProfile> found = new LinkedHashMap<>();
                    rows.forEach(row -> found.put(row.getUUID("id"), StoredProfile.from(row)));
                    return found;
                });
    }

    /** The profile's id and the ids of every profile merged into it. */
    public Uni<List<UUID>> lineage(SqlClient client, UUID workspaceId, UUID id) {
        return client.preparedQuery(LINEAGE_IDS).execute(Tuple.of(workspaceId, new UUID[] { id }))
                .map(rows -> all(rows, row -> row.getUUID("id")));
    }

    /** Identities per profile (including those of profiles merged into it), in type and value order. */
    public Uni<Map<UUID, List<IdentityView>>> identities(SqlClient client, UUID workspaceId, List<UUID> profileIds) {
        return client.preparedQuery(IDENTITIES).execute(Tuple.of(workspaceId, profileIds.toArray(UUID[]::new)))
                .map(rows -> {
                    Map<UUID, List<IdentityView>> byProfile = new LinkedHashMap<>();
                    profileIds.forEach(id -> byProfile.put(id, new ArrayList<>()));
                    rows.forEach(row -> byProfile.computeIfAbsent(row.getUUID("root"), id -> new ArrayList<>())
                            .add(new IdentityView(row.getString("type"), row.getString("value"),
                                    StoredProfile.instant(row, "created_at"))));
                    return byProfile;
                });
    }

    /** Merges where the profile, or a profile merged into it, was the survivor or the merged one. */
    public Uni<List<MergeView>> merges(SqlClient client, UUID workspaceId, UUID profileId) {
        return client.preparedQuery(MERGES).execute(Tuple.of(workspaceId, new UUID[] { profileId }))
                .map(rows -> all(rows, ProfileStore::merge));
    }

    private static MergeView merge(Row row) {
        List<IdentityKey> identities = new ArrayList<>();
        for (Object item : JsonValues.array(row.getValue("identities"))) {
            Map<String, Object> identity = JsonValues.object(item);
            identities.add(new IdentityKey(JsonValues.text(identity.get("type")), JsonValues.text(identity.get("value"))));
        }
        return new MergeView(row.getUUID("id").toString(), row.getUUID("survivor_id").toString(),
                row.getUUID("merged_id").toString(), row.getString("outcome"), row.getString("reason"), identities,
                StoredProfile.instant(row, "merged_at"));
    }

    public static NotFoundException notFound(Object id) {
        return new NotFoundException("No profile " + id + " in this workspace");
    }

    private static <T> T first(RowSet<Row> rows, java.util.function.Function<Row, T> mapper) {
        var iterator = rows.iterator();
        return iterator.hasNext() ? mapper.apply(iterator.next()) : null;
    }

    private static <T> List<T> all(RowSet<Row> rows, java.util.function.Function<Row, T> mapper) {
        List<T> items = new ArrayList<>(rows.size());
        rows.forEach(row -> items.add(mapper.apply(row)));
        return items;
    }
}
