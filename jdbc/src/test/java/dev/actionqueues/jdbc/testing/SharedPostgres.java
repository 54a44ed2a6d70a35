package dev.actionqueues.jdbc.testing;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.net.URI;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import java.util.UUID;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * The machine's PostgreSQL: {@code DATABASE_URL} ({@code postgres://user:pass@host:port/db} or a
 * {@code jdbc:postgresql:} URL), else the {@code PGHOST}, {@code PGPORT}, {@code PGDATABASE},
 * {@code PGUSER} and {@code PGPASSWORD} variables, else {@code 127.0.0.1:5432}, database
 * {@code test}, user {@code postgres}, trust auth. When it is not reachable, tests fail under
 * {@code CI=true} (CI must never skip silently) and are skipped with a clear reason elsewhere (an
 * embedded PostgreSQL for fresh machines is a later step). Each test class works in its own fresh
 * schema, dropped afterwards.
 */
public final class SharedPostgres implements AutoCloseable {

    private final String url;
    private final Properties credentials;
    private final String schema;
    private final HikariDataSource dataSource;

    private SharedPostgres(String url, Properties credentials, String schema, HikariDataSource dataSource) {
        this.url = url;
        this.credentials = credentials;
        this.schema = schema;
        this.dataSource = dataSource;
    }

    /** The JDBC URL, without credentials. */
    public static String jdbcUrl() {
        String env = System.getenv("DATABASE_URL");
        if (env != null && !env.isBlank()) {
            if (env.startsWith("jdbc:")) {
                return env;
            }
            URI uri = URI.create(env);
            int port = uri.getPort() > 0 ? uri.getPort() : 5432;
            return "jdbc:postgresql://" + uri.getHost() + ":" + port + uri.getPath();
        }
        return "jdbc:postgresql://" + env("PGHOST", "127.0.0.1") + ":" + env("PGPORT", "5432") + "/"
                + env("PGDATABASE", "test");
    }

    private static Properties credentials() {
        Properties p = new Properties();
        String env = System.getenv("DATABASE_URL");
        if (env != null && !env.isBlank() && !env.startsWith("jdbc:")) {
            String info = URI.create(env).getUserInfo();
            if (info != null) {
                int colon = info.indexOf(':');
                p.setProperty("user", colon < 0 ? info : info.substring(0, colon));
                if (colon >= 0) {
                    p.setProperty("password", info.substring(colon + 1));
                }
            }
            return p;
        }
        p.setProperty("user", env("PGUSER", "postgres"));
        String password = System.getenv("PGPASSWORD");
        if (password != null) {
            p.setProperty("password", password);
        }
        return p;
    }

    private static String env(String name, String fallback) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? fallback : v;
    }

    /**
     * Connects, creates a fresh schema and a pool whose connections use it; fails (CI) or skips
     * (developer machine) when PostgreSQL does not answer.
     */
    public static SharedPostgres require() {
        String url = jdbcUrl();
        Properties credentials = credentials();
        credentials.setProperty("connectTimeout", "5");
        String schema = "aq_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        try (Connection c = DriverManager.getConnection(url, credentials); Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA " + schema);
        } catch (SQLException e) {
            String reason = "PostgreSQL is not reachable at " + url + " (" + e.getMessage()
                    + "); set DATABASE_URL or PG* variables, or start PostgreSQL (.ci/run does)";
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                Assertions.fail(reason + "; CI=true, so this is a failure, not a skip");
            }
            // Surefire reports a class aborted in @BeforeAll as 0 tests, without the reason: record it in its output.
            System.err.println("[SharedPostgres] skipped: " + reason);
            Assumptions.abort("skipped: " + reason);
        }
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url);
        config.setDataSourceProperties(credentials);
        config.setSchema(schema);
        config.setMaximumPoolSize(12);
        config.setPoolName("aq-test-" + schema);
        return new SharedPostgres(url, credentials, schema, new HikariDataSource(config));
    }

    public HikariDataSource dataSource() {
        return dataSource;
    }

    public String schema() {
        return schema;
    }

    /** Closes the pool and drops the schema. */
    @Override
    public void close() throws SQLException {
        dataSource.close();
        try (Connection c = DriverManager.getConnection(url, credentials); Statement s = c.createStatement()) {
            s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
        }
    }
}
