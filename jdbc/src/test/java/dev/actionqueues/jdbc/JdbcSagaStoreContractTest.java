package dev.actionqueues.jdbc;

import dev.actionqueues.deferred.spi.Backend;
import dev.actionqueues.deferred.testkit.SagaStoreContract;
import dev.actionqueues.jdbc.testing.PostgresSchema;
import java.time.Duration;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The PostgreSQL saga store passes the saga store contract, on the database's clock. */
class JdbcSagaStoreContractTest extends SagaStoreContract {

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
