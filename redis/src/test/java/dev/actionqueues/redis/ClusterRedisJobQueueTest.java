package dev.actionqueues.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.actionqueues.redis.testing.BlockedClients;
import dev.actionqueues.redis.testing.RedisClusterProcess;
import dev.actionqueues.redis.testing.RedisServerProcess;
import io.lettuce.core.cluster.SlotHash;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Every Redis queue test again, against a 3-master Redis Cluster this test starts on loopback. */
class ClusterRedisJobQueueTest extends RedisJobQueueTest {

    private static RedisClusterProcess cluster;
    private static io.lettuce.core.cluster.RedisClusterClient rawClusterClient;
    private static io.lettuce.core.cluster.api.StatefulRedisClusterConnection<String, String> rawCluster;

    @BeforeAll
    static void startCluster() throws Exception {
        cluster = RedisClusterProcess.start();
        rawClusterClient = io.lettuce.core.cluster.RedisClusterClient.create(cluster.seedUri());
        rawCluster = rawClusterClient.connect();
    }

    @AfterAll
    static void stopCluster() throws Exception {
        if (rawCluster != null) {
            rawCluster.close();
            rawClusterClient.shutdown();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    @Override
    RedisBackendFactory newFactory() {
        return RedisBackendFactory.builder().clusterUri(BlockedClients.named(cluster.seedUri(), PREFIX))
                .keyPrefix(PREFIX).build();
    }

    @Override
    long blockedClaims() {
        long blocked = 0;
        for (RedisServerProcess node : cluster.nodes()) {
            String clients = rawCluster.getConnection("127.0.0.1", node.port()).sync().clientList();
            blocked += BlockedClients.inBlmove(clients, PREFIX);
        }
        return blocked;
    }

    @Override
    void rawLpush(String key, String value) {
        rawCluster.sync().lpush(key, value);
    }

    @Override
    void rawSet(String key, String value) {
        rawCluster.sync().set(key, value);
    }

    @Override
    List<String> rawHashFields(String key) {
        return rawCluster.sync().hkeys(key);
    }

    @Test
    void allKeysOfAGroupShareOneSlot() {
        RedisKeys keys = RedisKeys.main("app", "emails");
        int slot = SlotHash.getSlot(keys.ready());
        assertThat(Arrays.stream(keys.with(keys.errorQueue().ready())).mapToInt(SlotHash::getSlot))
                .containsOnly(slot);
        assertThat(Arrays.stream(keys.errorQueue().queueKeys()).mapToInt(SlotHash::getSlot)).containsOnly(slot);
    }
}
