package io.kizuna.segment;

import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.kizuna.profile.ProfileLocks;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.pgclient.PgPool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import io.vertx.pgclient.PgException;

/**
 * Flips time-relative rule tags and segments when time alone makes them change ("no visit for 30
 * days", "cart older than 3 hours", "birthday today"). Every profile with time-relative audiences
 * has its next possible change in {@code profile_wakeups}; every few seconds the due ones are
 * claimed ({@code FOR UPDATE SKIP LOCKED}, so several instances share the work), locked, and
 * decided again by {@link AudienceEngine}, which also plans their next wake-up.
 */
@ApplicationScoped
public class WakeupSweep {

    private static final Logger LOG = Logger.getLogger(WakeupSweep.class);
    static final int CLAIM = 500;

    // The due rows are locked by the subquery and deleted by ctid: as "DELETE ... USING due", a plan
    // cached while the table was small could hash-join against a full scan of profile_wakeups.
    private static final String CLAIM_DUE = """
            DELETE FROM profile_wakeups
             WHERE ctid = ANY (ARRAY(SELECT ctid FROM profile_wakeups WHERE wake_at <= $1
                                      ORDER BY wake_at LIMIT $2 FOR UPDATE SKIP LOCKED))
            RETURNING workspace_id, profile_id""";

    private final PgPool pool;
    private final AudienceEngine engine;
    private final Clock clock;

    public WakeupSweep(PgPool pool, AudienceEngine engine, Clock clock) {
        this.pool = pool;
        this.engine = engine;
        this.clock = clock;
    }

    @Scheduled(every = "${kizuna.audiences.sweep-every:2s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> sweep() {
        return sweepDue(clock.instant()).onFailure().invoke(failure -> LOG.warn("wake-up sweep failed; the next run retries", failure))
                .onFailure().recoverWithNull().replaceWithVoid();
    }

    /** Decides again every profile whose wake-up time is at or before {@code now}; returns how many. */
    public Uni<Integer> sweepDue(Instant now) {
        return sweepBatch(now).chain(swept -> swept < CLAIM ? Uni.createFrom().item(swept)
                : sweepDue(now).map(more -> swept + more));
    }

    private Uni<Integer> sweepBatch(Instant now) {
        return pool.withTransaction(connection -> connection.preparedQuery(CLAIM_DUE)
                .execute(Tuple.of(OffsetDateTime.ofInstant(now, ZoneOffset.UTC), CLAIM))
                .chain(rows -> {
                    Map<UUID, List<UUID>> byWorkspace = new LinkedHashMap<>();
                    int count = 0;
                    for (Row row : rows) {
                        byWorkspace.computeIfAbsent(row.getUUID("workspace_id"), id -> new ArrayList<>()).add(row.getUUID("profile_id"));
                        count++;
                    }
                    int swept = count;
                    return Multi.createFrom().iterable(byWorkspace.entrySet())
                            .onItem().transformToUniAndConcatenate(entry -> decide(connection, entry.getKey(), entry.getValue(), now))
                            .collect().last().replaceWith(swept);
                }))
                .onFailure(WakeupSweep::retryable).retry().atMost(3);
    }

    private Uni<Void> decide(SqlConnection connection, UUID workspaceId, List<UUID> profileIds, Instant now) {
        return connection.preparedQuery(ProfileLocks.LOCK_IDS).execute(Tuple.of(workspaceId, ProfileLocks.inLockOrder(profileIds)))
                .chain(() -> engine.evaluate(connection, workspaceId, profileIds, now));
    }

    private static boolean retryable(Throwable failure) {
        return failure instanceof PgException pg && ("40P01".equals(pg.getSqlState()) || "40001".equals(pg.getSqlState()));
    }
}
