package io.kizuna.condition;

import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.kizuna.common.error.BadInputException;
import io.kizuna.common.json.JsonValues;
import io.kizuna.workspace.WorkspaceZones;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.pgclient.PgPool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;

/**
 * Reads conditions and answers them over the workspace's profiles with the SQL engine: a count
 * and the first page of members, computed side by side on two connections.
 */
@ApplicationScoped
public class ConditionService {

    public static final int DEFAULT_PREVIEW_LIMIT = 20;
    public static final int MAX_PREVIEW_LIMIT = 100;
    /**
     * Sub-queries over events become hashed sub-plans under OR and NOT only when their result fits
     * in work_mem; the default 4 MB is too small for event windows over a million profiles.
     */
    private static final String SESSION_SETTINGS = "SET LOCAL work_mem = '64MB'; SET LOCAL statement_timeout = '30s'";

    private final PgPool pool;
    private final WorkspaceZones zones;
    private final Clock clock;

    public ConditionService(PgPool pool, WorkspaceZones zones, Clock clock) {
        this.pool = pool;
        this.zones = zones;
        this.clock = clock;
    }

    /** The evaluation context of a workspace now: its time zone and the clock's instant. */
    public Uni<EvaluationContext> context(UUID workspaceId) {
        return zones.zone(workspaceId).map(zone -> new EvaluationContext(workspaceId, clock.instant(), zone));
    }

    /** Reads and validates a condition's JSON form; violations name their path under {@code rootPath}. */
    public Condition read(Object json, String rootPath) {
        if (json == null) {
            throw new BadInputException(rootPath, "is required: a condition such as {\"trait\": {\"path\": \"address.city\", \"op\": \"equals\", \"value\": \"東京\"}}");
        }
        return ConditionJson.read(json, rootPath);
    }

    public Uni<ConditionPreview> preview(UUID workspaceId, Condition condition, Integer limit) {
        int size = limit == null ? DEFAULT_PREVIEW_LIMIT : limit;
        if (size < 1 || size > MAX_PREVIEW_LIMIT) {
            throw new BadInputException("limit", "must be between 1 and " + MAX_PREVIEW_LIMIT);
        }
        return context(workspaceId).chain(context -> {
            CompiledCondition compiled = SqlCompiler.compile(condition, context);
            String where = " FROM profiles p WHERE p.workspace_id = $1 AND (" + compiled.sql() + ")";
            Uni<Long> count = pool.withTransaction(connection -> settings(connection)
                    .chain(() -> connection.preparedQuery("SELECT count(*)" + where).execute(compiled.tuple(workspaceId)))
                    .map(rows -> rows.iterator().next().getLong(0)));
            Uni<List<ConditionPreview.Member>> members = pool.withTransaction(connection -> settings(connection)
                    .chain(() -> connection.preparedQuery("SELECT p.id, p.traits, p.last_seen_at" + where
                            + " ORDER BY p.id LIMIT $" + compiled.nextParameter()).execute(compiled.tuple(workspaceId, size)))
                    .map(ConditionService::members));
            return Uni.combine().all().unis(count, members)
                    .with((total, page) -> new ConditionPreview(total, page, context.now(), ConditionJson.write(condition)));
        });
    }

    private static Uni<Void> settings(SqlConnection connection) {
        return connection.query(SESSION_SETTINGS).execute().replaceWithVoid();
    }

    private static List<ConditionPreview.Member> members(Iterable<Row> rows) {
        List<ConditionPreview.Member> members = new ArrayList<>();
        for (Row row : rows) {
            OffsetDateTime lastSeen = row.getOffsetDateTime("last_seen_at");
            members.add(new ConditionPreview.Member(row.getUUID("id"), JsonValues.object(row.getValue("traits")),
                    lastSeen == null ? null : lastSeen.toInstant()));
        }
        return members;
    }
}
