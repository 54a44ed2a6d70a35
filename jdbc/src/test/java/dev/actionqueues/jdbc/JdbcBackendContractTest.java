package dev.actionqueues.jdbc;

import dev.actionqueues.deferred.spi.Backend;
import dev.actionqueues.deferred.testkit.DeferrableOverBackendContract;
import dev.actionqueues.jdbc.testing.SharedPostgres;
import java.sql.SQLException;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The backend contract suites (the SPI, and the engine over it) on the machine's PostgreSQL, in a
 * fresh schema dropped afterwards. Leases and delays run on the database's clock, which a test
 * cannot move, so "letting time pass" really waits, on a short tick to keep the suite fast.
 */
class JdbcBackendContractTest extends DeferrableOverBackendContract {

    private static SharedPostgres postgres;
    private static JdbcBackendFactory factory;

    @BeforeAll
    static void connect() {
        postgres = SharedPostgres.require();
        factory = JdbcBackendFactory.builder().dataSource(postgres.dataSource()).build();
    }

    @AfterAll
    static void cleanUp() throws SQLException {
        if (postgres != null) {
            postgres.close();
        }
    }

    @Override
    protected Backend createBackend(String group) {
        return factory.createBackendForGroup(group);
    }

    @Override
    protected void advance(Duration duration) throws InterruptedException {
        Thread.sleep(duration); // the database's clock, not ours: there is nothing to inject
    }

    @Override
    protected Duration tick() {
        return Duration.ofMillis(200);
    }
}
