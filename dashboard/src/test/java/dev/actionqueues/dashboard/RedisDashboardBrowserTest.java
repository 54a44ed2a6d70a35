package dev.actionqueues.dashboard;

import dev.actionqueues.deferred.spi.Backend;
import dev.actionqueues.redis.RedisBackendFactory;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.TestInstance;

/** The dashboard in Chromium over the machine's Redis (REDIS_URL, default 127.0.0.1:6379), under a fresh prefix. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RedisDashboardBrowserTest extends DashboardBrowserContract {

    private RedisBackendFactory factory;

    @Override
    Backend createBackend() {
        if (factory == null) {
            factory = RedisBackendFactory.builder().uri(Services.redis())
                    .keyPrefix("aq-dashboard-" + UUID.randomUUID()).build();
        }
        return factory.createBackendForGroup("shop");
    }

    @Override
    String backendName() {
        return "redis";
    }

    @AfterAll
    void closeFactory() {
        if (factory != null) {
            factory.close();
        }
    }
}
