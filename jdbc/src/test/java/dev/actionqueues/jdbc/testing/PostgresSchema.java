package dev.actionqueues.jdbc.testing;

import dev.actionqueues.jdbc.JdbcBackendFactory;
import java.sql.SQLException;
import javax.sql.DataSource;
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
        if (postgres != null) {
            postgres.close();
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
