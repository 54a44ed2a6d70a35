package dev.actionqueues.deferred;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import ch.qos.logback.classic.Level;
import dev.actionqueues.deferred.memory.InMemoryBackendFactory;
import dev.actionqueues.deferred.spi.Backend;
import dev.actionqueues.deferred.spi.NewJob;
import dev.actionqueues.deferred.spi.QueueCapabilities;
import dev.actionqueues.retry.Sleeper;
import dev.actionqueues.testkit.FakeTime;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The worker on the real clock, with short durations; waits are on latches and Awaitility. */
class WorkerTest {

    private final Backend memory = InMemoryBackendFactory.create().createBackendForGroup("worker");
    private final RecordingQueue queue = new RecordingQueue(memory.queue());
    private final Deferrable deferrable = Deferrable.builder(new Backend("worker", queue, memory.errorQueue()))
            .hostName("test").build();
    private Worker worker;

    @AfterEach
    void stop() {
        if (worker != null) {
            worker.close();
        }
    }

    private Worker start(Worker.Builder b) {
        worker = b.shutdownTimeout(Duration.ofSeconds(5)).build().start();
        return worker;
    }

    @Test
    void runsJobsConcurrentlyOnVirtualThreads() {
        CountDownLatch allStarted = new CountDownLatch(4);
        Set<Boolean> virtual = ConcurrentHashMap.newKeySet();
        TaskHandle<Integer> t = deferrable.register("parallel", Integer.class, n -> {
            virtual.add(Thread.currentThread().isVirtual());
            allStarted.countDown();
            if (!allStarted.await(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("not concurrent");
            }
        });
        for (int i = 0; i < 4; i++) {
            t.later(i);
        }
        start(Worker.builder(deferrable).concurrency(4));

        await().atMost(Duration.ofSeconds(10)).until(() -> deferrable.stats().equals(new DeferrableStats(0, 0, 0, 0))
                && worker.processed() == 4);
        assertThat(virtual).containsExactly(true);
    }

    @Test
    void anIdleWorkerWaitsOnTheBackendInsteadOfPolling() {
        long start = System.nanoTime();
        start(Worker.builder(deferrable).concurrency(2).pollTimeout(Duration.ofMillis(200)));

        await().atMost(Duration.ofSeconds(10)).until(() -> queue.claims.get() >= 8);
        Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
        assertThat(elapsed).as("2 threads need 4 waits of 200 ms each for 8 claims, not 8 polls")
                .isGreaterThanOrEqualTo(Duration.ofMillis(600));
    }

    @Test
    void aDelayedJobIsPickedUpWhenItFallsDueWithoutPolling() {
        AtomicInteger runs = new AtomicInteger();
        deferrable.register("soon", String.class, TaskOptions.builder().delay(Duration.ofMillis(300)).build(),
                s -> runs.incrementAndGet()).later("x");
        start(Worker.builder(deferrable).pollTimeout(Duration.ofSeconds(30)));

        await().atMost(Duration.ofSeconds(5)).untilAtomic(runs, org.hamcrest.Matchers.is(1));
        assertThat(queue.claims.get()).isLessThanOrEqualTo(3);
    }

    @Test
    void theLeaseIsRenewedWhileAJobRunsSoNobodyElseGetsIt() {
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger runs = new AtomicInteger();
        deferrable.register("long", String.class, s -> {
            runs.incrementAndGet();
            release.await();
        }).later("x");
        start(Worker.builder(deferrable).leaseDuration(Duration.ofMillis(300)));
        await().atMost(Duration.ofSeconds(5)).until(() -> runs.get() == 1);

        // Renewed every 100 ms: 10 renewals take at least 3 lease durations.
        await().atMost(Duration.ofSeconds(10)).until(() -> queue.renewals.get() >= 10);

        assertThat(deferrable.runOnce().status()).as("still leased after 3 lease durations")
                .isEqualTo(RunOutcome.Status.EMPTY);
        release.countDown();
        await().atMost(Duration.ofSeconds(5)).until(() -> deferrable.stats().inFlight() == 0);
        assertThat(runs).hasValue(1);
        assertThat(deferrable.stats()).isEqualTo(new DeferrableStats(0, 0, 0, 0));
    }

    @Test
    void shutdownLetsRunningJobsFinishAndStopsTakingNewOnes() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicBoolean finished = new AtomicBoolean();
        TaskHandle<String> t = deferrable.register("finishing", String.class, s -> {
            started.countDown();
            release.await();
            finished.set(true);
        });
        t.later("x");
        start(Worker.builder(deferrable).concurrency(2));
        assertThat(started.await(5, TimeUnit.SECONDS)).isTrue();

        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
            Thread stopper = Thread.ofVirtual().start(() -> {
                try {
                    assertThat(worker.shutdown(Duration.ofSeconds(5))).isTrue();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            await().atMost(Duration.ofSeconds(5)).until(() -> !worker.isRunning());
            release.countDown();
            stopper.join();
        });

        assertThat(finished).isTrue();
        assertThat(deferrable.stats()).isEqualTo(new DeferrableStats(0, 0, 0, 0));
        t.later("after shutdown");
        assertThat(deferrable.stats().available()).isEqualTo(1);
        assertThatThrownBy(worker::start).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aGracefulShutdownKeepsRenewingTheLeasesOfTheJobsItWaitsFor() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger runs = new AtomicInteger();
        deferrable.register("deploy", String.class, TaskOptions.builder().maxAttempts(1).build(), s -> {
            runs.incrementAndGet();
            started.countDown();
            release.await();
        }).later("x");
        start(Worker.builder(deferrable).leaseDuration(Duration.ofMillis(300)));
        assertThat(started.await(5, TimeUnit.SECONDS)).isTrue();

        Thread stopper = Thread.ofVirtual().start(() -> worker.close());
        await().atMost(Duration.ofSeconds(5)).until(() -> !worker.isRunning());
        // Renewed every 100 ms: 10 more renewals take over 3 lease durations of the grace period.
        int renewals = queue.renewals.get();
        await().atMost(Duration.ofSeconds(10)).until(() -> queue.renewals.get() >= renewals + 10);
        assertThat(deferrable.runOnce().status()).as("another consumer is not handed the job")
                .isEqualTo(RunOutcome.Status.EMPTY);
        release.countDown();
        stopper.join(Duration.ofSeconds(10));

        assertThat(runs).hasValue(1);
        assertThat(deferrable.stats()).as("completed, not dead-lettered").isEqualTo(new DeferrableStats(0, 0, 0, 0));
    }

    @Test
    void shutdownGivesBackJobsThatDoNotFinishInTime() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        deferrable.register("stuck", String.class, s -> {
            started.countDown();
            new CountDownLatch(1).await();
        }).later("x");
        start(Worker.builder(deferrable));
        assertThat(started.await(5, TimeUnit.SECONDS)).isTrue();

        boolean inTime = assertTimeoutPreemptively(Duration.ofSeconds(10),
                () -> worker.shutdown(Duration.ofMillis(200)));

        assertThat(inTime).isFalse();
        assertThat(deferrable.stats()).isEqualTo(new DeferrableStats(1, 0, 0, 0));
        assertThat(queue.list(0, 1).get(0).payload()).contains("\"attempts\":0");
    }

    @Test
    void theWorkerKeepsRunningAfterMalformedPayloadsAndErrors() {
        AtomicInteger good = new AtomicInteger();
        TaskHandle<Integer> t = deferrable.register("good", Integer.class, n -> good.incrementAndGet());
        LaterResult fatal = deferrable.register("fatal", String.class, s -> {
            throw new Error("thrown by the handler");
        }).later("x");
        queue.push(NewJob.of("garbage", "{{{"));
        for (int i = 0; i < 10; i++) {
            t.later(i);
        }
        start(Worker.builder(deferrable).concurrency(2));

        await().atMost(Duration.ofSeconds(10)).until(() -> good.get() == 10 && deferrable.stats().errors() == 2);
        assertThat(worker.isRunning()).isTrue();
        assertThat(deferrable.errors().find("garbage")).isPresent();
        assertThat(deferrable.errors().find(fatal.jobId())).isPresent();
    }

    @Test
    void anAssertionErrorReachesTheErrorQueueAtOnceInsteadOfSittingOutTheLease() {
        LaterResult r = deferrable.register("asserts", String.class, s -> {
            throw new AssertionError("invariant broken");
        }).later("x");
        start(Worker.builder(deferrable).leaseDuration(Duration.ofSeconds(30)));

        await().atMost(Duration.ofSeconds(5)).until(() -> deferrable.stats().errors() == 1);
        JobError error = deferrable.errors().find(r.jobId()).orElseThrow().error();
        assertThat(error.type()).isEqualTo("java.lang.AssertionError");
        assertThat(error.message()).isEqualTo("invariant broken");
        assertThat(error.reason()).isEqualTo("failed with java.lang.AssertionError, which is not retried");
        assertThat(error.stackTrace()).contains(WorkerTest.class.getName());
    }

    @Test
    void anOutOfMemoryErrorGivesTheJobBackAndTheThreadGoesOnAfterTheErrorBackoff() {
        AtomicInteger runs = new AtomicInteger();
        deferrable.register("hungry", String.class, s -> {
            if (runs.incrementAndGet() == 1) {
                throw new OutOfMemoryError("Java heap space");
            }
        }).later("x");
        List<Duration> pauses = new CopyOnWriteArrayList<>();
        Duration errorBackoff = Duration.ofMillis(123);
        start(Worker.builder(deferrable).leaseDuration(Duration.ofSeconds(30)).errorBackoff(errorBackoff)
                .sleeper(d -> {
                    pauses.add(d);
                    Sleeper.system().sleep(d);
                }));

        await().atMost(Duration.ofSeconds(5)).until(() -> runs.get() == 2 && worker.processed() == 2);
        assertThat(queue.releaseDelays).as("given back at once, no attempt counted").containsExactly(Duration.ZERO);
        assertThat(pauses).contains(errorBackoff);
        assertThat(worker.isRunning()).isTrue();
        assertThat(deferrable.stats()).isEqualTo(new DeferrableStats(0, 0, 0, 0));
    }

    @Test
    void anOutageOfTheClaimsIsOneWarnWhenItStartsAndOneInfoWhenItEnds() {
        queue.failClaims = true;
        try (LogCapture log = new LogCapture(Worker.class)) {
            start(Worker.builder(deferrable).concurrency(4).errorBackoff(Duration.ofMillis(10)));
            await().atMost(Duration.ofSeconds(10)).until(() -> queue.claims.get() >= 40);
            queue.failClaims = false;
            await().atMost(Duration.ofSeconds(10)).until(() -> !log.at(Level.INFO).stream()
                    .filter(e -> e.getFormattedMessage().contains("answers again")).toList().isEmpty());

            assertThat(log.at(Level.WARN)).as("one per outage, not per thread per pause").singleElement()
                    .satisfies(e -> {
                        assertThat(e.getFormattedMessage()).contains("claiming from group 'worker'");
                        assertThat(e.getThrowableProxy().getMessage()).isEqualTo("claim failed");
                    });
            assertThat(log.at(Level.DEBUG).size()).isGreaterThanOrEqualTo(39);
            assertThat(log.messages(Level.INFO)).filteredOn(m -> m.contains("answers again")).hasSize(1);
        }
    }

    @Test
    void failingCompletionsAreOneWarnPerOutageToo() {
        AtomicInteger runs = new AtomicInteger();
        TaskHandle<Integer> t = deferrable.register("done", Integer.class, n -> runs.incrementAndGet());
        queue.failCompletions = true;
        try (LogCapture log = new LogCapture(Worker.class)) {
            start(Worker.builder(deferrable).concurrency(2).errorBackoff(Duration.ofMillis(10))
                    .leaseDuration(Duration.ofMillis(300)));
            for (int i = 0; i < 5; i++) {
                t.later(i);
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> runs.get() >= 5);
            queue.failCompletions = false;
            await().atMost(Duration.ofSeconds(10)).until(() -> deferrable.stats().equals(
                    new DeferrableStats(0, 0, 0, 0)) && !log.messages(Level.INFO).stream()
                    .filter(m -> m.contains("answers again")).toList().isEmpty());

            assertThat(log.at(Level.WARN)).as("one for the outage, whatever the jobs and threads").singleElement()
                    .satisfies(e -> assertThat(e.getFormattedMessage()).contains("runs again when its lease runs out"));
        }
    }

    @Test
    void prefetchedJobsAreHeldLeasedAndGivenBackAtShutdown() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger runs = new AtomicInteger();
        TaskHandle<Integer> t = deferrable.register("slow", Integer.class, n -> {
            runs.incrementAndGet();
            started.countDown();
            release.await();
        });
        for (int i = 0; i < 10; i++) {
            t.later(i);
        }
        start(Worker.builder(deferrable).concurrency(1).prefetch(3));
        assertThat(started.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(deferrable.stats()).as("1 running + 3 prefetched").isEqualTo(new DeferrableStats(6, 4, 0, 0));

        Thread stopper = Thread.ofVirtual().start(() -> worker.close());
        await().atMost(Duration.ofSeconds(5)).until(() -> !worker.isRunning());
        release.countDown();
        stopper.join(Duration.ofSeconds(10));

        assertThat(runs).hasValue(1);
        assertThat(worker.processed()).isEqualTo(1);
        assertThat(deferrable.stats()).isEqualTo(new DeferrableStats(9, 0, 0, 0));
    }

    @Test
    void withAPrefetchEveryJobRunsExactlyOnce() {
        Set<Integer> seen = ConcurrentHashMap.newKeySet();
        AtomicInteger runs = new AtomicInteger();
        TaskHandle<Integer> t = deferrable.register("count", Integer.class, n -> {
            seen.add(n);
            runs.incrementAndGet();
        });
        for (int i = 0; i < 500; i++) {
            t.later(i);
        }
        start(Worker.builder(deferrable).concurrency(4).prefetch(8));

        await().atMost(Duration.ofSeconds(10)).until(() -> worker.processed() == 500);
        assertThat(runs).hasValue(500);
        assertThat(seen).hasSize(500);
        assertThat(deferrable.stats()).isEqualTo(new DeferrableStats(0, 0, 0, 0));
    }

    @Test
    void aPrefetchLargerThanTheBackendClaimsAtOnceIsFilledByClaimsTheBackendCanTake() throws Exception {
        assertThatThrownBy(() -> Worker.builder(deferrable).prefetch(-1)).isInstanceOf(IllegalArgumentException.class);
        QueueCapabilities c = queue.capabilities();
        // As SQS: at most 4 jobs a call here, against a prefetch of 10 and 2 threads.
        queue.capabilities = new QueueCapabilities(c.maxDelay(), 4, c.maxPayloadBytes(), c.fifo(), c.blockingClaim(),
                c.debounce(), c.uniqueIds(), c.inspection());
        CountDownLatch release = new CountDownLatch(1);
        Map<Integer, AtomicInteger> runs = new ConcurrentHashMap<>();
        TaskHandle<Integer> t = deferrable.register("many", Integer.class, n -> {
            runs.computeIfAbsent(n, k -> new AtomicInteger()).incrementAndGet();
            release.await();
        });
        for (int i = 0; i < 300; i++) {
            t.later(i);
        }
        start(Worker.builder(deferrable).concurrency(2).prefetch(10));
        await().atMost(Duration.ofSeconds(5)).until(() -> runs.size() == 2);
        // Each claim took a thread's job and 3 ahead (4, all one call may take); a thread that came second
        // took its job from those, unless both claimed at once. Nothing completes while the jobs are held,
        // so nothing refills.
        await().during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(5))
                .until(() -> deferrable.stats().inFlight() == 4L * queue.claims.get());
        assertThat(queue.claims.get()).isBetween(1, 2);
        assertThat(queue.largestClaim.get()).isEqualTo(4);
        release.countDown();

        await().atMost(Duration.ofSeconds(10)).until(() -> worker.processed() == 300);
        assertThat(runs).hasSize(300).allSatisfy((n, count) -> assertThat(count).hasValue(1));
        assertThat(queue.largestClaim.get()).as("no call asked for more than the backend takes").isEqualTo(4);
        assertThat(deferrable.stats()).isEqualTo(new DeferrableStats(0, 0, 0, 0));
    }

    @Test
    void theWorkerNeverHoldsMoreThanItsThreadsPlusThePrefetch() throws Exception {
        CountDownLatch started = new CountDownLatch(4);
        CountDownLatch release = new CountDownLatch(1);
        TaskHandle<Integer> t = deferrable.register("held", Integer.class, n -> {
            started.countDown();
            release.await();
        });
        start(Worker.builder(deferrable).concurrency(4).prefetch(2));
        // All four threads wait on the queue when the jobs arrive, each wakes to claim.
        await().atMost(Duration.ofSeconds(5)).until(() -> queue.claims.get() >= 4);
        for (int i = 0; i < 50; i++) {
            t.later(i);
        }
        try {
            assertThat(started.await(5, TimeUnit.SECONDS)).isTrue();
            // The threads' claims may take the prefetch's room or not, depending on what was ready.
            await().during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(5))
                    .until(() -> deferrable.stats().inFlight() <= 6);
            assertThat(deferrable.stats().inFlight()).as("4 running + at most 2 prefetched").isBetween(4L, 6L);
        } finally {
            release.countDown();
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> worker.processed() == 50);
    }

    @Test
    void aPrefetchedJobWhoseLeaseWasLostIsNotRunFromThePrefetch() throws Exception {
        queue.loseLeases = true;
        Map<Integer, AtomicInteger> runs = new ConcurrentHashMap<>();
        CountDownLatch firstStarted = new CountDownLatch(1);
        CountDownLatch finishFirst = new CountDownLatch(1);
        TaskHandle<Integer> t = deferrable.register("lost", Integer.class, n -> {
            boolean first = runs.computeIfAbsent(n, k -> new AtomicInteger()).incrementAndGet() == 1 && n == 0;
            if (first) {
                firstStarted.countDown();
                finishFirst.await();
            }
        });
        t.later(0);
        t.later(1);
        start(Worker.builder(deferrable).concurrency(1).prefetch(1).leaseDuration(Duration.ofMillis(300)));

        assertThat(firstStarted.await(5, TimeUnit.SECONDS)).isTrue();
        // Job 1 waits in the prefetch while job 0 runs past both leases; the renewer is told both are lost.
        await().pollDelay(Duration.ofMillis(600)).atMost(Duration.ofSeconds(5)).until(() -> queue.renewals.get() >= 2);
        // As another consumer's pop would, the backend takes both expired jobs back.
        assertThat(deferrable.stats().available()).isEqualTo(2);
        finishFirst.countDown();
        await().atMost(Duration.ofSeconds(10))
                .until(() -> runs.containsKey(1) && deferrable.stats().equals(new DeferrableStats(0, 0, 0, 0)));
        // Once the thread comes back to the backend for more, it has nothing left from the prefetch.
        int claims = queue.claims.get();
        await().atMost(Duration.ofSeconds(10)).until(() -> queue.claims.get() > claims);
        assertThat(runs.get(1)).as("job 1 runs once: redelivered, not also from the stale prefetch").hasValue(1);
    }

    @Test
    void aPrefetchWorksWhateverTheBackendsClockSays() {
        InstantSource backendClock = InstantSource.fixed(Instant.parse("2020-01-01T00:00:00Z"));
        Backend skewed = InMemoryBackendFactory.create(backendClock).createBackendForGroup("skewed");
        RecordingQueue recorded = new RecordingQueue(skewed.queue());
        Deferrable d = Deferrable.builder(new Backend("skewed", recorded, skewed.errorQueue())).hostName("t").build();
        List<Integer> order = new CopyOnWriteArrayList<>();
        TaskHandle<Integer> t = d.register("order", Integer.class, order::add);
        for (int i = 0; i < 10; i++) {
            t.later(i);
        }
        // The worker's own time, fake, stands still: no prefetched lease runs out by it, whatever the backend says.
        FakeTime time = new FakeTime();
        worker = Worker.builder(d).concurrency(1).prefetch(2).ticker(time).shutdownTimeout(Duration.ofSeconds(5))
                .build().start();

        await().atMost(Duration.ofSeconds(10)).until(() -> worker.processed() == 10);
        assertThat(recorded.releaseDelays).as("no job given back as if its lease had run out").isEmpty();
        assertThat(order).containsExactlyInAnyOrder(0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
    }
}
