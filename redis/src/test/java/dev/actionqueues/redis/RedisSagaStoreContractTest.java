package dev.actionqueues.redis;

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
import dev.actionqueues.redis.testing.SharedRedis;
import dev.actionqueues.retry.RetryPolicy;
import io.lettuce.core.RedisClient;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Redis saga store passes the saga store contract on the machine's Redis (a unique key prefix,
 * cleaned up afterwards), and a saga runs end to end on it.
 */
class RedisSagaStoreContractTest extends SagaStoreContract {

    record Order(String id) {
    }

    static final String PREFIX = "aqsagas-" + UUID.randomUUID().toString().substring(0, 8);
    private static RedisBackendFactory factory;

    @BeforeAll
    static void connect() {
        factory = RedisBackendFactory.builder().uri(SharedRedis.require()).keyPrefix(PREFIX).build();
    }

    @AfterAll
    static void cleanUp() {
        if (factory != null) {
            factory.close();
            RedisClient client = RedisClient.create(SharedRedis.url());
            try (var c = client.connect()) {
                var keys = c.sync().keys(PREFIX + ":*");
                if (!keys.isEmpty()) {
                    c.sync().del(keys.toArray(String[]::new));
                }
            } finally {
                client.shutdown();
            }
        }
    }

    @Override
    protected SagaStore createStore(String group) {
        return factory.createBackendForGroup(group).sagaStore();
    }

    @Override
    protected void advance(Duration duration) throws InterruptedException {
        Thread.sleep(duration); // the server's clock, not ours: there is nothing to inject
    }

    @Override
    protected Duration tick() {
        return Duration.ofMillis(200);
    }

    @Test
    void aSagaRunsAndCompensatesOnRedis() {
        List<String> effects = new CopyOnWriteArrayList<>();
        Deferrable d = Deferrable.builder(factory.createBackendForGroup("saga-e2e")).build();
        SagaHandle<Order> ok = d.saga("place", Order.class)
                .step("reserve", (ctx, o) -> effects.add("reserve " + o.id()), (ctx, o) -> effects.add("free " + o.id()))
                .step("charge", (ctx, o) -> effects.add("charge " + o.id()), SagaStep.nothing())
                .register();
        SagaHandle<Order> failing = d.saga("place-failing", Order.class)
                .step("reserve", (ctx, o) -> effects.add("reserve " + o.id()), (ctx, o) -> effects.add("free " + o.id()))
                .step("charge", (ctx, o) -> {
                    throw new IllegalStateException("card declined");
                }, SagaStep.nothing(), SagaStepOptions.builder()
                        .executeRetry(RetryPolicy.builder().maxAttempts(1).build()).build())
                .register();

        assertThat(ok.run(new Order("o1")).status()).isEqualTo(SagaStatus.SUCCEEDED);
        assertThatThrownBy(() -> failing.run(new Order("o2"))).isInstanceOfSatisfying(SagaFailedException.class,
                e -> assertThat(e.saga().status()).isEqualTo(SagaStatus.COMPENSATED));

        assertThat(effects).containsExactly("reserve o1", "charge o1", "reserve o2", "free o2");
        assertThat(d.sagas().list(SagaStatus.COMPENSATED, 0, 10)).hasSize(1);
    }
}
