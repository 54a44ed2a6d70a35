package dev.actionqueues.deferred.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.actionqueues.deferred.spi.Debounce;
import dev.actionqueues.deferred.spi.DebounceDecision;
import dev.actionqueues.deferred.spi.DebounceResult;
import dev.actionqueues.deferred.spi.JobQueue;
import dev.actionqueues.deferred.spi.Lease;
import dev.actionqueues.deferred.spi.NewJob;
import dev.actionqueues.deferred.spi.QueueStats;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The debouncing part of the backend contract ({@link JobQueue#pushDebounced}, the rules of
 * {@link Debounce}): leading and always-delay modes, atomicity across threads, the key's state under
 * a backlog and late claims. {@link JobQueueContract} extends it; a backend without debouncing skips
 * these tests by its capabilities.
 *
 * <p>Not thread-safe (one instance per test, as JUnit makes them).
 */
public abstract class DebounceContract extends QueueContractSupport {

    // ---- debounce ----

    @Test
    void debounceLeadingModeRunsAtOnceThenCollapsesIntoOneTrailingRun() throws InterruptedException {
        assumeTrue(queue.capabilities().debounce(), "the queue does not debounce");
        Debounce d = new Debounce("k", ticks(4), false);
        DebounceResult first = queue.pushDebounced(NewJob.of(id(), "1"), d);
        assertThat(first.decision()).isEqualTo(DebounceDecision.PUSH_NOW);
        assertThat(queue.pushDebounced(NewJob.of(id(), "1b"), d).decision()).isEqualTo(DebounceDecision.SKIP);
        Lease run1 = claimNow(LONG_LEASE).orElseThrow();
        queue.complete(run1);

        advance(ticks(1));
        DebounceResult second = queue.pushDebounced(NewJob.of(id(), "2"), d);
        assertThat(second.decision()).isEqualTo(DebounceDecision.PUSH_DELAYED);
        // lastStart is the claim time of the first job (t0 here, a little later on a real clock).
        assertThat(second.delay()).isLessThanOrEqualTo(ticks(3.2)).isGreaterThan(ticks(2.5));
        DebounceResult third = queue.pushDebounced(NewJob.of(id(), "3"), d);
        assertThat(third.decision()).isEqualTo(DebounceDecision.SKIP);
        assertThat(third.jobId()).isEqualTo(second.jobId());
        assertThat(claimNow(LONG_LEASE)).isEmpty();

        advance(ticks(3.2));
        assertThat(claimNow(LONG_LEASE).orElseThrow().jobId()).isEqualTo(second.jobId());
        assertThat(claimNow(LONG_LEASE)).isEmpty();
    }

    @Test
    void debounceNeverLosesACallMadeAfterTheTrailingRunStarted() throws InterruptedException {
        assumeTrue(queue.capabilities().debounce(), "the queue does not debounce");
        Debounce d = new Debounce("lost-trigger", ticks(4), false);
        queue.pushDebounced(NewJob.of(id(), "lead"), d);
        queue.complete(claimNow(LONG_LEASE).orElseThrow());
        advance(ticks(1));
        DebounceResult trailing = queue.pushDebounced(NewJob.of(id(), "trail"), d);
        advance(ticks(3.2));
        Lease started = claimNow(LONG_LEASE).orElseThrow();
        assertThat(started.jobId()).isEqualTo(trailing.jobId());

        // The seed skipped this call (its debounce key outlived the trailing run): lost trigger.
        DebounceResult after = queue.pushDebounced(NewJob.of(id(), "after"), d);

        assertThat(after.decision()).isNotEqualTo(DebounceDecision.SKIP);
        assertThat(after.delay()).isGreaterThan(ticks(3));
    }

    @Test
    void debounceAlwaysDelayModeDelaysByTheWindowAndCollapsesUntilTheRunStarts() throws InterruptedException {
        assumeTrue(queue.capabilities().debounce(), "the queue does not debounce");
        Debounce d = new Debounce("always", ticks(2), true);
        DebounceResult first = queue.pushDebounced(NewJob.of(id(), "1"), d);
        assertThat(first.decision()).isEqualTo(DebounceDecision.PUSH_DELAYED);
        assertThat(first.delay()).isEqualTo(ticks(2));
        assertThat(queue.pushDebounced(NewJob.of(id(), "2"), d).decision()).isEqualTo(DebounceDecision.SKIP);
        assertThat(claimNow(LONG_LEASE)).isEmpty();

        advance(ticks(2.2));
        assertThat(queue.pushDebounced(NewJob.of(id(), "3"), d).decision()).isEqualTo(DebounceDecision.SKIP);
        assertThat(claimNow(LONG_LEASE).orElseThrow().jobId()).isEqualTo(first.jobId());
        DebounceResult fourth = queue.pushDebounced(NewJob.of(id(), "4"), d);
        assertThat(fourth.decision()).isEqualTo(DebounceDecision.PUSH_DELAYED);
        assertThat(fourth.delay()).isEqualTo(ticks(2));
    }

    @Test
    void debounceKeysAreIndependent() {
        assumeTrue(queue.capabilities().debounce(), "the queue does not debounce");
        assertThat(queue.pushDebounced(NewJob.of(id(), "a"), new Debounce("a", ticks(4), false)).decision())
                .isEqualTo(DebounceDecision.PUSH_NOW);
        assertThat(queue.pushDebounced(NewJob.of(id(), "b"), new Debounce("b", ticks(4), false)).decision())
                .isEqualTo(DebounceDecision.PUSH_NOW);
        assertThat(queue.stats().available()).isEqualTo(2);
    }

    @Test
    void debounceIsAtomicAcrossThreads() throws Exception {
        assumeTrue(queue.capabilities().debounce(), "the queue does not debounce");
        Debounce d = new Debounce("race", ticks(4), true);
        int threads = 8;
        CountDownLatch start = new CountDownLatch(1);
        Set<String> pushed = ConcurrentHashMap.newKeySet();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                futures.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < 50; i++) {
                        DebounceResult r = queue.pushDebounced(NewJob.of(id(), "x"), d);
                        if (r.decision() != DebounceDecision.SKIP) {
                            pushed.add(r.jobId());
                        }
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : futures) {
                f.get(30, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(pushed).hasSize(1);
        // One job; on a loaded machine its window may have passed by now, so it may be due already.
        assertThat(queue.stats().delayed() + queue.stats().available()).isEqualTo(1);
    }

    // ---- debounce: backlog ----

    @Test
    void debounceSkipsWhileTheKeysJobIsUnclaimedHoweverLongAfterItsDueTime() throws InterruptedException {
        assumeTrue(queue.capabilities().debounce(), "the queue does not debounce");
        Debounce leading = new Debounce("backlog-leading", ticks(1), false);
        Debounce always = new Debounce("backlog-always", ticks(1), true);
        DebounceResult now = queue.pushDebounced(NewJob.of(id(), "leading"), leading);
        DebounceResult delayed = queue.pushDebounced(NewJob.of(id(), "always"), always);
        assertThat(now.decision()).isEqualTo(DebounceDecision.PUSH_NOW);
        assertThat(delayed.decision()).isEqualTo(DebounceDecision.PUSH_DELAYED);

        // A backlog: nobody claims, and both jobs wait for several windows after they fell due.
        advance(ticks(4));

        DebounceResult again = queue.pushDebounced(NewJob.of(id(), "leading again"), leading);
        assertThat(again.decision()).isEqualTo(DebounceDecision.SKIP);
        assertThat(again.jobId()).isEqualTo(now.jobId());
        DebounceResult alwaysAgain = queue.pushDebounced(NewJob.of(id(), "always again"), always);
        assertThat(alwaysAgain.decision()).isEqualTo(DebounceDecision.SKIP);
        assertThat(alwaysAgain.jobId()).isEqualTo(delayed.jobId());
        assertThat(queue.stats()).isEqualTo(new QueueStats(2, 0, 0));
        List<Lease> claimed = queue.claimBatch(10, LONG_LEASE, Duration.ZERO);
        assertThat(claimed).extracting(Lease::jobId).containsExactlyInAnyOrder(now.jobId(), delayed.jobId());
    }

    // ---- debounce: late claims ----

    @Test
    void debounceLeadingRunsOfAKeyStartAWindowApartCountedFromTheClaim() throws InterruptedException {
        assumeTrue(queue.capabilities().debounce(), "the queue does not debounce");
        Debounce d = new Debounce("late-claims", ticks(4), false);
        DebounceResult first = queue.pushDebounced(NewJob.of(id(), "1"), d);
        assertThat(first.decision()).isEqualTo(DebounceDecision.PUSH_NOW);

        // Consumers are late: the first run starts 3 ticks after the push.
        advance(ticks(3));
        Lease run1 = claimNow(LONG_LEASE).orElseThrow();
        assertThat(run1.jobId()).isEqualTo(first.jobId());
        queue.complete(run1);

        // A window after the push, but only 1.5 ticks after the run started: the next run waits for the rest.
        advance(ticks(1.5));
        DebounceResult second = queue.pushDebounced(NewJob.of(id(), "2"), d);
        assertThat(second.decision()).isEqualTo(DebounceDecision.PUSH_DELAYED);
        assertThat(second.delay()).isGreaterThan(ticks(1.5)).isLessThanOrEqualTo(ticks(2.5));
        assertThat(claimNow(LONG_LEASE)).isEmpty();

        advance(second.delay().plus(ticks(0.2)));
        assertThat(claimNow(LONG_LEASE).orElseThrow().jobId()).isEqualTo(second.jobId());
    }
}
