package dev.actionqueues.deferred.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.actionqueues.deferred.spi.Backend;
import dev.actionqueues.deferred.spi.Lease;
import dev.actionqueues.deferred.spi.NewJob;
import dev.actionqueues.deferred.spi.WorkerLease;
import dev.actionqueues.deferred.spi.WorkerRecord;
import dev.actionqueues.deferred.spi.WorkerRegistry;
import dev.actionqueues.deferred.spi.WorkerStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The contract of {@link WorkerRegistry}, which every backend that keeps workers' heartbeats
 * passes: heartbeats upsert a record on the backend's clock, live and silent workers are listed,
 * records expire and are removed, exactly one of many contenders takes over a silent worker, and
 * {@link dev.actionqueues.deferred.spi.JobQueue#expire} ends a held lease at once (waking a waiting
 * claimer) and leaves a stale one alone. A backend's test extends it and supplies the backend and
 * the passing of time.
 *
 * <p>Not thread-safe (one instance per test, as JUnit makes them).
 */
public abstract class WorkerRegistryContract {

    /** The backend under test, for a fresh group; set before each test. */
    protected Backend backend;
    /** Its worker registry. */
    protected WorkerRegistry registry;

    /**
     * A backend for {@code group} whose registry and queues are empty.
     *
     * @param group a fresh group name of letters, digits and {@code _}
     * @return the backend, with a worker registry
     */
    protected abstract Backend createBackend(String group);

    /**
     * Lets {@code duration} pass on the registry's clock.
     *
     * @param duration how long
     * @throws InterruptedException if interrupted while waiting
     */
    protected abstract void advance(Duration duration) throws InterruptedException;

    /**
     * The unit of the suite's windows and expiries.
     *
     * @return one second unless overridden
     */
    protected Duration tick() {
        return Duration.ofSeconds(1);
    }

    @BeforeEach
    void createRegistry() {
        backend = createBackend("workers_" + UUID.randomUUID().toString().replace("-", ""));
        registry = backend.workerRegistry();
        assertThat(registry).as("the backend's worker registry").isNotNull();
    }

    private static WorkerStatus status(String name, int inFlight, List<WorkerLease> leases) {
        return new WorkerStatus(name, "host-1", 4242, 8, inFlight, leases);
    }

    private Duration long_() {
        return tick().multipliedBy(100);
    }

    @Test
    void aHeartbeatIsListedWithItsFieldsAndLeasesExactly() {
        List<WorkerLease> leases = List.of(new WorkerLease("job-1", 7, ""),
                new WorkerLease("odd,id:3|\u00e9\ud83d\ude00", Long.MAX_VALUE, "r,1:x"));
        registry.heartbeat(status("w1", 2, leases), long_());

        WorkerRecord r = registry.list(long_()).stream().filter(w -> w.name().equals("w1")).findFirst().orElseThrow();
        assertThat(r.host()).isEqualTo("host-1");
        assertThat(r.pid()).isEqualTo(4242);
        assertThat(r.group()).isEqualTo(backend.group());
        assertThat(r.concurrency()).isEqualTo(8);
        assertThat(r.inFlight()).isEqualTo(2);
        assertThat(r.startedAt()).isEqualTo(r.lastSeen());
        assertThat(r.leases()).isEqualTo(leases);
    }

    @Test
    void aLaterHeartbeatReplacesTheFieldsKeepsStartedAtAndMovesLastSeen() throws InterruptedException {
        registry.heartbeat(status("w1", 2, List.of(new WorkerLease("a", 1, ""))), long_());
        WorkerRecord first = registry.list(long_()).get(0);
        advance(tick());
        registry.heartbeat(status("w1", 0, List.of()), long_());

        WorkerRecord second = registry.list(long_()).get(0);
        assertThat(second.startedAt()).isEqualTo(first.startedAt());
        assertThat(second.lastSeen()).isAfterOrEqualTo(first.lastSeen().plus(tick()));
        assertThat(second.inFlight()).isZero();
        assertThat(second.leases()).isEmpty();
    }

    @Test
    void workersSeenWithinTheWindowAreLiveAndTheOthersSilent() throws InterruptedException {
        registry.heartbeat(status("old", 0, List.of()), long_());
        advance(tick().multipliedBy(3));
        registry.heartbeat(status("new", 0, List.of()), long_());

        assertThat(registry.list(tick().multipliedBy(2))).extracting(WorkerRecord::name).containsExactly("new");
        assertThat(registry.silent(tick().multipliedBy(2))).extracting(WorkerRecord::name).containsExactly("old");
        assertThat(registry.list(long_())).extracting(WorkerRecord::name).containsExactly("new", "old");
    }

    @Test
    void aRecordNotRenewedWithinItsExpiryIsGone() throws InterruptedException {
        registry.heartbeat(status("gone", 0, List.of(new WorkerLease("a", 1, ""))), tick());
        registry.heartbeat(status("kept", 0, List.of()), long_());
        advance(tick().multipliedBy(2));

        assertThat(registry.list(long_())).extracting(WorkerRecord::name).containsExactly("kept");
        assertThat(registry.silent(tick())).extracting(WorkerRecord::name).containsExactly("kept");
        assertThat(registry.takeOver("gone", tick())).isEmpty();
        registry.heartbeat(status("gone", 0, List.of()), long_());
        WorkerRecord back = registry.list(tick()).stream().filter(w -> w.name().equals("gone")).findFirst()
                .orElseThrow();
        assertThat(back.startedAt()).as("a new record").isEqualTo(back.lastSeen());
    }

    @Test
    void aGracefulStopRemovesTheRecord() {
        registry.heartbeat(status("w1", 0, List.of()), long_());

        assertThat(registry.remove("w1")).isTrue();
        assertThat(registry.remove("w1")).isFalse();
        assertThat(registry.list(long_())).isEmpty();
        assertThat(registry.silent(tick())).isEmpty();
    }

    @Test
    void onlyASilentWorkerIsTakenOverAndOnlyOnce() throws InterruptedException {
        List<WorkerLease> leases = List.of(new WorkerLease("j", 3, ""));
        registry.heartbeat(status("w1", 1, leases), long_());
        assertThat(registry.takeOver("w1", tick())).as("alive").isEmpty();
        assertThat(registry.takeOver("nobody", tick())).isEmpty();
        advance(tick().multipliedBy(2));

        Optional<WorkerRecord> taken = registry.takeOver("w1", tick());
        assertThat(taken).hasValueSatisfying(r -> assertThat(r.leases()).isEqualTo(leases));
        assertThat(registry.takeOver("w1", tick())).isEmpty();
        assertThat(registry.silent(tick())).isEmpty();
        // A worker that was only paused heartbeats again: a new record.
        registry.heartbeat(status("w1", 0, List.of()), long_());
        assertThat(registry.list(tick())).extracting(WorkerRecord::name).containsExactly("w1");
    }

    @Test
    void ofManyConcurrentContendersExactlyOneTakesOverEachSilentWorker() throws Exception {
        int workers = 5;
        int contenders = 16;
        for (int i = 0; i < workers; i++) {
            registry.heartbeat(status("dead-" + i, 0, List.of(new WorkerLease("job-" + i, i, ""))), long_());
        }
        advance(tick().multipliedBy(2));
        Map<String, AtomicInteger> takers = new ConcurrentHashMap<>();
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < contenders; c++) {
            threads.add(Thread.ofVirtual().start(() -> {
                try {
                    go.await();
                    for (WorkerRecord r : registry.silent(tick())) {
                        registry.takeOver(r.name(), tick()).ifPresent(
                                t -> takers.computeIfAbsent(t.name(), k -> new AtomicInteger()).incrementAndGet());
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }));
        }
        go.countDown();
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            for (Thread t : threads) {
                t.join();
            }
        });

        assertThat(takers).hasSize(workers);
        assertThat(takers.values()).allSatisfy(n -> assertThat(n.get()).isEqualTo(1));
        assertThat(registry.list(long_())).isEmpty();
    }

    @Test
    void expireEndsAHeldLeaseAtOnceAndLeavesAStaleOneAlone() throws InterruptedException {
        backend.queue().push(NewJob.of("job", "p"));
        Lease first = backend.queue().claim(long_(), Duration.ZERO).orElseThrow();

        assertThat(backend.queue().expire(WorkerLease.of(first))).isTrue();
        Lease second = backend.queue().claim(long_(), Duration.ofSeconds(5)).orElseThrow();

        assertThat(second.jobId()).isEqualTo("job");
        assertThat(second.payload()).isEqualTo("p");
        assertThat(second.fencingToken()).isGreaterThan(first.fencingToken());
        assertThat(second.deliveries()).as("a lease that ran out: one more delivery").isEqualTo(2);
        assertThat(backend.queue().expire(WorkerLease.of(first))).as("stale").isFalse();
        assertThat(backend.queue().complete(first)).isFalse();
        assertThat(backend.queue().complete(second)).as("the current holder is untouched").isTrue();
        assertThat(backend.queue().expire(WorkerLease.of(second))).as("completed").isFalse();
    }

    @Test
    void expireWakesAClaimerWaitingOnTheQueue() throws Exception {
        backend.queue().push(NewJob.of("job", "p"));
        Lease held = backend.queue().claim(long_(), Duration.ZERO).orElseThrow();
        List<Lease> got = new ArrayList<>();
        CountDownLatch waiting = new CountDownLatch(1);
        Thread claimer = Thread.ofVirtual().start(() -> {
            try {
                waiting.countDown();
                backend.queue().claim(long_(), Duration.ofSeconds(30)).ifPresent(got::add);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        waiting.await();
        Thread.sleep(300); // let the claimer reach its wait; a claim that comes later finds the job anyway
        long start = System.nanoTime();
        assertThat(backend.queue().expire(WorkerLease.of(held))).isTrue();

        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> claimer.join());
        Duration woken = Duration.ofNanos(System.nanoTime() - start);
        assertThat(got).singleElement().satisfies(l -> assertThat(l.jobId()).isEqualTo("job"));
        assertThat(woken).as("the waiting claimer was woken, not left to its 30 s wait").isLessThan(
                Duration.ofSeconds(5));
    }
}
