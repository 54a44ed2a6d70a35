package dev.actionqueues.demo;

import dev.actionqueues.deferred.BackendException;
import dev.actionqueues.deferred.Deferrable;
import dev.actionqueues.deferred.SagaHandle;
import dev.actionqueues.deferred.SagaStatus;
import dev.actionqueues.deferred.SagaStep;
import dev.actionqueues.deferred.SagaStepOptions;
import dev.actionqueues.deferred.SagaView;
import dev.actionqueues.deferred.Worker;
import dev.actionqueues.deferred.memory.InMemoryBackendFactory;
import dev.actionqueues.deferred.spi.Backend;
import dev.actionqueues.deferred.spi.SagaRecord;
import dev.actionqueues.deferred.spi.SagaStore;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The durable-saga part of the demo: the sign-up saga runs on one runner, which is cut off from the
 * backend in the middle of a step (as if its JVM died: it can no longer renew the saga's lease or
 * write its journal); once the lease runs out, a worker resumes the saga from the journal — it
 * compensates the interrupted step and those before it, since that step might have had an effect.
 * A second run marks the interrupted step idempotent, and the worker finishes it forwards instead.
 * Takes about three seconds.
 */
public final class DurableSagaDemo {

    private DurableSagaDemo() {
    }

    /** The saga's arguments. */
    public record SignUp(String email) {
    }

    /**
     * Runs the demo.
     *
     * @param out where to print
     * @throws InterruptedException if interrupted while waiting
     */
    public static void run(PrintStream out) throws InterruptedException {
        for (boolean idempotent : new boolean[] {false, true}) {
            runOnce(out, idempotent);
        }
    }

    private static void runOnce(PrintStream out, boolean idempotent) throws InterruptedException {
        Backend shared = InMemoryBackendFactory.create().createBackendForGroup("signup");
        Plug plug = new Plug(shared.sagaStore());
        Deferrable first = Deferrable.builder(new Backend("signup", shared.queue(), shared.errorQueue(), plug)).build();
        Deferrable second = Deferrable.builder(shared).build();
        CountDownLatch cardStarted = new CountDownLatch(1);
        CountDownLatch never = new CountDownLatch(1);
        SagaHandle<SignUp> onFirst = register(first, out, "runner 1", idempotent, () -> {
            cardStarted.countDown();
            never.await();
        });
        register(second, out, "runner 2", idempotent, () -> { });

        out.printf("Durable saga, the interrupted step %s idempotent:%n", idempotent ? "marked" : "not marked");
        Thread runner = Thread.ofVirtual().start(() -> {
            try {
                onFirst.run(new SignUp("ada@example.com"));
            } catch (RuntimeException e) {
                out.println("  runner 1 stops: " + e.getMessage());
            }
        });
        if (!cardStarted.await(10, TimeUnit.SECONDS)) {
            throw new IllegalStateException("the saga did not reach its card step");
        }
        out.println("  runner 1 is cut off from the backend in the middle of step 'card'");
        plug.pull();
        runner.join(Duration.ofSeconds(10));

        out.println("  a worker on another runner resumes the saga from its journal once its 1 s lease ran out");
        String id = shared.sagaStore().list(null, 0, 1).get(0).id();
        try (Worker worker = Worker.builder(second).pollTimeout(Duration.ofMillis(100)).build().start()) {
            long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
            while (System.nanoTime() < deadline && !second.sagas().find(id).orElseThrow().status().isTerminal()) {
                Thread.sleep(20);
            }
        }
        never.countDown();
        SagaView saga = second.sagas().find(id).orElseThrow();
        out.printf("  saga %s%s%n", saga.status(), saga.error() == null ? "" : " (" + saga.error() + ")");
        for (SagaView.Step step : saga.steps()) {
            out.printf("    %-8s execute %-9s compensate %s%n", step.name(), step.execute().status(),
                    step.compensate().status());
        }
    }

    /** The interface a step's work is written against here. */
    @FunctionalInterface
    private interface Work {
        void run() throws Exception;
    }

    private static SagaHandle<SignUp> register(Deferrable d, PrintStream out, String runner, boolean idempotent,
            Work card) {
        SagaStepOptions cardOptions = SagaStepOptions.builder().idempotent(idempotent).build();
        return d.saga("sign-up", SignUp.class).lease(Duration.ofSeconds(1))
                .step("account", (ctx, a) -> out.printf("  %s: account created for %s%n", runner, a.email()),
                        (ctx, a) -> out.printf("  %s: account of %s deleted%n", runner, a.email()))
                .step("card", (ctx, a) -> {
                    out.printf("  %s: charging the card (key %s)%n", runner, ctx.idempotencyKey());
                    card.run();
                }, (ctx, a) -> out.printf("  %s: card charge refunded (key %s)%n", runner, ctx.idempotencyKey()),
                        cardOptions)
                .step("welcome", (ctx, a) -> out.printf("  %s: welcome mail sent%n", runner), SagaStep.nothing())
                .register();
    }

    /** A saga store that can be cut off, as a dead runner's would be. */
    private static final class Plug implements SagaStore {

        private final SagaStore store;
        private volatile boolean pulled;

        Plug(SagaStore store) {
            this.store = store;
        }

        void pull() {
            pulled = true;
        }

        private SagaStore store() {
            if (pulled) {
                throw new BackendException("runner 1 is cut off from the backend");
            }
            return store;
        }

        @Override
        public boolean create(String id, String name, String status, String journal) {
            return store().create(id, name, status, journal);
        }

        @Override
        public Optional<SagaRecord> acquire(String id, Duration lease) {
            return store().acquire(id, lease);
        }

        @Override
        public Write update(String id, long token, String status, String journal, Duration lease) {
            return store().update(id, token, status, journal, lease);
        }

        @Override
        public void release(String id, long token) {
            store().release(id, token);
        }

        @Override
        public boolean requestCancel(String id) {
            return store().requestCancel(id);
        }

        @Override
        public boolean cancelRequested(String id) {
            return store().cancelRequested(id);
        }

        @Override
        public Optional<SagaRecord> find(String id) {
            return store().find(id);
        }

        @Override
        public List<SagaRecord> list(String status, int offset, int limit) {
            return store().list(status, offset, limit);
        }

        @Override
        public int removeUpdatedBefore(String name, List<String> statuses, Instant cutoff, int max) {
            return store().removeUpdatedBefore(name, statuses, cutoff, max);
        }
    }
}
