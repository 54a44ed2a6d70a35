package dev.actionqueues.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.actionqueues.redis.testing.RedisClusterProcess;
import io.lettuce.core.RedisURI;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import java.util.Arrays;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Every store test again, against a 3-master Redis Cluster this test starts on loopback. */
class ClusterRedisJobStoreTest extends RedisJobStoreTest {

    private static RedisClusterProcess cluster;
    private static RedisClusterClient clusterClient;
    private static StatefulRedisClusterConnection<String, String> clusterConnection;

    @BeforeAll
    static void startCluster() throws Exception {
        cluster = RedisClusterProcess.start();
        clusterClient = RedisClusterClient.create(RedisURI.create(cluster.seedUri()));
        clusterConnection = clusterClient.connect();
    }

    @AfterAll
    static void stopCluster() throws Exception {
        if (clusterConnection != null) {
            clusterConnection.close();
            clusterClient.shutdown();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    @Override
    RedisJobStore newStore(RedisKeys keys) {
        return new RedisJobStore(keys, RedisOps.of(clusterConnection), () -> RedisOps.of(clusterClient.connect()));
    }

    @Override
    void rawLpush(String key, String value) {
        clusterConnection.sync().lpush(key, value);
    }

    @Test
    void allKeysOfAGroupShareOneSlot() {
        RedisKeys keys = new RedisKeys("app", "emails");
        int slot = SlotHash.getSlot(keys.queueKeys()[0]);
        assertThat(Arrays.stream(keys.withDebounce("any key at all")).mapToInt(SlotHash::getSlot)).containsOnly(slot);
    }
}
