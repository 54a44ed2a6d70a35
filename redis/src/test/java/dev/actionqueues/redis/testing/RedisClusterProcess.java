package dev.actionqueues.redis.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A 3-master Redis Cluster on loopback, started by the test: three {@code redis-server
 * --cluster-enabled yes} processes joined with {@code redis-cli --cluster create}.
 */
public final class RedisClusterProcess implements AutoCloseable {

    private final List<RedisServerProcess> nodes;

    private RedisClusterProcess(List<RedisServerProcess> nodes) {
        this.nodes = nodes;
    }

    public static RedisClusterProcess start() throws IOException, InterruptedException {
        List<RedisServerProcess> nodes = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                nodes.add(RedisServerProcess.start(List.of("--cluster-enabled", "yes",
                        "--cluster-config-file", "nodes.conf", "--cluster-node-timeout", "2000",
                        "--appendonly", "no")));
            }
            List<String> cmd = new ArrayList<>(List.of("redis-cli", "--cluster", "create"));
            for (RedisServerProcess n : nodes) {
                cmd.add("127.0.0.1:" + n.port());
            }
            cmd.addAll(List.of("--cluster-replicas", "0", "--cluster-yes"));
            Process create = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(create.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!create.waitFor(60, TimeUnit.SECONDS) || create.exitValue() != 0) {
                throw new IOException("redis-cli --cluster create failed: " + out);
            }
            try {
                org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30))
                        .pollInterval(java.time.Duration.ofMillis(50)).until(() -> allOk(nodes));
            } catch (org.awaitility.core.ConditionTimeoutException e) {
                throw new IOException("cluster did not reach cluster_state:ok within 30 s", e);
            }
            return new RedisClusterProcess(nodes);
        } catch (IOException | InterruptedException | RuntimeException e) {
            for (RedisServerProcess n : nodes) {
                n.close();
            }
            throw e;
        }
    }

    private static boolean allOk(List<RedisServerProcess> nodes) {
        for (RedisServerProcess n : nodes) {
            String info = clusterInfo(n.port());
            if (info == null || !info.contains("cluster_state:ok")) {
                return false;
            }
        }
        return true;
    }

    private static String clusterInfo(int port) {
        try {
            Process p = new ProcessBuilder("redis-cli", "-p", Integer.toString(port), "cluster", "info")
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor(5, TimeUnit.SECONDS);
            return out;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    public List<RedisServerProcess> nodes() {
        return List.copyOf(nodes);
    }

    /** A Lettuce cluster seed URI for the first node. */
    public String seedUri() {
        return nodes.get(0).uri();
    }

    @Override
    public void close() throws InterruptedException {
        for (RedisServerProcess n : nodes) {
            n.close();
        }
    }
}
