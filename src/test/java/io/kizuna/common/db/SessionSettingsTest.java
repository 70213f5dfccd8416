package io.kizuna.common.db;

import static org.junit.jupiter.api.Assertions.assertEquals;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.pgclient.PgPool;

@QuarkusTest
class SessionSettingsTest {

    @Inject
    PgPool pool;

    @Test
    void kizunas_sessions_run_without_jit_compilation() {
        String jit = pool.query("SHOW jit").execute().await().indefinitely().iterator().next().getString(0);

        assertEquals("off", jit);
    }
}
