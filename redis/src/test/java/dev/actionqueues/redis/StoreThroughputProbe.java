package dev.actionqueues.redis;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/** A quick probe (not a test): store-level enqueue and burn-down rates on the machine's Redis. */
public final class StoreThroughputProbe {
    public static void main(String[] args) throws Exception {
        int n = Integer.parseInt(args.length > 0 ? args[0] : "50000");
        int threads = Integer.parseInt(args.length > 1 ? args[1] : "16");
        RedisClient client = RedisClient.create("redis://127.0.0.1:6379");
        StatefulRedisConnection<String, String> c = client.connect();
        RedisJobStore store = new RedisJobStore(new RedisKeys("aqprobe", "g" + UUID.randomUUID().toString().substring(0, 6)),
                RedisOps.of(c), () -> RedisOps.of(client.connect()));
        String payload = "{\"task\":\"noop\",\"args\":[],\"attempts\":0}";
        var sync = c.sync();
        for (int i = 0; i < 20000; i++) {
            sync.lpush("aqprobe:raw", "x");
            store.push("w" + i, payload, Duration.ZERO, 5);
        }
        store.flush();
        sync.del("aqprobe:raw");
        long tr = System.nanoTime();
        for (int i = 0; i < n; i++) {
            sync.lpush("aqprobe:raw", "x");
        }
        double raw = n / ((System.nanoTime() - tr) / 1e9);
        sync.del("aqprobe:raw");
        double evalRate = 0;
        System.out.printf("lettuce sync LPUSH: %.0f/s%n", raw);
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
            store.push("j" + i, payload, Duration.ZERO, 5);
        }
        double enq = n / ((System.nanoTime() - t0) / 1e9);
        AtomicInteger done = new AtomicInteger();
        CountDownLatch latch = new CountDownLatch(threads);
        long t1 = System.nanoTime();
        for (int t = 0; t < threads; t++) {
            Thread.ofVirtual().start(() -> {
                try {
                    var j = store.claimCombined(Duration.ofSeconds(30));
                    while (j != null) {
                        var r = store.completeAndClaim(j.id(), j.token(), Duration.ofSeconds(30));
                        done.incrementAndGet();
                        j = r.job();
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } finally {
                    latch.countDown();
                }
            });
        }
        latch.await();
        double burn = done.get() / ((System.nanoTime() - t1) / 1e9);
        System.out.printf("enqueue one at a time: %.0f/s; burn-down c=%d: %.0f jobs/s (%d done)%n", enq, threads, burn, done.get());
        store.close();
        c.close();
        client.shutdown();
    }
}
