package io.kizuna.profile.traits;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import io.kizuna.common.paging.Cursors;
import io.kizuna.condition.ProfileChange;
import io.kizuna.profile.ProfileLocks;
import io.kizuna.segment.AudienceEngine;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.pgclient.PgPool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * RFM scores: recency, frequency and monetary value, each 1 to 5 by quintile among the
 * workspace's customers who have ordered (5 is best). Ties share a score: a customer scores
 * {@code ceil(5 * c / n)}, where c counts the customers at or below their value. Customers
 * without orders have none. Rule tags and segments reading a score are decided again for the
 * customers whose scores moved.
 *
 * <p>The quintiles are found first, without locking anything: a score is 1 plus the number of the
 * four thresholds the customer's value reaches. Then the customers are walked in id order, a page
 * at a time, and only those whose score moves are locked (in {@link ProfileLocks} order, like
 * ingestion, so the two never deadlock), updated and decided again, in a short transaction per
 * page. One UPDATE over the whole workspace would hold every customer's row for its whole run,
 * stalling ingestion, and lock them in whatever order its plan read them.
 */
@ApplicationScoped
public class RfmService {

    private static final Logger LOG = Logger.getLogger(RfmService.class);

    /**
     * For k = 2..5, the value of the customer at position floor((k - 1) * n / 5) + 1 in ascending
     * order: c/n > (k - 1)/5 holds exactly for the values at or above it. Thresholds repeat when
     * there are fewer than five customers.
     */
    private static final String THRESHOLDS = """
            WITH c AS MATERIALIZED (
                     SELECT last_order_at, order_count, lifetime_revenue FROM profiles WHERE workspace_id = $1 AND order_count > 0),
                 n AS (SELECT count(*) AS n FROM c),
                 positions AS (SELECT k, ((k - 1) * n.n) / 5 + 1 AS rn FROM generate_series(2, 5) AS k, n)
            SELECT ARRAY(SELECT x.v FROM positions s
                           JOIN (SELECT last_order_at AS v, row_number() OVER (ORDER BY last_order_at) AS rn FROM c) x ON x.rn = s.rn ORDER BY s.k) AS recency,
                   ARRAY(SELECT x.v FROM positions s
                           JOIN (SELECT order_count AS v, row_number() OVER (ORDER BY order_count) AS rn FROM c) x ON x.rn = s.rn ORDER BY s.k) AS frequency,
                   ARRAY(SELECT x.v FROM positions s
                           JOIN (SELECT lifetime_revenue AS v, row_number() OVER (ORDER BY lifetime_revenue) AS rn FROM c) x ON x.rn = s.rn ORDER BY s.k) AS monetary""";

    /** The scores of profile p against thresholds $3 (recency), $4 (frequency) and $5 (monetary). */
    private static final String SCORES = """
            (CASE WHEN p.order_count > 0 THEN (1 + (SELECT count(*) FROM unnest($3::timestamptz[]) t WHERE p.last_order_at >= t))::smallint END,
             CASE WHEN p.order_count > 0 THEN (1 + (SELECT count(*) FROM unnest($4::int[]) t WHERE p.order_count >= t))::smallint END,
             CASE WHEN p.order_count > 0 THEN (1 + (SELECT count(*) FROM unnest($5::numeric[]) t WHERE p.lifetime_revenue >= t))::smallint END)""";

    /** The next page of customers (or formerly scored profiles) after id $2, each with whether its score moves. */
    private static final String PAGE = "SELECT p.id, (p.rfm_recency, p.rfm_frequency, p.rfm_monetary) IS DISTINCT FROM " + SCORES + " AS moved"
            + """

              FROM profiles p
             WHERE p.workspace_id = $1 AND p.id > $2 AND (p.order_count > 0 OR p.rfm_recency IS NOT NULL)
             ORDER BY p.id LIMIT $6""";

    /** Scores the locked profiles $2 again from their current values; answers those that moved. */
    private static final String SCORE = "UPDATE profiles p SET (rfm_recency, rfm_frequency, rfm_monetary) = " + SCORES
            + """

             WHERE p.workspace_id = $1 AND p.id = ANY($2)
               AND (p.rfm_recency, p.rfm_frequency, p.rfm_monetary) IS DISTINCT FROM\s""" + SCORES + """

            RETURNING p.id""";

    private static final String SCORED = "SELECT count(*) FROM profiles WHERE workspace_id = $1 AND rfm_recency IS NOT NULL";

    private static final ProfileChange SCORES_MOVED = ProfileChange.computed(Set.of(ComputedGroup.RFM));

    private record Thresholds(OffsetDateTime[] recency, Integer[] frequency, BigDecimal[] monetary) {
    }

    private final PgPool pool;
    private final AudienceEngine audiences;
    private final Clock clock;
    private final int pageSize;

    public RfmService(PgPool pool, AudienceEngine audiences, Clock clock, @ConfigProperty(name = "kizuna.rfm.page-size", defaultValue = "500") int pageSize) {
        this.pool = pool;
        this.audiences = audiences;
        this.clock = clock;
        this.pageSize = pageSize;
    }

    /** Recomputes one workspace's scores; returns how many customers are scored. */
    public Uni<Long> recompute(UUID workspaceId) {
        return pool.preparedQuery(THRESHOLDS).execute(Tuple.of(workspaceId))
                .map(rows -> thresholds(rows.iterator().next()))
                .chain(thresholds -> scoreFrom(workspaceId, thresholds, Cursors.BEFORE_ALL))
                .chain(() -> pool.preparedQuery(SCORED).execute(Tuple.of(workspaceId)))
                .map(rows -> rows.iterator().next().getLong(0));
    }

    private static Thresholds thresholds(Row row) {
        return new Thresholds(row.getArrayOfOffsetDateTimes("recency"), row.getArrayOfIntegers("frequency"), row.getArrayOfBigDecimals("monetary"));
    }

    private Uni<Void> scoreFrom(UUID workspaceId, Thresholds thresholds, UUID after) {
        return pool.preparedQuery(PAGE).execute(Tuple.from(List.of(workspaceId, after, thresholds.recency(),
                thresholds.frequency(), thresholds.monetary(), pageSize))).chain(rows -> {
                    List<UUID> moved = new ArrayList<>();
                    UUID last = null;
                    int seen = 0;
                    for (Row row : rows) {
                        last = row.getUUID("id");
                        seen++;
                        if (row.getBoolean("moved")) {
                            moved.add(last);
                        }
                    }
                    UUID next = last;
                    Uni<Void> page = moved.isEmpty() ? Uni.createFrom().voidItem() : score(workspaceId, thresholds, moved);
                    return seen < pageSize ? page : page.chain(() -> scoreFrom(workspaceId, thresholds, next));
                });
    }

    /** Locks, scores and decides again one page of customers whose scores moved, in one transaction. */
    private Uni<Void> score(UUID workspaceId, Thresholds thresholds, List<UUID> moved) {
        return pool.withTransaction(connection -> connection.preparedQuery(ProfileLocks.LOCK_IDS)
                .execute(Tuple.of(workspaceId, ProfileLocks.inLockOrder(moved)))
                .chain(() -> connection.preparedQuery(SCORE).execute(Tuple.of(workspaceId, moved.toArray(UUID[]::new), thresholds.recency(),
                        thresholds.frequency(), thresholds.monetary())))
                .chain(rows -> {
                    Map<UUID, ProfileChange> changes = new LinkedHashMap<>();
                    rows.forEach(row -> changes.put(row.getUUID("id"), SCORES_MOVED));
                    return audiences.evaluate(connection, workspaceId, changes, clock.instant());
                }));
    }

    @Scheduled(every = "${kizuna.rfm.interval:1h}", delayed = "${kizuna.rfm.delay:5m}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> recomputeAll() {
        return pool.query("SELECT id FROM workspaces WHERE status = 'ACTIVE' ORDER BY id").execute()
                .onItem().transformToMulti(rows -> Multi.createFrom().iterable(rows))
                .onItem().transformToUniAndConcatenate(row -> recompute(row.getUUID("id"))
                        .onFailure().invoke(failure -> LOG.warnf(failure, "RFM recompute failed for workspace %s", row.getUUID("id")))
                        .onFailure().recoverWithItem(0L))
                .collect().last().replaceWithVoid();
    }
}
