package io.kizuna.common.db;

import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.pgclient.PgPool;
import io.vertx.mutiny.sqlclient.Row;

/**
 * Analyzes Kizuna's tables when PostgreSQL's autovacuum is off and they have changed by more than
 * autovacuum's own analyze rule (50 rows plus 10 %). Without fresh statistics, a generic plan
 * cached while a table was empty is kept as it grows: at 20,000 profiles the profile update of an
 * ingest batch read 4,646 blocks per call with such a plan and 357 once statistics were kept fresh.
 * ANALYZE invalidates cached plans, and the next execution plans with the table's real size. When
 * autovacuum is on, it does this itself and this job does nothing.
 */
@ApplicationScoped
public class StaleStatistics {

    private static final Logger LOG = Logger.getLogger(StaleStatistics.class);

    private static final String STALE = """
            SELECT quote_ident(s.schemaname) || '.' || quote_ident(s.relname) AS name
              FROM pg_stat_user_tables s JOIN pg_class c ON c.oid = s.relid
             WHERE current_setting('autovacuum') = 'off'
               AND s.schemaname = current_schema()
               AND s.n_mod_since_analyze > 50 + 0.1 * greatest(c.reltuples, 0)
             ORDER BY s.n_mod_since_analyze DESC""";

    private final PgPool pool;

    public StaleStatistics(PgPool pool) {
        this.pool = pool;
    }

    @Scheduled(every = "${kizuna.db.analyze-every:30s}", delayed = "10s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> scheduled() {
        return analyzeStale().onFailure().invoke(failure -> LOG.warn("analyzing changed tables failed; the next run retries", failure))
                .onFailure().recoverWithNull().replaceWithVoid();
    }

    /** Analyzes each table whose statistics are stale, one at a time; returns their names. */
    public Uni<List<String>> analyzeStale() {
        return pool.query(STALE).execute().chain(rows -> {
            List<String> tables = new ArrayList<>();
            for (Row row : rows) {
                tables.add(row.getString("name"));
            }
            return Multi.createFrom().iterable(tables)
                    .onItem().transformToUniAndConcatenate(table -> pool.query("ANALYZE " + table).execute())
                    .collect().last().replaceWith(tables);
        });
    }
}
