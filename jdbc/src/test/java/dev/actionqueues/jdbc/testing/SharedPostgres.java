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
 * {@code CI=true} (CI must test the real service, never a stand-in nor a skip); elsewhere (a fresh
 * machine) they run on a {@link FallbackPostgres} started for the test JVM, and are skipped with
 * the reasons only when that cannot start either. Each test class works in its own fresh schema,
 * dropped afterwards.
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

    /** The JDBC URL of the machine's server, without credentials. */
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

    private static Properties machineCredentials() {
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
     * Connects, creates a fresh schema and a pool whose connections use it. When the machine's
     * PostgreSQL does not answer: fails under {@code CI=true}; elsewhere uses the fallback server,
     * or skips with the reasons when there is none.
     */
    public static SharedPostgres require() {
        String url = jdbcUrl();
        Properties credentials = machineCredentials();
        credentials.setProperty("connectTimeout", "5");
        String schema = "aq_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        try {
            createSchema(url, credentials, schema);
        } catch (SQLException e) {
            String reason = "PostgreSQL is not reachable at " + url + " (" + e.getMessage()
                    + "); set DATABASE_URL or PG* variables, or start PostgreSQL (.ci/run does)";
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                Assertions.fail(reason + "; CI=true, so this is a failure, not a skip nor a stand-in server");
            }
            try {
                FallbackPostgres.Server fallback = FallbackPostgres.server();
                url = fallback.url();
                credentials = fallback.credentials();
                createSchema(url, credentials, schema);
                System.err.println("[SharedPostgres] " + reason + ": using the " + fallback.description());
            } catch (IllegalStateException | SQLException f) {
                reason += "; " + f.getMessage();
                // Surefire reports a class aborted in @BeforeAll as 0 tests, without the reason: record it in its output.
                System.err.println("[SharedPostgres] skipped: " + reason);
                Assumptions.abort("skipped: " + reason);
            }
        }
        return open(url, credentials, schema, 12);
    }

    private static void createSchema(String url, Properties credentials, String schema) throws SQLException {
        try (Connection c = DriverManager.getConnection(url, credentials); Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA " + schema);
        }
    }

    private static SharedPostgres open(String url, Properties credentials, String schema, int poolSize) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url);
        config.setDataSourceProperties(credentials);
        config.setSchema(schema);
        config.setMaximumPoolSize(poolSize);
        config.setPoolName("aq-test-" + schema);
        return new SharedPostgres(url, credentials, schema, new HikariDataSource(config));
    }

    /** The JDBC URL this instance connects to (the machine's server or the fallback). */
    public String url() {
        return url;
    }

    /** The connection properties (user, password if any). */
    public Properties credentials() {
        Properties copy = new Properties();
        copy.putAll(credentials);
        return copy;
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
