package dev.actionqueues.redis;

import dev.actionqueues.deferred.spi.Backend;
import dev.actionqueues.redis.testing.RedisClusterProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The backend contract suite on a 3-master Redis Cluster that the test starts on loopback. */
class ClusterRedisBackendContractTest extends RealTimeContract {

    private static RedisClusterProcess cluster;
    private static RedisBackendFactory factory;

    @BeforeAll
    static void start() throws Exception {
        cluster = RedisClusterProcess.start();
        factory = RedisBackendFactory.builder().clusterUri(cluster.seedUri()).build();
    }

    @AfterAll
    static void stop() throws Exception {
        if (factory != null) {
            factory.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    @Override
    protected Backend createBackend(String group) {
        return factory.createBackendForGroup(group);
    }
}
