package dev.actionqueues.redis.fault;

import dev.actionqueues.deferred.Deferrable;
import dev.actionqueues.deferred.TaskOptions;
import dev.actionqueues.deferred.Worker;
import dev.actionqueues.redis.RedisBackendFactory;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The worker JVM of the fault tests: a {@link Deferrable} on the Redis backend with one task,
 * "work", that sleeps a few ms, records its id in the ledger and returns; a {@link Worker} runs it.
 * A job whose id is {@code poison} halts the JVM instead, as a job that kills its worker would.
 * Args: redis uri, prefix, group, ledger file, concurrency, lease ms, work ms, poison id, max attempts[, prefetch].
 */
public final class EngineWorkerProcess {

    private EngineWorkerProcess() {
    }

    public static void main(String[] args) throws Exception {
        // Die with the test JVM: its end closes our stdin.
        Thread.ofPlatform().daemon().start(() -> {
            try {
                while (System.in.read() != -1) {
                    Thread.onSpinWait();
                }
            } catch (java.io.IOException e) {
                // stdin is gone either way
            }
            Runtime.getRuntime().halt(0);
        });
        RedisBackendFactory factory = RedisBackendFactory.builder().uri(args[0]).keyPrefix(args[1]).build();
        Deferrable deferrable = Deferrable.builder(factory.createBackendForGroup(args[2])).build();
        Ledger ledger = new Ledger(Path.of(args[3]));
        long workMs = Long.parseLong(args[6]);
        String poison = args[7];
        register(deferrable, Integer.parseInt(args[8]), work -> {
            if (work.id().equals(poison)) {
                Runtime.getRuntime().halt(3);
            }
            Thread.sleep(workMs);
            ledger.record(work.id());
        });
        Worker.builder(deferrable).concurrency(Integer.parseInt(args[4]))
                .prefetch(args.length > 9 ? Integer.parseInt(args[9]) : 0)
                .leaseDuration(Duration.ofMillis(Long.parseLong(args[5]))).build().start();
        System.out.println("worker started");
        Thread.currentThread().join();
    }

    /** The task as both the producer (test) and the worker process register it. */
    public static dev.actionqueues.deferred.TaskHandle<Work> register(Deferrable deferrable, int maxAttempts,
            dev.actionqueues.deferred.TaskHandler<Work> handler) {
        return deferrable.register("work", Work.class, TaskOptions.builder().maxAttempts(maxAttempts).build(), handler);
    }
}
