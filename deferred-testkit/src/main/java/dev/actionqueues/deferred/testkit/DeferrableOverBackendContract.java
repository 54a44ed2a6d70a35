package dev.actionqueues.deferred.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.actionqueues.deferred.Deferrable;
import dev.actionqueues.deferred.RunOutcome;
import dev.actionqueues.deferred.TaskOptions;
import dev.actionqueues.deferred.Worker;
import dev.actionqueues.deferred.spi.Backend;
import dev.actionqueues.deferred.spi.JobQueue;
import dev.actionqueues.deferred.spi.NewJob;
import dev.actionqueues.retry.Sleeper;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The engine over a backend: {@link Deferrable} tests that run on the backend under test rather
 * than test its SPI (malformed payloads reach the error queue with a reason, a job claimed after its
 * TTL is completed without running, a worker's graceful shutdown keeps the leases of the jobs it
 * waits for). It extends {@link JobQueueContract}, so a backend's run that
 * extends this class passes both suites while a failure here still points at the engine's contract,
 * not at the SPI's. Implement the same hooks, plus {@link #clock()} when the backend's clock is
 * injected.
 *
 * <p>Not thread-safe (one instance per test, as JUnit makes them).
 */
public abstract class DeferrableOverBackendContract extends JobQueueContract {

    /** The longest wait of the renewer in the shutdown test, in real time. */
    private static final Duration RENEWER_STEP = Duration.ofMillis(50);

    /**
     * The clock the engine should use in these tests: the backend's clock.
     *
     * @return the clock; the system clock unless overridden
     */
    protected InstantSource clock() {
        return InstantSource.system();
    }

    // ---- malformed payloads ----

    @Test
    void malformedPayloadsGoToTheErrorQueueWithAReasonAndGoodJobsStillRun() {
        Deferrable deferrable = Deferrable.builder(backend).clock(clock()).hostName("contract").build();
        AtomicInteger ran = new AtomicInteger();
        deferrable.register("contract.count", Integer.class, n -> ran.addAndGet(n));
        var good = deferrable.register("contract.good", Integer.class, n -> ran.incrementAndGet());

        queue.push(NewJob.of(id(), "this is not json"));
        queue.push(NewJob.of(id(), "{\"v\":1,\"task\":\"contract.nobody\",\"args\":1,\"attempts\":0}"));
        queue.push(NewJob.of(id(),
                "{\"v\":1,\"task\":\"contract.count\",\"args\":{\"not\":\"an int\"},\"attempts\":0}"));
        queue.push(NewJob.of(id(), "[1,2,3]"));
        good.later(1);

        List<RunOutcome.Status> outcomes = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            outcomes.add(deferrable.runOnce().status());
        }

        assertThat(outcomes).containsExactly(RunOutcome.Status.ERRORED, RunOutcome.Status.ERRORED,
                RunOutcome.Status.ERRORED, RunOutcome.Status.ERRORED, RunOutcome.Status.RAN);
        assertThat(ran).hasValue(1);
        assertThat(deferrable.errors(0, 10)).hasSize(4).allSatisfy(e -> assertThat(e.error().reason()).isNotBlank());
        assertThat(deferrable.errors(0, 10)).extracting(e -> e.error().reason()).anySatisfy(
                r -> assertThat(r).contains("unknown task")).anySatisfy(r -> assertThat(r).contains("do not fit"))
                .anySatisfy(r -> assertThat(r).contains("does not parse"));
        assertThat(queue.stats().total()).isZero();
    }

    @Test
    void aPoisonEntryDoesNotHoldBackTheJobsClaimedWithIt() throws Exception {
        Deferrable deferrable = Deferrable.builder(backend).clock(clock()).hostName("contract").build();
        AtomicInteger ran = new AtomicInteger();
        var good = deferrable.register("contract.good", Integer.class, n -> ran.incrementAndGet());
        queue.push(NewJob.of(id(), "{\"v\":1,\"task\":\"contract.good\",\"args\":\"not a number\"}"));
        for (int i = 0; i < 5; i++) {
            good.later(i);
        }
        // One thread and a prefetch: the first claim takes the poison entry and the good jobs together.
        // Were they stranded with it, they would wait for their lease, far longer than the wait below.
        Worker worker = Worker.builder(deferrable).concurrency(1).prefetch(5).leaseDuration(Duration.ofMinutes(10))
                .build().start();
        try {
            // Stats may be approximate and lag (SQS): wait for them too.
            await().atMost(Duration.ofSeconds(20)).until(() -> ran.get() == 5 && errors.stats().total() == 1
                    && queue.stats().total() == 0);
        } finally {
            worker.close();
        }
    }

    // ---- TTL ----

    @Test
    void aJobPoppedAfterItsTtlIsCompletedWithoutRunning() throws InterruptedException {
        Deferrable deferrable = Deferrable.builder(backend).clock(clock()).build();
        AtomicInteger ran = new AtomicInteger();
        var task = deferrable.register("contract.ttl", String.class,
                TaskOptions.builder().ttl(ticks(2)).build(), s -> ran.incrementAndGet());
        task.later("fresh");
        task.later("stale");
        assertThat(deferrable.runOnce().status()).isEqualTo(RunOutcome.Status.RAN);

        advance(ticks(2.5));

        assertThat(deferrable.runOnce().status()).isEqualTo(RunOutcome.Status.EXPIRED);
        assertThat(ran).hasValue(1);
        assertThat(queue.stats().total()).isZero();
        assertThat(errors.stats().total()).isZero();
    }

    // ---- graceful shutdown ----

    @Test
    void aGracefulShutdownKeepsRenewingTheLeasesOfTheJobsItWaitsFor() throws Exception {
        AtomicInteger renewals = new AtomicInteger();
        Backend counted = new Backend(backend.group(), countingRenewals(queue, renewals), errors);
        Deferrable deferrable = Deferrable.builder(counted).clock(clock()).hostName("contract").build();
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger runs = new AtomicInteger();
        deferrable.register("contract.deploy", String.class, TaskOptions.builder().maxAttempts(1).build(), s -> {
            runs.incrementAndGet();
            started.countDown();
            release.await();
        }).later("x");
        Duration lease = ticks(3);
        // The renewer's waits are short in real time whatever the lease, so that a backend on fake time
        // sees renewals between the test's steps.
        Worker worker = Worker.builder(deferrable).leaseDuration(lease).shutdownTimeout(Duration.ofMinutes(1))
                .sleeper(d -> Sleeper.system().sleep(d.compareTo(RENEWER_STEP) < 0 ? d : RENEWER_STEP)).build()
                .start();
        try {
            assertThat(started.await(30, TimeUnit.SECONDS)).isTrue();
            Thread stopper = Thread.ofVirtual().start(worker::close);
            await().atMost(Duration.ofSeconds(10)).until(() -> !worker.isRunning());

            // Two lease durations pass while the shutdown waits for the job, each step after a renewal.
            for (int i = 0; i < 3; i++) {
                int seen = renewals.get();
                await().atMost(Duration.ofSeconds(10)).until(() -> renewals.get() > seen);
                advance(lease.multipliedBy(2).dividedBy(3));
            }

            assertThat(deferrable.runOnce().status()).as("another consumer is not handed the running job")
                    .isEqualTo(RunOutcome.Status.EMPTY);
            release.countDown();
            stopper.join(Duration.ofSeconds(30));
            assertThat(runs).hasValue(1);
            assertThat(queue.stats().total()).as("completed").isZero();
            assertThat(errors.stats().total()).as("not dead-lettered").isZero();
        } finally {
            release.countDown();
            worker.close();
        }
    }

    /** {@code delegate}, counting the calls to {@link JobQueue#renew} and {@link JobQueue#renewBatch}. */
    private static JobQueue countingRenewals(JobQueue delegate, AtomicInteger renewals) {
        return (JobQueue) Proxy.newProxyInstance(JobQueue.class.getClassLoader(), new Class<?>[] {JobQueue.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("renew") || method.getName().equals("renewBatch")) {
                        renewals.incrementAndGet();
                    }
                    try {
                        return method.invoke(delegate, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }
}
