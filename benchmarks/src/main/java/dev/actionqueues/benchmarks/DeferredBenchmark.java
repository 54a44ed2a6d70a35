package dev.actionqueues.benchmarks;

import dev.actionqueues.deferred.Deferrable;
import dev.actionqueues.deferred.TaskHandle;
import dev.actionqueues.deferred.Worker;
import dev.actionqueues.deferred.memory.InMemoryBackendFactory;
import dev.actionqueues.deferred.spi.Backend;
import dev.actionqueues.deferred.spi.JobQueue;
import dev.actionqueues.deferred.spi.Lease;
import dev.actionqueues.deferred.spi.NewJob;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * No-op deferred jobs per second through the in-memory backend, beside a plain
 * {@link LinkedBlockingQueue} drained by an {@link ExecutorService} doing the same no-op work (the
 * limit). Enqueue is measured per call; processing as the burn-down of {@value #JOBS} pre-enqueued
 * jobs by 1 or 8 concurrent consumers.
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar DeferredBenchmark}
 */
@Fork(value = 1, jvmArgs = {"-Xms1g", "-Xmx1g", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"})
@OutputTimeUnit(TimeUnit.SECONDS)
public class DeferredBenchmark {

    static final int JOBS = 100_000;
    private static final Runnable NO_OP = () -> { };
    private static final Duration LEASE = Duration.ofSeconds(30);

    /** A Deferrable over a fresh in-memory backend with one no-op task. */
    @State(Scope.Benchmark)
    public static class Deferred {
        Backend backend;
        Deferrable deferrable;
        TaskHandle<Integer> task;
        final AtomicLong enqueued = new AtomicLong();

        @Setup(Level.Trial)
        public void setUp() {
            backend = InMemoryBackendFactory.create().createBackendForGroup("bench");
            deferrable = Deferrable.builder(backend).build();
            task = deferrable.register("noop", Integer.class, n -> { });
        }

        void flushEvery(long n) {
            if (enqueued.incrementAndGet() % n == 0) {
                backend.queue().flush();
            }
        }
    }

    /** The limit: a plain queue of runnables. */
    @State(Scope.Benchmark)
    public static class Plain {
        final LinkedBlockingQueue<Runnable> queue = new LinkedBlockingQueue<>();
        final AtomicLong enqueued = new AtomicLong();
    }

    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @Warmup(iterations = 2, time = 2)
    @Measurement(iterations = 3, time = 3)
    public Object enqueueDeferred(Deferred s) {
        Object r = s.task.later(1);
        s.flushEvery(200_000);
        return r;
    }

    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @Warmup(iterations = 2, time = 2)
    @Measurement(iterations = 3, time = 3)
    public boolean enqueuePlainQueue(Plain s) {
        boolean r = s.queue.offer(NO_OP);
        if (s.enqueued.incrementAndGet() % 200_000 == 0) {
            s.queue.clear();
        }
        return r;
    }

    /** Burn-down of pre-enqueued jobs by a Worker. */
    @State(Scope.Benchmark)
    public static class Burn {
        @Param({"1", "8"})
        int concurrency;
        Deferrable deferrable;
        TaskHandle<Integer> task;

        @Setup(Level.Trial)
        public void setUp() {
            deferrable = Deferrable.builder(InMemoryBackendFactory.create().createBackendForGroup("burn")).build();
            task = deferrable.register("noop", Integer.class, n -> { });
        }

        Worker worker;

        @Setup(Level.Invocation)
        public void fill() {
            for (int i = 0; i < JOBS; i++) {
                task.later(i);
            }
        }

        /** The worker's shutdown (waking its idle pollers) is not part of the burn-down. */
        @TearDown(Level.Invocation)
        public void stopWorker() throws InterruptedException {
            worker.shutdown(Duration.ofSeconds(5));
        }
    }

    @Benchmark
    @BenchmarkMode(Mode.SingleShotTime)
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    @OperationsPerInvocation(JOBS)
    @Warmup(iterations = 5)
    @Measurement(iterations = 10)
    public long processDeferred(Burn s) throws InterruptedException {
        Worker worker = Worker.builder(s.deferrable).concurrency(s.concurrency)
                .pollTimeout(Duration.ofMillis(50)).build().start();
        s.worker = worker;
        while (worker.processed() < JOBS) {
            LockSupport.parkNanos(50_000);
        }
        return worker.processed();
    }

    /** Burn-down through the backend SPI alone (claim and complete, no JSON, no handler): the backend's share. */
    @State(Scope.Benchmark)
    public static class BackendBurn {
        @Param({"1", "8"})
        int concurrency;
        JobQueue queue;
        ExecutorService executor;

        @Setup(Level.Trial)
        public void setUp() {
            queue = InMemoryBackendFactory.create().createBackendForGroup("raw").queue();
            executor = Executors.newFixedThreadPool(concurrency, Thread.ofVirtual().factory());
        }

        @Setup(Level.Invocation)
        public void fill() {
            for (int i = 0; i < JOBS; i++) {
                queue.push(NewJob.of("job-" + i, "{}"));
            }
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            executor.shutdownNow();
        }
    }

    @Benchmark
    @BenchmarkMode(Mode.SingleShotTime)
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    @OperationsPerInvocation(JOBS)
    @Warmup(iterations = 5)
    @Measurement(iterations = 10)
    public long processBackendOnly(BackendBurn s) throws Exception {
        AtomicLong done = new AtomicLong();
        List<Future<?>> futures = new ArrayList<>();
        for (int i = 0; i < s.concurrency; i++) {
            futures.add(s.executor.submit(() -> {
                Optional<Lease> lease;
                while ((lease = s.queue.claim(LEASE, Duration.ZERO)).isPresent()) {
                    s.queue.complete(lease.get());
                    done.incrementAndGet();
                }
                return null;
            }));
        }
        for (Future<?> f : futures) {
            f.get();
        }
        return done.get();
    }

    /** Burn-down of pre-enqueued runnables by an executor's threads. */
    @State(Scope.Benchmark)
    public static class PlainBurn {
        @Param({"1", "8"})
        int concurrency;
        final LinkedBlockingQueue<Runnable> queue = new LinkedBlockingQueue<>();
        ExecutorService executor;

        @Setup(Level.Trial)
        public void setUp() {
            executor = Executors.newFixedThreadPool(concurrency);
        }

        @Setup(Level.Invocation)
        public void fill() {
            for (int i = 0; i < JOBS; i++) {
                queue.offer(NO_OP);
            }
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            executor.shutdownNow();
        }
    }

    @Benchmark
    @BenchmarkMode(Mode.SingleShotTime)
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    @OperationsPerInvocation(JOBS)
    @Warmup(iterations = 5)
    @Measurement(iterations = 10)
    public long processPlainQueue(PlainBurn s) throws Exception {
        AtomicLong done = new AtomicLong();
        List<Future<?>> futures = new ArrayList<>();
        for (int i = 0; i < s.concurrency; i++) {
            futures.add(s.executor.submit(() -> {
                Runnable r;
                while ((r = s.queue.poll()) != null) {
                    r.run();
                    done.incrementAndGet();
                }
            }));
        }
        for (Future<?> f : futures) {
            f.get();
        }
        return done.get();
    }

    /**
     * A second, JSON-inclusive limit: the same payload strings the engine stores for these jobs, in a
     * plain queue, each decoded with Jackson (tree, then the handler's argument type) before the
     * no-op handler runs. It shows the engine's overhead beyond the decoding any JSON job queue does.
     */
    @State(Scope.Benchmark)
    public static class PlainJsonBurn {
        @Param({"1", "8"})
        int concurrency;
        final LinkedBlockingQueue<String> queue = new LinkedBlockingQueue<>();
        final com.fasterxml.jackson.databind.ObjectMapper mapper = new com.fasterxml.jackson.databind.ObjectMapper();
        final java.util.function.IntConsumer handler = n -> { };
        String payload;
        ExecutorService executor;

        @Setup(Level.Trial)
        public void setUp() throws InterruptedException {
            executor = Executors.newFixedThreadPool(concurrency);
            Backend sample = InMemoryBackendFactory.create().createBackendForGroup("sample");
            Deferrable d = Deferrable.builder(sample).build();
            d.register("noop", Integer.class, n -> { }).later(42);
            payload = sample.queue().claim(LEASE, Duration.ZERO).orElseThrow().payload();
        }

        @Setup(Level.Invocation)
        public void fill() {
            for (int i = 0; i < JOBS; i++) {
                queue.offer(payload);
            }
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            executor.shutdownNow();
        }
    }

    @Benchmark
    @BenchmarkMode(Mode.SingleShotTime)
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    @OperationsPerInvocation(JOBS)
    @Warmup(iterations = 5)
    @Measurement(iterations = 10)
    public long processPlainJsonQueue(PlainJsonBurn s) throws Exception {
        AtomicLong done = new AtomicLong();
        List<Future<?>> futures = new ArrayList<>();
        for (int i = 0; i < s.concurrency; i++) {
            futures.add(s.executor.submit(() -> {
                String json;
                while ((json = s.queue.poll()) != null) {
                    com.fasterxml.jackson.databind.JsonNode tree = s.mapper.readTree(json);
                    s.handler.accept(s.mapper.treeToValue(tree.get("args"), Integer.class));
                    done.incrementAndGet();
                }
                return null;
            }));
        }
        for (Future<?> f : futures) {
            f.get();
        }
        return done.get();
    }
}
