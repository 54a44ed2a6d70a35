package dev.actionqueues.redis.fault;

import dev.actionqueues.deferred.Deferrable;
import dev.actionqueues.deferred.Worker;
import dev.actionqueues.redis.RedisBackendFactory;
import java.nio.file.Path;

/**
 * The worker JVM that the reclaim test SIGKILLs: a {@link Deferrable} on the Redis backend whose
 * task "work" records its id in the ledger when it starts, then runs for ten minutes (or the given
 * work ms); a {@link Worker} with default settings (30 s lease, heartbeat) runs it.
 * Args: redis uri, prefix, group, ledger file, concurrency, prefetch[, work ms].
 */
public final class SlowWorkerProcess {

    private SlowWorkerProcess() {
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
        long workMs = args.length > 6 ? Long.parseLong(args[6]) : 600_000;
        EngineWorkerProcess.register(deferrable, 3, work -> {
            ledger.record(work.id());
            Thread.sleep(workMs);
        });
        Worker.builder(deferrable).concurrency(Integer.parseInt(args[4])).prefetch(Integer.parseInt(args[5])).build()
                .start();
        System.out.println("worker started");
        Thread.currentThread().join();
    }
}
