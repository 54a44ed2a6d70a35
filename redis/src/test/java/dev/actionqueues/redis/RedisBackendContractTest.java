package dev.actionqueues.redis;

import dev.actionqueues.deferred.spi.Backend;
import dev.actionqueues.redis.testing.SharedRedis;
import io.lettuce.core.RedisClient;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The backend contract suite on the machine's Redis (REDIS_URL), under a unique key prefix per run,
 * cleaned up afterwards. Redis keeps its own time, so the suite waits for real, on a short tick.
 */
class RedisBackendContractTest extends RealTimeContract {

    static final String PREFIX = "aqcontract-" + UUID.randomUUID().toString().substring(0, 8);
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
    protected Backend createBackend(String group) {
        return factory.createBackendForGroup(group);
    }
}
