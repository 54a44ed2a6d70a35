package dev.actionqueues.demo;

import dev.actionqueues.deferred.Deferrable;
import dev.actionqueues.deferred.DeferrableStats;
import dev.actionqueues.deferred.ErrorEntry;
import dev.actionqueues.deferred.EventType;
import dev.actionqueues.deferred.OutcomeCounter;
import dev.actionqueues.deferred.TaskHandle;
import dev.actionqueues.deferred.TaskOptions;
import dev.actionqueues.deferred.Worker;
import dev.actionqueues.deferred.memory.InMemoryBackendFactory;
import dev.actionqueues.retry.Backoff;
import dev.actionqueues.retry.Sleeper;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The deferred-jobs part of the demo: a producer defers jobs through the in-memory backend (some
 * fail transiently and are retried, one fails for good and lands in the error queue, one expires,
 * a burst is debounced into one run), a worker runs them, and the demo prints the stats and the
 * error queue. Takes about two seconds.
 */
public final class DeferredDemo {

    private DeferredDemo() {
    }

    /** Arguments of the demo's tasks. */
    public record Order(int id, String customer) {
    }

    /**
     * Runs the demo.
     *
     * @param out where to print
     * @throws InterruptedException if interrupted while waiting for the jobs
     */
    public static void run(PrintStream out) throws InterruptedException {
        OutcomeCounter progress = new OutcomeCounter();
        Deferrable deferrable = Deferrable.builder(InMemoryBackendFactory.create().createBackendForGroup("demo"))
                .backoff(Backoff.exponential(Duration.ofMillis(100), Duration.ofSeconds(1)))
                .listener(progress)
                .listener(e -> {
                    if (e.type() == EventType.RETRY || e.type() == EventType.ERROR || e.type() == EventType.EXPIRE) {
                        out.printf("  event %-6s %s attempt %d%s%n", e.type(), e.task(), e.attempts(),
                                e.failure() == null ? "" : " (" + e.failure().getMessage() + ")");
                    }
                })
                .build();

        Map<Integer, AtomicInteger> tries = new ConcurrentHashMap<>();
        TaskHandle<Order> ship = deferrable.register("orders.ship", Order.class,
                TaskOptions.builder().maxAttempts(4).retryOn(IOException.class).build(), order -> {
                    int attempt = tries.computeIfAbsent(order.id(), k -> new AtomicInteger()).incrementAndGet();
                    if (order.id() % 2 == 0 && attempt < 3) {
                        throw new IOException("carrier API timed out for order " + order.id());
                    }
                    out.printf("  shipped order %d for %s (attempt %d)%n", order.id(), order.customer(), attempt);
                });
        TaskHandle<Order> invoice = deferrable.register("orders.invoice", Order.class,
                TaskOptions.builder().retryOn(IOException.class).build(), order -> {
                    throw new IllegalStateException("order " + order.id() + " has no billing address");
                });
        TaskHandle<Order> remind = deferrable.register("orders.remind", Order.class,
                TaskOptions.builder().ttl(Duration.ofMillis(200)).build(),
                order -> out.printf("  reminded %s%n", order.customer()));
        AtomicInteger recomputes = new AtomicInteger();
        TaskHandle<String> recompute = deferrable.register("stats.recompute", String.class,
                TaskOptions.builder().debounce(Duration.ofMillis(300)).debounceAlwaysDelay(true).build(),
                team -> out.printf("  recomputed stats of %s (run %d)%n", team, recomputes.incrementAndGet()));

        out.println("Deferred jobs: producing");
        for (int id = 1; id <= 4; id++) {
            ship.later(new Order(id, "customer-" + id));
        }
        invoice.later(new Order(99, "no-address"));
        remind.later(new Order(7, "late-reader"));
        int debounced = 0;
        for (int i = 0; i < 20; i++) {
            if (recompute.later("team-42").debounced()) {
                debounced++;
            }
        }
        out.printf("  20 recompute calls: %d debounced into the first%n", debounced);
        out.println("  (the reminder has a 200 ms TTL; the worker starts 300 ms late)");
        Sleeper.system().sleep(Duration.ofMillis(300));

        out.println("Deferred jobs: a worker with 4 virtual threads runs them");
        Worker worker = Worker.builder(deferrable).concurrency(4).pollTimeout(Duration.ofMillis(100)).build().start();
        long start = System.nanoTime();
        long deadline = start + Duration.ofSeconds(8).toNanos();
        boolean live = System.console() != null;
        int tick = 0;
        while (System.nanoTime() < deadline && !(recomputes.get() == 1 && idle(deferrable.stats()))) {
            Sleeper.system().sleep(Duration.ofMillis(20));
            if (live && ++tick % 10 == 0) {
                out.print("\r  progress: " + progress(progress, System.nanoTime() - start));
                out.flush();
            }
        }
        worker.shutdown(Duration.ofSeconds(2));
        out.println((live ? "\r" : "") + "  progress: " + progress(progress, System.nanoTime() - start));

        DeferrableStats stats = deferrable.stats();
        out.printf("Stats: available=%d in-flight=%d delayed=%d errors=%d%n", stats.available(), stats.inFlight(),
                stats.delayed(), stats.errors());
        out.println("Error queue:");
        for (ErrorEntry e : deferrable.errors(0, 10)) {
            out.printf("  %s %s: %s after %d attempt(s): %s%n", e.task(), e.arguments(), e.error().type(),
                    e.error().attempts(), e.error().reason());
        }
    }

    private static String progress(OutcomeCounter counts, long nanos) {
        return String.format("%s, %.1f jobs/s", counts, counts.done() / Math.max(1e-3, nanos / 1e9));
    }

    private static boolean idle(DeferrableStats s) {
        return s.available() == 0 && s.inFlight() == 0 && s.delayed() == 0;
    }
}
