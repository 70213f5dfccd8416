package io.kizuna.segment;

import java.time.Clock;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.kizuna.condition.CompiledCondition;
import io.kizuna.condition.Condition;
import io.kizuna.condition.ConditionJson;
import io.kizuna.condition.ConditionService;
import io.kizuna.condition.SqlCompiler;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.pgclient.PgPool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import io.vertx.pgclient.PgException;

/**
 * Computes a segment's members in full with the SQL engine, set-based, in one transaction: profiles
 * that match and are not members enter, members that no longer match exit, with history and the
 * audience change log written in the same statement, then a size point, then READY. Runs in the
 * background after a segment is created or its conditions change, followed by the segments that
 * depend on it. Computations of one segment are serialized with an advisory lock, and only the
 * computation of the latest version may commit: an older one rolls back when a newer version
 * arrived meanwhile, and the newer one runs after it.
 */
@ApplicationScoped
public class SegmentComputer {

    private static final Logger LOG = Logger.getLogger(SegmentComputer.class);

    private static final String SESSION_SETTINGS = "SET LOCAL work_mem = '64MB'; SET LOCAL statement_timeout = '5min'";
    private static final String SEGMENT_LOCK = "SELECT pg_advisory_xact_lock(hashtextextended('kizuna.segment:' || $1::uuid::text, 0))";

    /**
     * The full recompute. {@code %1$s} is the compiled condition over {@code profiles p};
     * {@code $%2$d} the segment id and {@code $%3$d} now.
     */
    private static final String RECOMPUTE = """
            WITH matching AS (
                SELECT p.id FROM profiles p WHERE p.workspace_id = $1 AND (%1$s)),
            entered AS (
                INSERT INTO segment_members (workspace_id, segment_id, profile_id, entered_at)
                SELECT $1, $%2$d::uuid, m.id, $%3$d::timestamptz FROM matching m
                ON CONFLICT DO NOTHING
                RETURNING profile_id),
            exited AS (
                DELETE FROM segment_members sm
                 WHERE sm.workspace_id = $1 AND sm.segment_id = $%2$d::uuid
                   AND NOT EXISTS (SELECT 1 FROM matching m WHERE m.id = sm.profile_id)
                RETURNING sm.profile_id),
            logged AS (
                INSERT INTO audience_changes (workspace_id, kind, audience, profile_id, change, at)
                SELECT $1, 'SEGMENT', $%2$d::uuid::text, profile_id, 'ENTERED', $%3$d::timestamptz FROM entered
                UNION ALL
                SELECT $1, 'SEGMENT', $%2$d::uuid::text, profile_id, 'EXITED', $%3$d::timestamptz FROM exited)
            SELECT (SELECT count(*) FROM entered) AS entered, (SELECT count(*) FROM exited) AS exited""";

    private static final String RECORD_SIZE = """
            INSERT INTO segment_sizes (workspace_id, segment_id, at, size)
            SELECT $1, $2, $3, count(*) FROM segment_members WHERE workspace_id = $1 AND segment_id = $2
            ON CONFLICT (workspace_id, segment_id, at) DO UPDATE SET size = EXCLUDED.size""";

    /** Every READY segment's size now, in one statement over the members' primary key. */
    private static final String RECORD_ALL_SIZES = """
            INSERT INTO segment_sizes (workspace_id, segment_id, at, size)
            SELECT s.workspace_id, s.id, $1,
                   (SELECT count(*) FROM segment_members m WHERE m.workspace_id = s.workspace_id AND m.segment_id = s.id)
              FROM segments s WHERE s.status = 'READY'
            ON CONFLICT (workspace_id, segment_id, at) DO NOTHING""";

    /** Thrown inside the transaction when a newer version arrived while computing: roll back, the newer computation follows. */
    private static final class Superseded extends RuntimeException {
        Superseded() {
            super(null, null, false, false);
        }
    }

    private record Definition(int version, Condition condition) {
    }

    private final PgPool pool;
    private final ConditionService conditions;
    private final Clock clock;

    public SegmentComputer(PgPool pool, ConditionService conditions, Clock clock) {
        this.pool = pool;
        this.conditions = conditions;
        this.clock = clock;
    }

    /** Computes the segment, then the segments depending on it, in the background. */
    public void start(UUID workspaceId, UUID segmentId) {
        computeWithDependents(workspaceId, segmentId).subscribe().with(
                ignored -> {
                },
                failure -> LOG.errorf(failure, "Computing segment %s of workspace %s failed", segmentId, workspaceId));
    }

    /** Computes the segment; when it committed, recomputes every segment depending on it, transitively, in dependency order. */
    public Uni<Void> computeWithDependents(UUID workspaceId, UUID segmentId) {
        return compute(workspaceId, segmentId).chain(computed -> {
            if (!computed) {
                return Uni.createFrom().voidItem();
            }
            return SegmentService.definitions(pool, workspaceId).chain(graph -> {
                Set<UUID> affected = new HashSet<>(Set.of(segmentId));
                List<SegmentService.Definition> dependents = SegmentService.dependencyOrder(graph).stream()
                        .filter(definition -> {
                            boolean depends = SegmentService.references(definition.condition(), "").keySet().stream().anyMatch(affected::contains);
                            if (depends) {
                                affected.add(definition.id());
                            }
                            return depends;
                        })
                        .toList();
                return Multi.createFrom().iterable(dependents)
                        .onItem().transformToUniAndConcatenate(dependent -> compute(workspaceId, dependent.id())
                                .onFailure().recoverWithItem(failure -> {
                                    LOG.errorf(failure, "Recomputing segment %s after %s failed", dependent.id(), segmentId);
                                    return false;
                                }))
                        .collect().asList().replaceWithVoid();
            });
        });
    }

    /**
     * Computes the segment's members with its current definition. Answers true when it committed,
     * false when the segment is gone or a newer version superseded this computation. A failure sets
     * status FAILED (for the version computed) with a reason.
     */
    public Uni<Boolean> compute(UUID workspaceId, UUID segmentId) {
        int[] version = { 0 };
        return pool.withTransaction(connection -> connection.query(SESSION_SETTINGS).execute()
                .chain(() -> connection.preparedQuery(SEGMENT_LOCK).execute(Tuple.of(segmentId)))
                .chain(() -> connection.preparedQuery("SELECT version, condition FROM segments WHERE workspace_id = $1 AND id = $2")
                        .execute(Tuple.of(workspaceId, segmentId)))
                .chain(rows -> {
                    if (!rows.iterator().hasNext()) {
                        return Uni.createFrom().item(false);
                    }
                    var row = rows.iterator().next();
                    version[0] = row.getInteger("version");
                    Definition definition = new Definition(version[0], ConditionJson.read(row.getValue("condition"), "conditions"));
                    return recompute(connection, workspaceId, segmentId, definition).replaceWith(true);
                }))
                .onFailure(Superseded.class).recoverWithItem(false)
                .onFailure().call(failure -> fail(workspaceId, segmentId, version[0], failure));
    }

    private Uni<Void> recompute(SqlConnection connection, UUID workspaceId, UUID segmentId, Definition definition) {
        return conditions.context(workspaceId).chain(context -> {
            Instant now = context.now();
            CompiledCondition compiled = SqlCompiler.compile(definition.condition(), context);
            int segmentParameter = compiled.nextParameter();
            String sql = RECOMPUTE.formatted(compiled.sql(), segmentParameter, segmentParameter + 1);
            return connection.preparedQuery(sql).execute(compiled.tuple(workspaceId, segmentId, SegmentService.utc(now)))
                    .invoke(rows -> {
                        var counts = rows.iterator().next();
                        LOG.debugf("Segment %s v%d: %d entered, %d exited", segmentId, definition.version(),
                                counts.getLong("entered"), counts.getLong("exited"));
                    })
                    .chain(() -> connection.preparedQuery(RECORD_SIZE).execute(Tuple.of(workspaceId, segmentId, SegmentService.utc(now))))
                    .chain(() -> connection.preparedQuery("""
                            UPDATE segments SET status = 'READY', computed_at = $4, failure = NULL
                             WHERE workspace_id = $1 AND id = $2 AND version = $3""")
                            .execute(Tuple.of(workspaceId, segmentId, definition.version(), SegmentService.utc(now))))
                    .invoke(updated -> {
                        if (updated.rowCount() == 0) {
                            throw new Superseded();
                        }
                    })
                    .replaceWithVoid();
        });
    }

    private Uni<Void> fail(UUID workspaceId, UUID segmentId, int version, Throwable failure) {
        if (version == 0) {
            return Uni.createFrom().voidItem();
        }
        String reason;
        if (failure instanceof PgException pg && "57014".equals(pg.getSqlState())) {
            reason = "The computation took longer than 5 minutes; narrow the conditions (event windows, fewer OR branches) and save again";
        } else {
            String incident = UUID.randomUUID().toString();
            LOG.errorf(failure, "Segment %s v%d could not be computed (incident %s)", segmentId, version, incident);
            reason = "The computation failed; save the segment again to retry, or quote incident " + incident;
        }
        return pool.preparedQuery("UPDATE segments SET status = 'FAILED', failure = $4 WHERE workspace_id = $1 AND id = $2 AND version = $3")
                .execute(Tuple.of(workspaceId, segmentId, version, reason))
                .replaceWithVoid()
                .onFailure().recoverWithNull().replaceWithVoid();
    }

    /** Records the current size of every READY segment, hourly (see {@code kizuna.segments.size-schedule}). */
    @Scheduled(cron = "${kizuna.segments.size-schedule:0 0 * * * ?}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            identity = "segment-sizes")
    Uni<Void> hourlySizes() {
        return recordSizes()
                .onFailure().invoke(failure -> LOG.warn("Recording segment sizes failed; the next run retries", failure))
                .onFailure().recoverWithNull().replaceWithVoid();
    }

    /** Records the current size of every READY segment of every workspace at the clock's now; returns the number of points written. */
    public Uni<Integer> recordSizes() {
        return pool.preparedQuery(RECORD_ALL_SIZES).execute(Tuple.of(SegmentService.utc(clock.instant()))).map(rows -> rows.rowCount());
    }
}
