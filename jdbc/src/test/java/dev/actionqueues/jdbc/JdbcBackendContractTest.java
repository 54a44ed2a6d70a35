package dev.actionqueues.jdbc;

import dev.actionqueues.deferred.spi.Backend;
import dev.actionqueues.deferred.testkit.DeferrableOverBackendContract;
import dev.actionqueues.jdbc.testing.PostgresSchema;
import java.time.Duration;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The backend contract suites (the SPI, and the engine over it) on the machine's PostgreSQL, in a
 * fresh schema dropped afterwards. Leases and delays run on the database's clock, which a test
 * cannot move: "letting time pass" waits until that clock has passed, on a short tick to keep the
 * suite fast.
 */
class JdbcBackendContractTest extends DeferrableOverBackendContract {

    @RegisterExtension
    static final PostgresSchema DB = new PostgresSchema("aq_");

    @Override
    protected Backend createBackend(String group) {
        return DB.factory().createBackendForGroup(group);
    }

    @Override
    protected void advance(Duration duration) {
        DB.advance(duration);
    }

    @Override
    protected Duration tick() {
        return Duration.ofMillis(200);
    }
}
