package dev.actionqueues.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.actionqueues.deferred.Deferrable;
import dev.actionqueues.deferred.SagaFailedException;
import dev.actionqueues.deferred.SagaHandle;
import dev.actionqueues.deferred.SagaStatus;
import dev.actionqueues.deferred.SagaStep;
import dev.actionqueues.deferred.SagaStepOptions;
import dev.actionqueues.deferred.spi.SagaStore;
import dev.actionqueues.deferred.testkit.SagaStoreContract;
import dev.actionqueues.jdbc.testing.SharedPostgres;
import dev.actionqueues.retry.RetryPolicy;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The PostgreSQL saga store passes the saga store contract, and a saga runs end to end on it. */
class JdbcSagaStoreContractTest extends SagaStoreContract {

    record Order(String id) {
    }

    private static SharedPostgres postgres;
    private static JdbcBackendFactory factory;

    @BeforeAll
    static void connect() {
        postgres = SharedPostgres.require();
        factory = JdbcBackendFactory.builder().dataSource(postgres.dataSource()).build();
    }

    @AfterAll
    static void cleanUp() throws SQLException {
        if (factory != null) {
            factory.close();
        }
        if (postgres != null) {
            postgres.close();
        }
    }

    @Override
    protected SagaStore createStore(String group) {
        return factory.createBackendForGroup(group).sagaStore();
    }

    @Override
    protected void advance(Duration duration) throws InterruptedException {
        Thread.sleep(duration); // the database's clock, not ours: there is nothing to inject
    }

    @Override
    protected Duration tick() {
        return Duration.ofMillis(200);
    }

    @Test
    void aSagaRunsAndCompensatesOnPostgres() {
        List<String> effects = new CopyOnWriteArrayList<>();
        Deferrable d = Deferrable.builder(factory.createBackendForGroup("saga-e2e")).build();
        SagaStepOptions once = SagaStepOptions.builder()
                .executeRetry(RetryPolicy.builder().maxAttempts(1).build()).build();
        SagaHandle<Order> ok = d.saga("place", Order.class)
                .step("reserve", (ctx, o) -> effects.add("reserve " + o.id()), (ctx, o) -> effects.add("free " + o.id()))
                .step("charge", (ctx, o) -> effects.add("charge " + o.id()), SagaStep.nothing())
                .register();
        SagaHandle<Order> failing = d.saga("place-failing", Order.class)
                .step("reserve", (ctx, o) -> effects.add("reserve " + o.id()), (ctx, o) -> effects.add("free " + o.id()))
                .step("charge", (ctx, o) -> {
                    throw new IllegalStateException("card declined");
                }, SagaStep.nothing(), once)
                .register();

        assertThat(ok.run(new Order("o1")).status()).isEqualTo(SagaStatus.SUCCEEDED);
        assertThatThrownBy(() -> failing.run(new Order("o2"))).isInstanceOfSatisfying(SagaFailedException.class,
                e -> assertThat(e.saga().status()).isEqualTo(SagaStatus.COMPENSATED));

        assertThat(effects).containsExactly("reserve o1", "charge o1", "reserve o2", "free o2");
        assertThat(d.sagas().list(null, 0, 10)).extracting(s -> s.status())
                .containsExactlyInAnyOrder(SagaStatus.SUCCEEDED, SagaStatus.COMPENSATED);
    }
}
