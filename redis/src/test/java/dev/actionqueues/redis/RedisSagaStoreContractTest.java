package dev.actionqueues.redis;

import dev.actionqueues.deferred.spi.Backend;
import dev.actionqueues.deferred.testkit.SagaStoreContract;
import dev.actionqueues.redis.testing.RedisTestBackend;
import java.time.Duration;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The Redis saga store passes the saga store contract on the machine's Redis (a unique key prefix,
 * cleaned up afterwards), on the server's clock.
 */
class RedisSagaStoreContractTest extends SagaStoreContract {

    @RegisterExtension
    static final RedisTestBackend REDIS = new RedisTestBackend("aqsagas");

    @Override
    protected Backend createBackend(String group) {
        return REDIS.backend(group);
    }

    @Override
    protected void advance(Duration duration) {
        REDIS.advance(duration);
    }

    @Override
    protected Duration tick() {
        return Duration.ofMillis(200);
    }
}
