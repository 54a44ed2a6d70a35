package dev.actionqueues.deferred.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.actionqueues.deferred.spi.CompleteAndNext;
import dev.actionqueues.deferred.spi.JobRecord;
import dev.actionqueues.deferred.spi.Lease;
import dev.actionqueues.deferred.spi.NewJob;
import dev.actionqueues.deferred.spi.QueueStats;
import dev.actionqueues.testkit.FakeTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The contract every deferred-jobs backend must pass, as a JUnit 5 suite of the SPI: extend it,
 * implement {@link #createBackend(String)} and {@link #advance(Duration)}, and run it against the
 * real broker. It covers order, delays, leases and redelivery, exact complete, stale-lease
 * rejection, the error queue, stats, flush, payloads stored byte for byte, blocking claims and
 * concurrent consumers (8 threads, 10,000 jobs: none lost, none run twice while its lease holds);
 * through the classes it extends, the error queue ({@link ErrorQueueContract}), one push per id
 * ({@link UniqueIdContract}) and debouncing ({@link DebounceContract}). A backend that lacks a
 * capability ({@link dev.actionqueues.deferred.spi.QueueCapabilities}: FIFO order, debouncing, unique
 * ids, inspection of waiting jobs) skips the tests that need it. {@link DeferrableOverBackendContract} extends this suite with the engine's own
 * tests over the backend (malformed payloads, TTL); a backend's run extends that class to pass both.
 *
 * <p>Time: backends on an injected clock pass a {@link FakeTime} to their factory and advance it
 * in {@link #advance(Duration)}; backends on server time wait for real there and may shorten
 * {@link #tick()}. Every delay and lease in the suite is a small multiple of {@code tick()}.
 *
 * <p>Each test gets a backend for a fresh group and flushes it afterwards. Not thread-safe (one
 * instance per test, as JUnit makes them).
 */
public abstract class JobQueueContract extends ErrorQueueContract {
    // ---- push, claim, order ----

    @Test
    void emptyQueuePopsNothingAndCountsZero() throws InterruptedException {
        assertThat(claimNow(LONG_LEASE)).isEmpty();
        assertThat(queue.stats()).isEqualTo(new QueueStats(0, 0, 0));
        assertThat(errors.stats()).isEqualTo(new QueueStats(0, 0, 0));
    }

    @Test
    void claimReturnsTheJobPushedWithItsIdAndPayloadAndALease() throws InterruptedException {
        String id = id();
        queue.push(NewJob.of(id, "{\"a\":1}"));
        assertThat(queue.stats().available()).isEqualTo(1);

        Lease lease = claimNow(LONG_LEASE).orElseThrow();

        assertThat(lease.jobId()).isEqualTo(id);
        assertThat(lease.payload()).isEqualTo("{\"a\":1}");
        assertThat(lease.deliveries()).isEqualTo(1);
        assertThat(queue.stats()).isEqualTo(new QueueStats(0, 1, 0));
        assertThat(claimNow(LONG_LEASE)).isEmpty();
    }

    @Test
    void availableJobsArePoppedInPushOrderOnFifoQueues() throws InterruptedException {
        assumeTrue(queue.capabilities().fifo(), "the queue is not FIFO");
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            ids.add(id());
            queue.push(NewJob.of(ids.get(i), "job " + i));
        }
        List<String> popped = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            // Each is completed before the next claim: SQS FIFO hands out nothing of a message group
            // while an earlier job of it is in flight.
            Lease lease = claimNow(LONG_LEASE).orElseThrow();
            popped.add(lease.jobId());
            assertThat(queue.complete(lease)).isTrue();
        }
        assertThat(popped).containsExactlyElementsOf(ids);
    }

    @Test
    void batchesPushAndPopAndCompleteSeveralJobs() throws InterruptedException {
        List<NewJob> jobs = List.of(NewJob.of(id(), "one"), NewJob.of(id(), "two"), NewJob.of(id(), "three"));
        assertThat(queue.pushBatch(jobs)).containsExactly(true, true, true);

        List<Lease> leases = queue.claimBatch(2, LONG_LEASE, Duration.ZERO);
        assertThat(leases).hasSize(2);
        assertThat(queue.stats()).isEqualTo(new QueueStats(1, 2, 0));
        if (queue.capabilities().fifo()) {
            assertThat(leases).extracting(Lease::payload).containsExactly("one", "two");
        }

        assertThat(queue.completeBatch(leases)).containsExactly(true, true);
        assertThat(queue.stats()).isEqualTo(new QueueStats(1, 0, 0));
    }

    @Test
    void batchesLargerThanTheCapabilityAreRejected() {
        int max = queue.capabilities().maxBatchSize();
        assumeTrue(max < 100_000, "no practical batch limit");
        List<NewJob> jobs = new ArrayList<>();
        for (int i = 0; i <= max; i++) {
            jobs.add(NewJob.of(id(), "x"));
        }
        assertThatThrownBy(() -> queue.pushBatch(jobs)).isInstanceOf(IllegalArgumentException.class);
    }

    // ---- delays ----

    @Test
    void aDelayedJobIsNotPoppedBeforeItsDueTime() throws InterruptedException {
        assumeDelays(ticks(2));
        String id = id();
        queue.push(new NewJob(id, "later", ticks(2)));
        assertThat(queue.stats()).isEqualTo(new QueueStats(0, 0, 1));
        assertThat(claimNow(LONG_LEASE)).isEmpty();

        advance(ticks(1));
        assertThat(claimNow(LONG_LEASE)).isEmpty();

        advance(ticks(1.2));
        assertThat(queue.stats()).isEqualTo(new QueueStats(1, 0, 0));
        assertThat(claimNow(LONG_LEASE).orElseThrow().jobId()).isEqualTo(id);
    }

    @Test
    void aDelayBeyondTheCapabilityIsRejected() {
        Duration max = queue.capabilities().maxDelay();
        assertThatThrownBy(() -> queue.push(new NewJob(id(), "x", max.plusSeconds(1))))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void releaseGivesTheJobBackWithTheNewPayloadAfterTheDelay() throws InterruptedException {
        String id = id();
        queue.push(NewJob.of(id, "attempt 0"));
        Lease lease = claimNow(LONG_LEASE).orElseThrow();

        if (delays(ticks(2))) {
            assertThat(queue.release(lease, "attempt 1", ticks(2))).isTrue();
            assertThat(queue.stats()).isEqualTo(new QueueStats(0, 0, 1));
            assertThat(claimNow(LONG_LEASE)).isEmpty();
            advance(ticks(2.2));
        } else {
            // A queue without delays (SQS FIFO) gives the job back at once.
            assertThat(queue.release(lease, "attempt 1", Duration.ZERO)).isTrue();
        }
        Lease again = claimNow(LONG_LEASE).orElseThrow();
        assertThat(again.jobId()).isEqualTo(id);
        assertThat(again.payload()).isEqualTo("attempt 1");
        assertThat(again.deliveries()).isEqualTo(1);
        assertThat(again.fencingToken()).isGreaterThan(lease.fencingToken());
    }

    // ---- leases ----

    @Test
    void completeRemovesExactlyTheJobItIsGiven() throws InterruptedException {
        queue.push(NewJob.of(id(), "first"));
        queue.push(NewJob.of(id(), "second"));
        Lease first = claimNow(LONG_LEASE).orElseThrow();
        Lease second = claimNow(LONG_LEASE).orElseThrow();

        assertThat(queue.complete(first)).isTrue();

        assertThat(queue.stats()).isEqualTo(new QueueStats(0, 1, 0));
        assertThat(queue.complete(first)).isFalse();
        assertThat(queue.complete(second)).isTrue();
        assertThat(queue.stats()).isEqualTo(new QueueStats(0, 0, 0));
    }

    @Test
    void aJobWhoseLeaseRunsOutIsDeliveredAgainWithAGreaterToken() throws InterruptedException {
        String id = id();
        queue.push(NewJob.of(id, "p"));
        Lease first = claimNow(ticks(2)).orElseThrow();

        advance(ticks(1));
        assertThat(claimNow(ticks(2))).isEmpty();

        advance(ticks(1.5));
        Lease second = claimNow(ticks(2)).orElseThrow();
        assertThat(second.jobId()).isEqualTo(id);
        assertThat(second.payload()).isEqualTo("p");
        assertThat(second.deliveries()).isEqualTo(2);
        assertThat(second.fencingToken()).isGreaterThan(first.fencingToken());
    }

    @Test
    void aJobWhoseLeaseRanOutIsDeliveredAgainAheadOfTheJobsThatWereWaiting() throws InterruptedException {
        assumeTrue(queue.capabilities().fifo(), "the queue is not FIFO: it promises no order of redelivery");
        String first = id();
        String second = id();
        String waiting = id();
        queue.push(NewJob.of(first, "p"));
        queue.push(NewJob.of(second, "p"));
        Lease longer = claimNow(ticks(2)).orElseThrow();
        Lease shorter = claimNow(ticks(1)).orElseThrow();
        queue.push(NewJob.of(waiting, "p"));

        advance(ticks(2.5));

        assertThat(List.of(longer.jobId(), shorter.jobId())).containsExactly(first, second);
        assertThat(claimNow(LONG_LEASE).orElseThrow().jobId()).as("the lease that ran out first").isEqualTo(second);
        assertThat(claimNow(LONG_LEASE).orElseThrow().jobId()).isEqualTo(first);
        assertThat(claimNow(LONG_LEASE).orElseThrow().jobId()).as("claimed after the others").isEqualTo(waiting);
    }

    @Test
    void completeAndPopCompletesExactlyTheGivenJobAndClaimsTheNextInOrder() throws InterruptedException {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            ids.add(id());
            queue.push(NewJob.of(ids.get(i), "job " + i));
        }
        boolean fifo = queue.capabilities().fifo();
        Lease first = claimNow(LONG_LEASE).orElseThrow();

        CompleteAndNext r1 = queue.completeAndClaim(first, 1, LONG_LEASE);
        assertThat(r1.completed()).isTrue();
        assertThat(r1.next()).hasSize(1);
        if (fifo) {
            assertThat(r1.next()).extracting(Lease::jobId).containsExactly(ids.get(1));
        }
        Lease second = r1.next().get(0);
        assertThat(second.payload()).isEqualTo("job " + ids.indexOf(second.jobId()));

        CompleteAndNext r2 = queue.completeAndClaim(second, 5, LONG_LEASE);
        assertThat(r2.completed()).isTrue();
        if (fifo) {
            assertThat(r2.next()).extracting(Lease::jobId).containsExactly(ids.get(2), ids.get(3));
        } else {
            List<String> rest = new ArrayList<>(ids);
            rest.removeAll(List.of(first.jobId(), second.jobId()));
            assertThat(r2.next()).extracting(Lease::jobId).containsExactlyInAnyOrderElementsOf(rest);
        }
        CompleteAndNext r3 = queue.completeAndClaim(r2.next().get(0), 1, LONG_LEASE);
        assertThat(r3.completed()).isTrue();
        assertThat(r3.next()).isEmpty();
        assertThat(queue.stats()).isEqualTo(new QueueStats(0, 1, 0));
        assertThat(queue.complete(r2.next().get(1))).isTrue();
        assertThat(queue.stats().total()).isZero();
        assertThatThrownBy(() -> queue.completeAndClaim(first, 0, LONG_LEASE))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void completeAndPopWithALeaseThatRanOutLeavesTheJobToItsNewHolder() throws InterruptedException {
        String a = id();
        String b = id();
        queue.push(NewJob.of(a, "a"));
        Lease stale = claimNow(ticks(1)).orElseThrow();
        advance(ticks(1.5));
        Lease current = claimNow(LONG_LEASE).orElseThrow();
        assertThat(current.jobId()).isEqualTo(a);
        queue.push(NewJob.of(b, "b"));

        CompleteAndNext r = queue.completeAndClaim(stale, 1, LONG_LEASE);

        assertThat(r.completed()).isFalse();
        assertThat(r.next()).extracting(Lease::jobId).containsExactly(b);
        assertThat(queue.stats()).isEqualTo(new QueueStats(0, 2, 0));
        assertThat(queue.complete(current)).isTrue();
        assertThat(queue.complete(r.next().get(0))).isTrue();
    }

    @Test
    void anInterruptedCompleteAndPopCompletesButClaimsNothing() throws InterruptedException {
        queue.push(NewJob.of(id(), "a"));
        queue.push(NewJob.of(id(), "b"));
        Lease done = claimNow(LONG_LEASE).orElseThrow();

        Thread.currentThread().interrupt();
        CompleteAndNext r;
        try {
            r = queue.completeAndClaim(done, 1, LONG_LEASE);
        } finally {
            assertThat(Thread.interrupted()).as("the interrupt status stays set").isTrue();
        }

        assertThat(r.completed()).isTrue();
        assertThat(r.next()).isEmpty();
        assertThat(queue.stats()).isEqualTo(new QueueStats(1, 0, 0));
    }

    @Test
    void leasesOfDifferentLengthsRunOutEachAtItsOwnTime() throws InterruptedException {
        String shortId = id();
        String middleId = id();
        String longId = id();
        queue.push(NewJob.of(middleId, "middle"));
        queue.push(NewJob.of(shortId, "short"));
        queue.push(NewJob.of(longId, "long"));
        Lease middle = claimNow(ticks(3)).orElseThrow();
        Lease shortLease = claimNow(ticks(1)).orElseThrow();
        Lease longLease = claimNow(ticks(6)).orElseThrow();
        if (queue.capabilities().fifo()) {
            assertThat(List.of(middle.jobId(), shortLease.jobId(), longLease.jobId()))
                    .containsExactly(middleId, shortId, longId);
        }

        advance(ticks(1.5));
        Lease again = claimNow(LONG_LEASE).orElseThrow();
        assertThat(again.jobId()).isEqualTo(shortLease.jobId());
        assertThat(claimNow(LONG_LEASE)).isEmpty();
        assertThat(queue.complete(middle)).isTrue();

        advance(ticks(2));
        assertThat(claimNow(LONG_LEASE)).isEmpty();
        assertThat(queue.stats()).isEqualTo(new QueueStats(0, 2, 0));
        assertThat(queue.complete(longLease)).isTrue();
        assertThat(queue.complete(shortLease)).isFalse();
        assertThat(queue.complete(again)).isTrue();
        assertThat(queue.stats().total()).isZero();
    }

    @Test
    void aStaleLeaseIsRejectedByEveryCallAndChangesNothing() throws InterruptedException {
        queue.push(NewJob.of(id(), "p"));
        Lease stale = claimNow(ticks(1)).orElseThrow();
        advance(ticks(1.5));
        Lease current = claimNow(LONG_LEASE).orElseThrow();

        assertThat(queue.complete(stale)).isFalse();
        assertThat(queue.renew(stale, LONG_LEASE)).isEmpty();
        assertThat(queue.release(stale, "stale", Duration.ZERO)).isFalse();
        assertThat(queue.deadLetter(stale, "stale")).isFalse();
        assertThat(queue.completeBatch(List.of(stale))).containsExactly(false);

        assertThat(queue.stats()).isEqualTo(new QueueStats(0, 1, 0));
        assertThat(errors.stats().total()).isZero();
        assertThat(queue.complete(current)).isTrue();
    }

    @Test
    void renewCanAlsoShortenALease() throws InterruptedException {
        String id = id();
        queue.push(NewJob.of(id, "p"));
        Lease lease = claimNow(LONG_LEASE).orElseThrow();

        Lease shortened = queue.renew(lease, ticks(1)).orElseThrow();
        assertThat(shortened.fencingToken()).isEqualTo(lease.fencingToken());
        advance(ticks(1.5));

        Lease again = claimNow(LONG_LEASE).orElseThrow();
        assertThat(again.jobId()).isEqualTo(id);
        assertThat(again.fencingToken()).isGreaterThan(lease.fencingToken());
        assertThat(queue.complete(lease)).isFalse();
        assertThat(queue.complete(again)).isTrue();
    }

    @Test
    void renewKeepsTheJobLeasedPastItsFirstExpiry() throws InterruptedException {
        queue.push(NewJob.of(id(), "p"));
        Lease lease = claimNow(ticks(2)).orElseThrow();
        advance(ticks(1));

        Lease renewed = queue.renew(lease, ticks(2)).orElseThrow();
        assertThat(renewed.fencingToken()).isEqualTo(lease.fencingToken());
        advance(ticks(1.5));
        assertThat(claimNow(LONG_LEASE)).isEmpty();
        assertThat(queue.stats().inFlight()).isEqualTo(1);

        advance(ticks(1));
        assertThat(claimNow(LONG_LEASE)).isPresent();
        assertThat(queue.complete(renewed)).isFalse();
    }

    @Test
    void waitingJobsOfTheMainQueueCanBeFoundAndRemovedButNotLeasedOnes() throws InterruptedException {
        assumeTrue(queue.capabilities().inspection(), "the queue cannot inspect its waiting jobs");
        assumeDelays(ticks(2));
        String leasedId = id();
        String readyId = id();
        String keptId = id();
        String delayedId = id();
        queue.push(NewJob.of(leasedId, "leased"));
        queue.push(NewJob.of(readyId, "ready"));
        queue.push(NewJob.of(keptId, "kept"));
        queue.push(new NewJob(delayedId, "delayed", ticks(2)));
        Lease leased = claimNow(LONG_LEASE).orElseThrow();
        assertThat(leased.jobId()).isEqualTo(leasedId);

        assertThat(queue.find(readyId)).contains(new JobRecord(readyId, "ready"));
        assertThat(queue.find(delayedId)).contains(new JobRecord(delayedId, "delayed"));
        assertThat(queue.find(leasedId)).isEmpty();
        assertThat(queue.remove(leasedId)).isFalse();

        assertThat(queue.remove(readyId)).isTrue();
        assertThat(queue.remove(delayedId)).isTrue();
        assertThat(queue.remove(readyId)).isFalse();
        assertThat(queue.find(readyId)).isEmpty();
        assertThat(queue.stats()).isEqualTo(new QueueStats(1, 1, 0));

        advance(ticks(2.5));
        assertThat(claimNow(LONG_LEASE).orElseThrow().jobId()).isEqualTo(keptId);
        assertThat(claimNow(LONG_LEASE)).isEmpty();
        assertThat(queue.complete(leased)).isTrue();
    }

    // ---- stats and flush ----

    @Test
    void statsCountAvailableInFlightAndDelayedJobs() throws InterruptedException {
        queue.push(NewJob.of(id(), "a"));
        queue.push(NewJob.of(id(), "b"));
        queue.push(NewJob.of(id(), "c"));
        boolean delayed = delays(ticks(5));
        if (delayed) {
            queue.push(new NewJob(id(), "d", ticks(5)));
        }
        claimNow(LONG_LEASE).orElseThrow();

        assertThat(queue.stats()).isEqualTo(new QueueStats(2, 1, delayed ? 1 : 0));
    }

    @Test
    void flushRemovesEveryJobAndMakesLeasesStale() throws InterruptedException {
        queue.push(NewJob.of(id(), "a"));
        queue.push(NewJob.of(id(), "b"));
        if (delays(ticks(5))) {
            queue.push(new NewJob(id(), "c", ticks(5)));
        }
        Lease lease = claimNow(LONG_LEASE).orElseThrow();

        queue.flush();

        assertThat(queue.stats()).isEqualTo(new QueueStats(0, 0, 0));
        assertThat(queue.complete(lease)).isFalse();
        advance(ticks(6));
        assertThat(claimNow(LONG_LEASE)).isEmpty();
    }

    // ---- payloads ----

    @Test
    void payloadsAreStoredExactlyWhateverTheyContain() throws InterruptedException {
        List<String> payloads = List.of("not json {", "{\"unicode\":\"d'\u00c9vry \u65e5\u672c \ud83d\ude00\"}",
                "line\nbreak\ttab \"quotes\" \\ back", "  ", "x".repeat(200 * 1024));
        for (String p : payloads) {
            queue.push(NewJob.of(id(), p));
        }
        List<String> popped = new ArrayList<>();
        for (int i = 0; i < payloads.size(); i++) {
            Lease lease = claimNow(LONG_LEASE).orElseThrow();
            popped.add(lease.payload());
            queue.complete(lease); // before the next claim, as a FIFO queue's message group needs
        }
        assertThat(popped).containsExactlyInAnyOrderElementsOf(payloads);
    }

    // ---- blocking claim ----

    @Test
    void aBlockingPopReturnsAJobPushedWhileItWaits() {
        assumeTrue(queue.capabilities().blockingClaim(), "the queue has no blocking claim");
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
            AtomicReference<Lease> got = new AtomicReference<>();
            Thread popper = Thread.ofVirtual().start(() -> {
                try {
                    got.set(queue.claim(LONG_LEASE, Duration.ofSeconds(15)).orElse(null));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            String id = id();
            queue.push(NewJob.of(id, "wake up"));
            popper.join();
            assertThat(got.get()).isNotNull();
            assertThat(got.get().jobId()).isEqualTo(id);
        });
    }

    @Test
    void aBlockingPopGivesUpAfterItsMaxWait() {
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
            long start = System.nanoTime();
            assertThat(queue.claim(LONG_LEASE, Duration.ofMillis(100))).isEmpty();
            assertThat(System.nanoTime() - start).isLessThan(Duration.ofSeconds(10).toNanos());
        });
    }

    // ---- concurrency ----

    @Test
    void eightConsumersRunTenThousandJobsNoneLostNoneTwiceWhileLeased() {
        int jobs = 10_000;
        int threads = 8;
        int batch = Math.min(500, queue.capabilities().maxBatchSize());
        List<NewJob> pending = new ArrayList<>();
        for (int i = 0; i < jobs; i++) {
            pending.add(NewJob.of("job-" + i, Integer.toString(i)));
            if (pending.size() == batch) {
                queue.pushBatch(pending);
                pending = new ArrayList<>();
            }
        }
        if (!pending.isEmpty()) {
            queue.pushBatch(pending);
        }
        Map<String, AtomicInteger> runs = new ConcurrentHashMap<>();
        Set<String> running = ConcurrentHashMap.newKeySet();
        AtomicInteger overlaps = new AtomicInteger();
        AtomicInteger rejectedCompletes = new AtomicInteger();
        AtomicInteger done = new AtomicInteger();
        assertTimeoutPreemptively(Duration.ofSeconds(120), () -> {
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            try {
                List<Future<?>> futures = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    futures.add(pool.submit(() -> {
                        while (done.get() < jobs) {
                            Optional<Lease> lease = queue.claim(LONG_LEASE, Duration.ofMillis(50));
                            if (lease.isEmpty()) {
                                continue;
                            }
                            String id = lease.get().jobId();
                            if (!running.add(id)) {
                                overlaps.incrementAndGet();
                            }
                            runs.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet();
                            running.remove(id);
                            if (queue.complete(lease.get())) {
                                done.incrementAndGet();
                            } else {
                                rejectedCompletes.incrementAndGet();
                            }
                        }
                        return null;
                    }));
                }
                for (Future<?> f : futures) {
                    f.get();
                }
            } finally {
                pool.shutdownNow();
            }
        });
        assertThat(overlaps).hasValue(0);
        assertThat(rejectedCompletes).hasValue(0);
        assertThat(runs).hasSize(jobs);
        assertThat(runs.values()).allSatisfy(n -> assertThat(n).hasValue(1));
        assertThat(queue.stats().total()).isZero();
    }
}
