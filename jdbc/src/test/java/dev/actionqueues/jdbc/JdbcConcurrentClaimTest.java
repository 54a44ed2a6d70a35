package dev.actionqueues.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.actionqueues.deferred.spi.JobQueue;
import dev.actionqueues.deferred.spi.Lease;
import dev.actionqueues.deferred.spi.NewJob;
import dev.actionqueues.deferred.spi.QueueStats;
import dev.actionqueues.jdbc.testing.PostgresSchema;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * 8 threads claim from one queue of 10,000 jobs at once, through the SPI as the worker uses it
 * (claim a batch, complete the batch, or complete one and claim the next in one statement): no job
 * is handed to two claimers, every job is claimed, and none is left leased.
 */
class JdbcConcurrentClaimTest {

    private static final int JOBS = 10_000;
    private static final int THREADS = 8;

    @RegisterExtension
    static final PostgresSchema DB = new PostgresSchema("claims_");

    @Test
    void eightClaimersOverTenThousandJobsClaimEachOnceAndLeaveNoneRunning() throws Exception {
        JobQueue queue = DB.factory().createBackendForGroup("race").queue();
        List<NewJob> batch = new ArrayList<>(1000);
        for (int i = 0; i < JOBS; i++) {
            batch.add(NewJob.of("job-" + i, "{\"n\":" + i + "}"));
            if (batch.size() == 1000) {
                queue.pushBatch(batch);
                batch.clear();
            }
        }
        Map<String, AtomicInteger> claims = new ConcurrentHashMap<>();
        AtomicInteger notCompleted = new AtomicInteger();
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            List<Future<Integer>> claimers = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                boolean oneByOne = t % 2 == 0; // half use completeAndClaim, half claimBatch + completeBatch
                claimers.add(pool.submit(() -> {
                    start.await();
                    int mine = 0;
                    List<Lease> leases = queue.claimBatch(oneByOne ? 1 : 16, Duration.ofMinutes(5), Duration.ZERO);
                    while (!leases.isEmpty()) {
                        for (Lease l : leases) {
                            claims.computeIfAbsent(l.jobId(), k -> new AtomicInteger()).incrementAndGet();
                        }
                        mine += leases.size();
                        if (oneByOne) {
                            var r = queue.completeAndClaim(leases.get(0), 1, Duration.ofMinutes(5));
                            notCompleted.addAndGet(r.completed() ? 0 : 1);
                            leases = r.next();
                        } else {
                            notCompleted.addAndGet((int) queue.completeBatch(leases).stream().filter(ok -> !ok).count());
                            leases = queue.claimBatch(16, Duration.ofMinutes(5), Duration.ZERO);
                        }
                    }
                    return mine;
                }));
            }
            start.countDown();
            List<Integer> perThread = new ArrayList<>();
            for (Future<Integer> f : claimers) {
                perThread.add(f.get(60, TimeUnit.SECONDS));
            }
            long twice = claims.values().stream().filter(c -> c.get() > 1).count();
            System.out.printf("8 claimers over %d jobs: claimed %d distinct, %d claimed twice, %d completions refused,"
                    + " per thread %s%n", JOBS, claims.size(), twice, notCompleted.get(), perThread);
            assertThat(twice).as("jobs claimed twice").isZero();
            assertThat(claims).hasSize(JOBS);
            assertThat(perThread.stream().mapToInt(Integer::intValue).sum()).isEqualTo(JOBS);
            assertThat(notCompleted.get()).as("completions refused").isZero();
            assertThat(perThread).as("every thread took part").allMatch(n -> n > 0);
            assertThat(queue.stats()).isEqualTo(new QueueStats(0, 0, 0));
        } finally {
            pool.shutdownNow();
            queue.flush();
        }
    }
}
