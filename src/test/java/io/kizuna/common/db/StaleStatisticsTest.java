package io.kizuna.common.db;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.List;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.pgclient.PgPool;

@QuarkusTest
class StaleStatisticsTest {

    @Inject
    PgPool pool;

    @Inject
    StaleStatistics statistics;

    @Test
    void with_autovacuum_off_a_table_that_changed_a_lot_is_analyzed_and_then_left_alone() {
        assumeTrue("off".equals(value("SHOW autovacuum")), "PostgreSQL analyzes by itself when autovacuum is on");
        pool.query("CREATE TABLE IF NOT EXISTS stale_statistics_probe (n int)").execute().await().indefinitely();
        // pg_stat_force_next_flush: the insert's counts reach pg_stat_user_tables when its transaction ends
        pool.query("WITH inserted AS (INSERT INTO stale_statistics_probe SELECT generate_series(1, 500) RETURNING 1)"
                + " SELECT pg_stat_force_next_flush(), count(*) FROM inserted").execute().await().indefinitely();

        List<String> analyzed = statistics.analyzeStale().await().indefinitely();

        assertTrue(analyzed.stream().anyMatch(name -> name.endsWith(".stale_statistics_probe")), analyzed.toString());
        assertTrue(Long.parseLong(value("SELECT reltuples::bigint FROM pg_class WHERE relname = 'stale_statistics_probe'")) >= 500);
        List<String> again = statistics.analyzeStale().await().indefinitely();
        assertFalse(again.stream().anyMatch(name -> name.endsWith(".stale_statistics_probe")), again.toString());
        pool.query("DROP TABLE stale_statistics_probe").execute().await().indefinitely();
    }

    private String value(String sql) {
        return String.valueOf(pool.query(sql).execute().await().indefinitely().iterator().next().getValue(0));
    }
}
