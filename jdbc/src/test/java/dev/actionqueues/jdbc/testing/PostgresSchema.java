package dev.actionqueues.jdbc.testing;

import dev.actionqueues.jdbc.JdbcBackendFactory;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import javax.sql.DataSource;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A test class's own schema on the {@link SharedPostgres} server, as a JUnit extension: created
 * before the class's tests (or the class skipped, or failed under CI, as {@link SharedPostgres#require()}
 * decides) and dropped after them. Register it in a static field:
 * {@code @RegisterExtension static final PostgresSchema DB = new PostgresSchema("myprefix_");}.
 */
public final class PostgresSchema implements BeforeAllCallback, AfterAllCallback {

    private final String tablePrefix;
    private SharedPostgres postgres;
    private JdbcBackendFactory factory;

    /** A schema whose queue tables carry {@code tablePrefix}. */
    public PostgresSchema(String tablePrefix) {
        this.tablePrefix = tablePrefix;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        postgres = SharedPostgres.require();
        factory = JdbcBackendFactory.builder().dataSource(postgres.dataSource()).tablePrefix(tablePrefix).build();
    }

    @Override
    public void afterAll(ExtensionContext context) throws SQLException {
        if (factory != null) {
            factory.close();
        }
        if (postgres != null) {
            postgres.close();
        }
    }

    /**
     * Lets {@code duration} pass on the database's clock, which leases and delays run on and a test
     * cannot move: waits until {@code clock_timestamp()} has passed its value now plus
     * {@code duration}.
     */
    public void advance(Duration duration) {
        Instant target;
        try {
            target = now().plus(duration);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the database's clock", e);
        }
        Awaitility.await().atMost(duration.plusSeconds(10)).pollInterval(Duration.ofMillis(5))
                .until(() -> !now().isBefore(target));
    }

    /** The database's clock. */
    public Instant now() throws SQLException {
        try (Connection c = postgres.dataSource().getConnection(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT clock_timestamp()")) {
            rs.next();
            return rs.getTimestamp(1).toInstant();
        }
    }

    /** The factory over this schema, its tables created. */
    public JdbcBackendFactory factory() {
        return factory;
    }

    /** The pool whose connections use this schema. */
    public DataSource dataSource() {
        return postgres.dataSource();
    }
}
