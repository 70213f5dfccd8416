package io.kizuna.profile.traits;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.kizuna.condition.ProfileChange;
import io.kizuna.segment.AudienceEngine;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.pgclient.PgPool;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * RFM scores: recency, frequency and monetary value, each 1 to 5 by quintile among the
 * workspace's customers who have ordered (5 is best). Ties share a score (cumulative
 * distribution, not row numbers). Customers without orders have none. Rule tags and segments
 * reading a score are decided again for the customers whose scores moved.
 */
@ApplicationScoped
public class RfmService {

    private static final Logger LOG = Logger.getLogger(RfmService.class);

    private static final String SCORE = """
            UPDATE profiles p SET rfm_recency = s.r, rfm_frequency = s.f, rfm_monetary = s.m
              FROM (SELECT id,
                           greatest(1, ceil(cume_dist() OVER (ORDER BY last_order_at) * 5))::smallint AS r,
                           greatest(1, ceil(cume_dist() OVER (ORDER BY order_count) * 5))::smallint AS f,
                           greatest(1, ceil(cume_dist() OVER (ORDER BY lifetime_revenue) * 5))::smallint AS m
                      FROM profiles WHERE workspace_id = $1 AND order_count > 0) s
             WHERE p.workspace_id = $1 AND p.id = s.id
               AND (p.rfm_recency, p.rfm_frequency, p.rfm_monetary) IS DISTINCT FROM (s.r, s.f, s.m)
            RETURNING p.id""";

    private static final String CLEAR = """
            UPDATE profiles SET rfm_recency = NULL, rfm_frequency = NULL, rfm_monetary = NULL
             WHERE workspace_id = $1 AND order_count = 0 AND rfm_recency IS NOT NULL
            RETURNING id""";

    private static final ProfileChange SCORES_MOVED = ProfileChange.computed(Set.of(ComputedGroup.RFM));

    private final PgPool pool;
    private final AudienceEngine audiences;

    public RfmService(PgPool pool, AudienceEngine audiences) {
        this.pool = pool;
        this.audiences = audiences;
    }

    private record Recomputed(long scored, List<UUID> moved) {
    }

    /** Recomputes one workspace's scores; returns how many customers are scored. */
    public Uni<Long> recompute(UUID workspaceId) {
        return pool.withTransaction(connection -> {
            List<UUID> moved = new ArrayList<>();
            return connection.preparedQuery(SCORE).execute(Tuple.of(workspaceId))
                    .invoke(rows -> rows.forEach(row -> moved.add(row.getUUID("id"))))
                    .chain(() -> connection.preparedQuery(CLEAR).execute(Tuple.of(workspaceId)))
                    .invoke(rows -> rows.forEach(row -> moved.add(row.getUUID("id"))))
                    .chain(() -> connection.preparedQuery("SELECT count(*) FROM profiles WHERE workspace_id = $1 AND rfm_recency IS NOT NULL")
                            .execute(Tuple.of(workspaceId)))
                    .map(rows -> new Recomputed(rows.iterator().next().getLong(0), moved));
        }).call(recomputed -> audiences.evaluateNow(workspaceId, recomputed.moved(), SCORES_MOVED)).map(Recomputed::scored);
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
