package io.kizuna.common.db;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Properties;
import java.util.regex.Pattern;

import org.eclipse.microprofile.config.spi.ConfigSource;
import org.jboss.logging.Logger;

import io.smallrye.config.ConfigSourceContext;
import io.smallrye.config.ConfigSourceFactory;
import io.smallrye.config.ConfigValue;

/**
 * Creates Kizuna's database when the server has none of that name, so that {@code quarkus:dev}
 * and the tests work against a bare PostgreSQL. It is a config-source factory because that is the
 * one hook that runs before Flyway and Hibernate open their first connection; it contributes no
 * configuration. It acts only when {@code kizuna.db.create-if-missing} is true (dev and test).
 */
public class DatabaseBootstrap implements ConfigSourceFactory {

    private static final Logger LOG = Logger.getLogger(DatabaseBootstrap.class);
    private static final Pattern SAFE_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,62}");
    private static volatile String ensured;

    @Override
    public Iterable<ConfigSource> getConfigSources(ConfigSourceContext context) {
        if (Boolean.parseBoolean(value(context, "kizuna.db.create-if-missing", "false"))) {
            String host = value(context, "kizuna.db.host", "localhost");
            String port = value(context, "kizuna.db.port", "5432");
            String name = value(context, "kizuna.db.name", "kizuna");
            String user = value(context, "kizuna.db.user", "postgres");
            String password = value(context, "kizuna.db.password", "");
            String target = host + ":" + port + "/" + name;
            if (!target.equals(ensured)) {
                ensureDatabase(host, port, name, user, password);
                ensured = target;
            }
        }
        return List.of();
    }

    @Override
    public java.util.OptionalInt getPriority() {
        return java.util.OptionalInt.of(Integer.MIN_VALUE);
    }

    private static String value(ConfigSourceContext context, String name, String fallback) {
        List<String> profiles = context.getProfiles();
        for (String profile : profiles) {
            ConfigValue profiled = context.getValue("%" + profile + "." + name);
            if (profiled != null && profiled.getValue() != null) {
                return expand(context, profiled.getValue(), fallback);
            }
        }
        ConfigValue plain = context.getValue(name);
        return plain == null || plain.getValue() == null ? fallback : expand(context, plain.getValue(), fallback);
    }

    /** Resolves the {@code ${ENV:default}} form used in application.properties. */
    private static String expand(ConfigSourceContext context, String raw, String fallback) {
        String value = raw.trim();
        if (value.startsWith("${") && value.endsWith("}")) {
            String inner = value.substring(2, value.length() - 1);
            int colon = inner.indexOf(':');
            String variable = colon < 0 ? inner : inner.substring(0, colon);
            String defaultValue = colon < 0 ? fallback : inner.substring(colon + 1);
            String fromEnv = System.getenv(variable);
            if (fromEnv == null) {
                ConfigValue fromConfig = context.getValue(variable);
                fromEnv = fromConfig == null ? null : fromConfig.getValue();
            }
            return fromEnv == null ? defaultValue : fromEnv;
        }
        return value;
    }

    static void ensureDatabase(String host, String port, String name, String user, String password) {
        if (!SAFE_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("Database name '" + name + "' must match " + SAFE_NAME.pattern());
        }
        Properties properties = new Properties();
        properties.setProperty("user", user);
        if (!password.isEmpty()) {
            properties.setProperty("password", password);
        }
        properties.setProperty("connectTimeout", "10");
        String url = "jdbc:postgresql://" + host + ":" + port + "/postgres";
        try (Connection connection = DriverManager.getConnection(url, properties)) {
            boolean exists;
            try (PreparedStatement query = connection.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
                query.setString(1, name);
                try (ResultSet rows = query.executeQuery()) {
                    exists = rows.next();
                }
            }
            if (!exists) {
                try (Statement create = connection.createStatement()) {
                    create.execute("CREATE DATABASE \"" + name + "\"");
                }
                LOG.infof("Created database %s on %s:%s", name, host, port);
            }
        } catch (SQLException e) {
            if ("42P04".equals(e.getSQLState())) {
                return; // created concurrently by another process
            }
            LOG.warnf("Could not make sure database %s exists on %s:%s: %s", name, host, port, e.getMessage());
        }
    }
}
