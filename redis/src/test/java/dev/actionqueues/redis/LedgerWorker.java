package dev.actionqueues.redis;

import dev.actionqueues.deferred.spi.JobQueue;
import dev.actionqueues.deferred.spi.Lease;
import dev.actionqueues.redis.fault.Ledger;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The worker process of the kill tests: pops jobs, "works" for a few ms, records the run in the
 * ledger, then completes the job. Runs until killed.
 * Args: redis uri, prefix, group, ledger file, concurrency, lease ms, work ms.
 */
public final class LedgerWorker {

    private LedgerWorker() {
    }

    public static void main(String[] args) throws Exception {
        RedisBackendFactory factory = RedisBackendFactory.builder().uri(args[0]).keyPrefix(args[1]).build();
        JobQueue queue = factory.createBackendForGroup(args[2]).queue();
        Ledger ledger = new Ledger(Path.of(args[3]));
        int concurrency = Integer.parseInt(args[4]);
        Duration lease = Duration.ofMillis(Long.parseLong(args[5]));
        long workMs = Long.parseLong(args[6]);
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < concurrency; t++) {
            threads.add(Thread.ofVirtual().start(() -> {
                try {
                    while (true) {
                        Optional<Lease> job = queue.pop(lease, Duration.ofSeconds(1));
                        if (job.isPresent()) {
                            Thread.sleep(workMs);
                            ledger.record(job.get().jobId());
                            queue.complete(job.get());
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
