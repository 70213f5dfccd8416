package io.kizuna.common.db;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

import org.junit.jupiter.api.Test;

class DatabaseBootstrapTest {

    private static final String HOST = System.getenv().getOrDefault("KIZUNA_DB_HOST", "localhost");
    private static final String PORT = System.getenv().getOrDefault("KIZUNA_DB_PORT", "5432");
    private static final String USER = System.getenv().getOrDefault("KIZUNA_DB_USER", "postgres");
    private static final String PASSWORD = System.getenv().getOrDefault("KIZUNA_DB_PASSWORD", "");

    @Test
    void a_missing_database_is_created_and_an_existing_one_is_left_alone() throws SQLException {
        String name = "kizuna_probe_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        try {
            assertFalse(exists(name));
            DatabaseBootstrap.ensureDatabase(HOST, PORT, name, USER, PASSWORD);
            assertTrue(exists(name));
            DatabaseBootstrap.ensureDatabase(HOST, PORT, name, USER, PASSWORD);
            assertTrue(exists(name));
        } finally {
            try (Connection connection = admin(); Statement drop = connection.createStatement()) {
                drop.execute("DROP DATABASE IF EXISTS \"" + name + "\"");
            }
        }
    }

    @Test
    void a_database_name_that_would_need_quoting_is_refused() {
        assertThrows(IllegalArgumentException.class,
                () -> DatabaseBootstrap.ensureDatabase(HOST, PORT, "kizuna\"; DROP DATABASE postgres; --", USER, PASSWORD));
    }

    private static boolean exists(String name) throws SQLException {
        try (Connection connection = admin();
                PreparedStatement query = connection.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
            query.setString(1, name);
            try (ResultSet rows = query.executeQuery()) {
                return rows.next();
            }
        }
    }

    private static Connection admin() throws SQLException {
        java.util.Properties properties = new java.util.Properties();
        properties.setProperty("user", USER);
        if (!PASSWORD.isEmpty()) {
            properties.setProperty("password", PASSWORD);
        }
        return DriverManager.getConnection("jdbc:postgresql://" + HOST + ":" + PORT + "/postgres", properties);
    }
}
