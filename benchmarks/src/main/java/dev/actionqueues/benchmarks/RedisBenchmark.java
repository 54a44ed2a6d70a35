package dev.actionqueues.benchmarks;

import static dev.actionqueues.benchmarks.Clocks.seconds;
import static dev.actionqueues.benchmarks.Clocks.jvmCpuNanos;

import dev.actionqueues.deferred.spi.JobQueue;
import dev.actionqueues.deferred.spi.Lease;
import dev.actionqueues.deferred.spi.NewJob;
import dev.actionqueues.redis.RedisBackendFactory;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.sync.RedisCommands;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Redis backend against the local Redis, beside {@code redis-benchmark} LPUSH on the same
 * server in the same run (the raw limit): enqueue one at a time and in batches, burn-down of
 * pre-enqueued no-op jobs at concurrency 1 and 16, pickup latency of an idle worker, Redis
 * commands per job, and what an idle worker costs Redis.
 *
 * <p>Run: {@code java -cp benchmarks/target/benchmarks.jar dev.actionqueues.benchmarks.RedisBenchmark [redis-uri] [jobs] [engine|producer]};
 * with {@code engine}, only the engine burn-down, five times (for profiling; {@code -Dconcurrency=16 -Dprefetch=16});
 * with {@code producer}, three rounds of {@code redis-benchmark} and the producer's measures ({@code push}, {@code later()},
 * {@code laterAll}, {@code laterAsync}). {@code -DreplySpinMicros=N} sets the factory's {@code replySpin} (0: parked at once).
 */
public final class RedisBenchmark {

    private static final AtomicInteger ENGINE_RUNS = new AtomicInteger();

    private RedisBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        String uri = args.length > 0 ? args[0] : "redis://127.0.0.1:6379";
        int jobs = args.length > 1 ? Integer.parseInt(args[1]) : 50_000;
        String prefix = "aqbench-" + UUID.randomUUID().toString().substring(0, 8);
        RedisClient admin = RedisClient.create(uri);
        RedisCommands<String, String> redis = admin.connect().sync();
        // -DreplySpinMicros=0 measures the synchronous calls with the caller parked at once, as before replySpin.
        RedisBackendFactory.Builder builder = RedisBackendFactory.builder().uri(uri).keyPrefix(prefix);
        if (Integer.getInteger("replySpinMicros") != null) {
            builder.replySpin(Duration.ofNanos(1000L * Integer.getInteger("replySpinMicros")));
        }
        try (RedisBackendFactory factory = builder.build()) {
            JobQueue queue = factory.createBackendForGroup("bench").queue();
            warmUp(queue);
            if (args.length > 2 && args[2].equals("engine")) {
                // Only the engine burn-down, five times: for profiling.
                double lpush = redisBenchmark(uri, 50, 200_000);
                for (int i = 0; i < 5; i++) {
                        int c = Integer.getInteger("concurrency", 16);
                    int prefetch = Integer.getInteger("prefetch", 16);
                    double rate = engineBurnDown(factory, redis, jobs, c, prefetch);
                    System.out.printf("engine burn-down c=%d prefetch=%d: %.0f jobs/s = %.0f%% of LPUSH -c 50 (%.0f/s)%n",
                            c, prefetch, rate, 100 * rate / lpush, lpush);
                }
                return;
            }

            if (args.length > 2 && args[2].equals("producer")) {
                // Only the producer measures beside redis-benchmark, three rounds: for tuning the enqueue path.
                for (int i = 0; i < 3; i++) {
                    double lpush50 = redisBenchmark(uri, 50, 200_000);
                    double lpush1 = redisBenchmark(uri, 1, 50_000);
                    System.out.printf("redis-benchmark LPUSH -c 50: %.0f/s; -c 1: %.0f/s%n", lpush50, lpush1);
                    enqueueOne(queue, redis, jobs, lpush1);
                    producers(factory, jobs, lpush1, lpush50);
                }
                return;
            }

            double lpush50 = redisBenchmark(uri, 50, 200_000);
            double lpush1 = redisBenchmark(uri, 1, 50_000);
            System.out.printf("redis-benchmark LPUSH -c 50: %.0f/s; -c 1: %.0f/s%n", lpush50, lpush1);

            enqueueOne(queue, redis, jobs, lpush1);

            long t1 = System.nanoTime();
            List<NewJob> batch = new ArrayList<>(100);
            for (int i = 0; i < jobs; i++) {
                batch.add(NewJob.of("b-" + i, "{\"task\":\"noop\",\"args\":{}}"));
                if (batch.size() == 100) {
                    queue.pushBatch(batch);
                    batch.clear();
                }
            }
            double enqueueBatch = jobs / seconds(t1);
            System.out.printf("enqueue in batches of 100: %.0f jobs/s%n", enqueueBatch);
            queue.flush();

            producers(factory, jobs, lpush1, lpush50);

            for (int concurrency : new int[] {1, 16}) {
                if (queue.stats().available() < jobs) {
                    queue.flush();
                    fill(queue, jobs);
                }
                redis.configResetstat();
                double rate = burnDown(queue, jobs, concurrency);
                double perJob = commands(redis) / (double) jobs;
                double trips = roundTrips(redis) / (double) jobs;
                System.out.printf("burn-down c=%d: %.0f jobs/s = %.0f%% of LPUSH -c 50 (%.2f round trips and %.2f Redis commands per job)%n",
                        concurrency, rate, 100 * rate / lpush50, trips, perJob);
            }

            // The engine's paths JIT-compiled before they are measured, as the SPI's were in warmUp().
            System.out.println("engine warm-up:");
            engineBurnDown(factory, redis, 20_000, 16, 0);
            engineBurnDown(factory, redis, 20_000, 16, 32);
            for (int[] run : new int[][] {{1, 0}, {16, 0}, {16, 32}}) {
                double rate = engineBurnDown(factory, redis, jobs, run[0], run[1]);
                System.out.printf("engine burn-down (Deferrable + Worker, no-op task) c=%d prefetch=%d: %.0f jobs/s"
                        + " = %.0f%% of LPUSH -c 50 (%.2f round trips and %.2f Redis commands per job)%n", run[0], run[1],
                        rate, 100 * rate / lpush50, roundTrips(redis) / (double) jobs, commands(redis) / (double) jobs);
            }

            pickupLatency(queue, 300, false);
            pickupLatency(queue, 2000, true);
            idleCost(queue, redis);
        } finally {
            var keys = redis.keys(prefix + ":*");
            if (!keys.isEmpty()) {
                redis.del(keys.toArray(String[]::new));
            }
            admin.shutdown();
        }
    }

    private static void enqueueOne(JobQueue queue, RedisCommands<String, String> redis, int jobs, double lpush1) {
        redis.configResetstat();
        long t0 = System.nanoTime();
        for (int i = 0; i < jobs; i++) {
            queue.push(NewJob.of("one-" + i, "{\"task\":\"noop\",\"args\":{}}"));
        }
        double enqueueOne = jobs / seconds(t0);
        double pushCalls = commands(redis) / (double) jobs;
        System.out.printf("enqueue one at a time: %.0f jobs/s = %.0f%% of LPUSH -c 1 (%.2f Redis commands per job)%n",
                enqueueOne, 100 * enqueueOne / lpush1, pushCalls);
        queue.flush();
    }

    private static void warmUp(JobQueue queue) throws InterruptedException {
        for (int round = 0; round < 3; round++) {
            fill(queue, 20_000);
            burnDown(queue, 20_000, 16);
        }
        queue.flush();
    }

    private static void fill(JobQueue queue, int jobs) {
        List<NewJob> batch = new ArrayList<>(500);
        for (int i = 0; i < jobs; i++) {
            batch.add(NewJob.of(UUID.randomUUID().toString(), "{\"task\":\"noop\",\"args\":{}}"));
            if (batch.size() == 500) {
                queue.pushBatch(batch);
                batch.clear();
            }
        }
        if (!batch.isEmpty()) {
            queue.pushBatch(batch);
        }
    }

    /** Claims and completes every job with {@code concurrency} virtual threads; returns jobs per second. */
    private static double burnDown(JobQueue queue, int jobs, int concurrency) throws InterruptedException {
        AtomicInteger done = new AtomicInteger();
        CountDownLatch finished = new CountDownLatch(concurrency);
        long t0 = System.nanoTime();
        for (int t = 0; t < concurrency; t++) {
            Thread.ofVirtual().start(() -> {
                try {
                    // As the worker uses the SPI: claim once, then complete each job and claim the next in one call.
                    Optional<Lease> lease = queue.claim(Duration.ofSeconds(60), Duration.ZERO);
                    while (lease.isPresent()) {
                        List<Lease> next = queue.completeAndClaim(lease.get(), 1, Duration.ofSeconds(60)).next();
                        lease = next.stream().findFirst();
                        done.incrementAndGet();
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } finally {
                    finished.countDown();
                }
            });
        }
        finished.await();
        return done.get() / seconds(t0);
    }

    /** Arguments of the no-op task. */
    public record Noop(int n) {
    }

    /** The same burn-down through the engine: a Deferrable and its Worker running a no-op task. */
    private static double engineBurnDown(RedisBackendFactory factory, RedisCommands<String, String> redis, int jobs,
            int concurrency, int prefetch) throws Exception {
        dev.actionqueues.deferred.spi.Backend backend = factory.createBackendForGroup(
                "engine" + concurrency + "p" + prefetch + "-" + ENGINE_RUNS.incrementAndGet());
        dev.actionqueues.deferred.Deferrable deferrable = dev.actionqueues.deferred.Deferrable.builder(backend).build();
        var noop = deferrable.register("noop", Noop.class, args -> { });
        for (int i = 0; i < jobs; i++) {
            noop.later(new Noop(i));
        }
        redis.configResetstat();
        double redisCpu0 = redisCpuSeconds(redis);
        long jvmCpu0 = jvmCpuNanos();
        long t0 = System.nanoTime();
        double rate;
        try (dev.actionqueues.deferred.Worker worker = dev.actionqueues.deferred.Worker.builder(deferrable)
                .concurrency(concurrency).prefetch(prefetch).build().start()) {
            while (worker.processed() < jobs) {
                Thread.sleep(1);
            }
            // Measured to the last completion; the worker's shutdown is not part of the burn-down.
            double wall = seconds(t0);
            rate = jobs / wall;
            System.out.printf("  (c=%d prefetch=%d: JVM CPU %.0f%%, redis-server CPU %.0f%% of one core)%n", concurrency, prefetch,
                    100 * (jvmCpuNanos() - jvmCpu0) / 1e9 / wall, 100 * (redisCpuSeconds(redis) - redisCpu0) / wall);
        }
        return rate;
    }

    /**
     * The producer API with JSON encoding, beside the same run's LPUSH: {@code later()} one by one
     * from one thread, {@code laterAll} in batches of 100, {@code laterAsync} with 64 calls in flight.
     */
    private static void producers(RedisBackendFactory factory, int jobs, double lpush1, double lpush50)
            throws Exception {
        for (int round = 0; round < 2; round++) {
            boolean measured = round == 1;
            dev.actionqueues.deferred.spi.Backend backend = factory.createBackendForGroup("producer" + round);
            dev.actionqueues.deferred.Deferrable deferrable = dev.actionqueues.deferred.Deferrable.builder(backend)
                    .build();
            var noop = deferrable.task(dev.actionqueues.deferred.TaskDescriptor.of("noop", Noop.class));
            int n = measured ? jobs : 10_000;

            long cpu0 = jvmCpuNanos();
            long t0 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                noop.later(new Noop(i));
            }
            double one = n / seconds(t0);
            double oneCpu = Clocks.cpuPercent(cpu0, t0);
            double oneCpuPerJob = (jvmCpuNanos() - cpu0) / 1000.0 / n;
            backend.queue().flush();

            List<Noop> args = new ArrayList<>(100);
            long t1 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                args.add(new Noop(i));
                if (args.size() == 100) {
                    noop.laterAll(args);
                    args.clear();
                }
            }
            if (!args.isEmpty()) {
                noop.laterAll(args);
            }
            double all = n / seconds(t1);
            backend.queue().flush();

            java.util.concurrent.Semaphore inFlight = new java.util.concurrent.Semaphore(64);
            long t2 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                inFlight.acquire();
                noop.laterAsync(new Noop(i)).whenComplete((r, e) -> inFlight.release());
            }
            inFlight.acquire(64);
            double async = n / seconds(t2);
            if (backend.queue().stats().available() != n) {
                throw new IllegalStateException("laterAsync stored " + backend.queue().stats().available());
            }
            backend.queue().flush();
            if (measured) {
                System.out.printf("later() one by one (JSON, one thread): %.0f jobs/s = %.0f%% of LPUSH -c 1"
                        + " (JVM CPU %.0f%% of a core, %.1f µs per job)%n", one, 100 * one / lpush1, oneCpu, oneCpuPerJob);
                System.out.printf("laterAll in batches of 100: %.0f jobs/s%n", all);
                System.out.printf("laterAsync, 64 in flight: %.0f jobs/s = %.0f%% of LPUSH -c 50%n", async,
                        100 * async / lpush50);
            }
        }
    }

    private static void pickupLatency(JobQueue queue, int samples, boolean print) throws Exception {
        long[] latencies = new long[samples];
        AtomicInteger got = new AtomicInteger();
        java.util.concurrent.Semaphore picked = new java.util.concurrent.Semaphore(0);
        CountDownLatch all = new CountDownLatch(1);
        Thread consumer = Thread.ofVirtual().start(() -> {
            try {
                while (got.get() < samples) {
                    Optional<Lease> lease = queue.claim(Duration.ofSeconds(60), Duration.ofSeconds(10));
                    if (lease.isPresent()) {
                        long sent = Long.parseLong(lease.get().payload());
                        latencies[got.getAndIncrement()] = System.nanoTime() - sent;
                        queue.complete(lease.get());
                        picked.release();
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                all.countDown();
            }
        });
        for (int i = 0; i < samples; i++) {
            // Let the consumer go idle (blocked on Redis) before each job.
            if (i > 0) {
                picked.acquire();
            }
            Thread.sleep(2);
            queue.push(NewJob.of("lat-" + i, Long.toString(System.nanoTime())));
        }
        all.await(60, TimeUnit.SECONDS);
        consumer.join(1000);
        Arrays.sort(latencies);
        if (!print) {
            return;
        }
        System.out.printf("pickup latency of an idle worker: p50 %.2f ms, p99 %.2f ms, max %.2f ms (%d samples)%n",
                latencies[samples / 2] / 1e6, latencies[samples * 99 / 100] / 1e6, latencies[samples - 1] / 1e6, samples);
    }

    private static void idleCost(JobQueue queue, RedisCommands<String, String> redis) throws Exception {
        Thread idle = Thread.ofVirtual().start(() -> {
            try {
                while (!Thread.currentThread().isInterrupted()) {
                    queue.claim(Duration.ofSeconds(60), Duration.ofSeconds(30));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        Thread.sleep(1000);
        redis.configResetstat();
        long t0 = System.nanoTime();
        Thread.sleep(20_000);
        double perSecond = (commands(redis) - 1) / seconds(t0);
        idle.interrupt();
        System.out.printf("idle worker: %.2f Redis commands per second%n", perSecond);
    }

    /** Top-level calls since the last CONFIG RESETSTAT: scripts, LPUSH and the blocking wait. */

    private static double redisCpuSeconds(RedisCommands<String, String> redis) {
        double total = 0;
        for (String line : redis.info("cpu").split("\r?\n")) {
            if (line.startsWith("used_cpu_sys:") || line.startsWith("used_cpu_user:")) {
                total += Double.parseDouble(line.substring(line.indexOf(':') + 1).trim());
            }
        }
        return total;
    }

    private static long roundTrips(RedisCommands<String, String> redis) {
        String info = redis.info("commandstats");
        long total = 0;
        Matcher m = Pattern.compile("cmdstat_(evalsha|eval|blmove):calls=(\\d+)").matcher(info);
        while (m.find()) {
            total += Long.parseLong(m.group(2));
        }
        return total;
    }

    /** Total commands since the last CONFIG RESETSTAT, not counting CONFIG/INFO themselves. */
    private static long commands(RedisCommands<String, String> redis) {
        String info = redis.info("commandstats");
        long total = 0;
        Matcher m = Pattern.compile("cmdstat_(\\w+):calls=(\\d+)").matcher(info);
        while (m.find()) {
            if (!m.group(1).equals("config") && !m.group(1).equals("info")) {
                total += Long.parseLong(m.group(2));
            }
        }
        return total;
    }

    private static double redisBenchmark(String uri, int clients, int requests) throws IOException, InterruptedException {
        java.net.URI u = java.net.URI.create(uri);
        Process p = new ProcessBuilder("redis-benchmark", "-h", u.getHost(), "-p", Integer.toString(u.getPort()),
                "-t", "lpush", "-c", Integer.toString(clients), "-n", Integer.toString(requests), "-q")
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        Matcher m = Pattern.compile("LPUSH: ([0-9.]+) requests per second").matcher(out);
        double rate = 0;
        while (m.find()) {
            rate = Double.parseDouble(m.group(1));
        }
        return rate;
    }

}
