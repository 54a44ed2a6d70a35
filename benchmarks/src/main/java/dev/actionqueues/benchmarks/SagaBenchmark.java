package dev.actionqueues.benchmarks;

import dev.actionqueues.deferred.Deferrable;
import dev.actionqueues.deferred.DeferrableListener;
import dev.actionqueues.deferred.EventType;
import dev.actionqueues.deferred.SagaBuilder;
import dev.actionqueues.deferred.SagaHandle;
import dev.actionqueues.deferred.SagaStep;
import dev.actionqueues.deferred.TaskHandle;
import dev.actionqueues.deferred.Worker;
import dev.actionqueues.deferred.memory.InMemoryBackendFactory;
import dev.actionqueues.deferred.spi.BackendFactory;
import dev.actionqueues.redis.RedisBackendFactory;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durable sagas of 4 no-op steps, run by a {@link Worker}, beside the same work as plain deferred
 * jobs (4 no-op jobs per saga) on the same backend in the same run: the cost of the journal.
 * Goal (issue 14): on Redis a saga costs no more than 3 times four independent jobs.
 *
 * <p>Usage: {@code SagaBenchmark <memory | redis://host:port> [sagas] [concurrency]}.
 */
public final class SagaBenchmark {

    private SagaBenchmark() {
    }

    /** Arguments of the no-op task and saga. */
    public record Noop(int n) {
    }

    public static void main(String[] args) throws Exception {
        String target = args.length > 0 ? args[0] : "memory";
        int sagas = args.length > 1 ? Integer.parseInt(args[1]) : 2000;
        int concurrency = args.length > 2 ? Integer.parseInt(args[2]) : 16;
        boolean redis = target.startsWith("redis");
        String prefix = "aqsagabench-" + UUID.randomUUID().toString().substring(0, 8);
        BackendFactory factory = redis ? RedisBackendFactory.builder().uri(target).keyPrefix(prefix).build()
                : InMemoryBackendFactory.create();
        RedisClient client = redis ? RedisClient.create(target) : null;
        StatefulRedisConnection<String, String> stats = redis ? client.connect() : null;
        try {
            System.out.printf("saga benchmark on %s: %d sagas of 4 no-op steps, worker concurrency %d%n",
                    redis ? target : "the in-memory backend", sagas, concurrency);
            for (int round = 0; round < 3; round++) {
                boolean measured = round > 0;
                int n = measured ? sagas : Math.max(100, sagas / 10);
                double jobs = jobs(factory, 4 * n, concurrency, "jobs" + round);
                long calls0 = stats == null ? 0 : scriptCalls(stats);
                double[] saga = sagas(factory, n, concurrency, "sagas" + round);
                long calls = stats == null ? 0 : scriptCalls(stats) - calls0;
                if (measured) {
                    double ratio = (1 / saga[1]) / (4 / jobs);
                    System.out.printf("round %d: 4 jobs each: %,.0f jobs/s = %,.0f 'sagas'/s | sagas: started %,.0f/s,"
                            + " run %,.0f/s | a saga costs %.2f x four jobs%s%n", round, jobs, jobs / 4, saga[0],
                            saga[1], ratio, stats == null ? ""
                                    : String.format(" | %.1f Redis scripts per saga (start and run)", (double) calls / n));
                }
            }
        } finally {
            if (stats != null) {
                stats.sync().keys(prefix + ":*").forEach(k -> stats.sync().del(k));
                stats.close();
                client.shutdown();
            }
            if (factory instanceof RedisBackendFactory r) {
                r.close();
            }
        }
    }

    /** Burn-down of {@code jobs} no-op jobs pushed beforehand; jobs/s. */
    private static double jobs(BackendFactory factory, int jobs, int concurrency, String group) throws Exception {
        Deferrable d = Deferrable.builder(factory.createBackendForGroup(group)).build();
        TaskHandle<Noop> noop = d.register("noop", Noop.class, a -> { });
        List<Noop> all = new ArrayList<>(jobs);
        for (int i = 0; i < jobs; i++) {
            all.add(new Noop(i));
        }
        noop.laterAll(all);
        long t0 = System.nanoTime();
        try (Worker worker = Worker.builder(d).concurrency(concurrency).build().start()) {
            while (worker.processed() < jobs) {
                Thread.sleep(1);
            }
            return jobs / ((System.nanoTime() - t0) / 1e9);
        }
    }

    /** Starts {@code n} sagas, then runs them with a worker; {started/s, run/s}. */
    private static double[] sagas(BackendFactory factory, int n, int concurrency, String group) throws Exception {
        AtomicInteger succeeded = new AtomicInteger();
        DeferrableListener count = e -> {
            if (e.type() == EventType.SAGA_STATUS && "SUCCEEDED".equals(e.metadata().get("status"))) {
                succeeded.incrementAndGet();
            }
        };
        Deferrable d = Deferrable.builder(factory.createBackendForGroup(group)).listener(count).build();
        SagaBuilder<Noop> builder = d.saga("four", Noop.class);
        for (int s = 1; s <= 4; s++) {
            builder.step("s" + s, (ctx, a) -> { }, SagaStep.nothing());
        }
        SagaHandle<Noop> four = builder.register();
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
            four.start(new Noop(i));
        }
        double started = n / ((System.nanoTime() - t0) / 1e9);
        long t1 = System.nanoTime();
        try (Worker worker = Worker.builder(d).concurrency(concurrency).build().start()) {
            while (succeeded.get() < n) {
                Thread.sleep(1);
            }
            return new double[] {started, n / ((System.nanoTime() - t1) / 1e9)};
        }
    }

    private static long scriptCalls(StatefulRedisConnection<String, String> c) {
        Matcher m = Pattern.compile("cmdstat_(evalsha|eval|lpush|rpush):calls=(\\d+)").matcher(c.sync().info("commandstats"));
        long total = 0;
        while (m.find()) {
            total += Long.parseLong(m.group(2));
        }
        return total;
    }
}
