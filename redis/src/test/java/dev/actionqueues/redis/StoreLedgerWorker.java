package dev.actionqueues.redis;

import dev.actionqueues.redis.fault.Ledger;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.TimeoutOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The worker process of the kill tests: claims jobs from the store, "works" for a few ms, records
 * the run in the ledger, then completes the job. Runs until killed.
 * Args: redis uri, prefix, group, ledger file, concurrency, lease ms, work ms.
 */
public final class StoreLedgerWorker {

    private StoreLedgerWorker() {
    }

    public static void main(String[] args) throws Exception {
        RedisClient client = RedisClient.create(args[0]);
        client.setOptions(ClientOptions.builder()
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .timeoutOptions(TimeoutOptions.enabled(Duration.ofSeconds(5))).build());
        RedisJobStore store = new RedisJobStore(new RedisKeys(args[1], args[2]), RedisOps.of(client.connect()),
                () -> RedisOps.of(client.connect()));
        Ledger ledger = new Ledger(Path.of(args[3]));
        int concurrency = Integer.parseInt(args[4]);
        Duration lease = Duration.ofMillis(Long.parseLong(args[5]));
        long workMs = Long.parseLong(args[6]);
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < concurrency; t++) {
            threads.add(Thread.ofVirtual().start(() -> {
                try {
                    while (true) {
                        for (var job : store.claim(lease, 1, Duration.ofSeconds(1)).jobs()) {
                            Thread.sleep(workMs);
                            ledger.record(job.id());
                            store.complete(job.id(), job.token());
                        }
                    }
                } catch (Exception e) {
                    e.printStackTrace();
                }
            }));
        }
        System.out.println("worker started");
        for (Thread t : threads) {
            t.join();
        }
    }
}
