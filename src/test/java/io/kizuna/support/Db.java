package io.kizuna.support;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import io.vertx.mutiny.pgclient.PgPool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

/** Reads the database directly, for tests that check what was stored. */
@ApplicationScoped
public class Db {

    private final PgPool pool;

    public Db(PgPool pool) {
        this.pool = pool;
    }

    public List<Row> rows(String sql, Object... parameters) {
        List<Row> rows = new ArrayList<>();
        pool.preparedQuery(sql).execute(Tuple.from(parameters)).await().atMost(Duration.ofSeconds(10)).forEach(rows::add);
        return rows;
    }

    public Row one(String sql, Object... parameters) {
        List<Row> rows = rows(sql, parameters);
        if (rows.size() != 1) {
            throw new AssertionError("expected one row, got " + rows.size() + " for " + sql);
        }
        return rows.get(0);
    }

    public long count(String sql, Object... parameters) {
        return one(sql, parameters).getLong(0);
    }
}
