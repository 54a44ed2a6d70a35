package dev.actionqueues.sequential;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import ch.qos.logback.classic.Level;
import dev.actionqueues.retry.Backoff;
import dev.actionqueues.testing.LogCapture;
import dev.actionqueues.testkit.FakeTime;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class SequentialExecutorTest {

    private static final Duration LIMIT = Duration.ofSeconds(20);

    private final FakeTime time = new FakeTime();
    private final List<String> log = Collections.synchronizedList(new ArrayList<>());

    private SequentialExecutor.Builder fake() {
        return SequentialExecutor.builder().sleeper(time).jitter(0);
    }

    /** A task that logs each call and fails until its {@code succeedOn}-th call. */
    private Task failing(String name, int succeedOn) {
        AtomicInteger calls = new AtomicInteger();
        return () -> {
            int n = calls.incrementAndGet();
            log.add(name + n);
            return n >= succeedOn;
        };
    }

    private static boolean flush(SequentialExecutor e) {
        return assertTimeoutPreemptively(LIMIT, () -> e.flush());
    }

    // 1. Order, retry until success, immediate first attempt, then backoff.

    @Test
    void scheduleDoesNotWaitAndTasksRunInOrder() throws Exception {
        CountDownLatch gate = new CountDownLatch(1);
        SequentialExecutor e = fake().build();
        e.start();
        e.schedule(() -> {
            gate.await();
            log.add("1");
            return true;
        });
        for (int i = 2; i <= 4; i++) {
            String n = Integer.toString(i);
            e.schedule(() -> log.add(n));
        }
        assertThat(log).isEmpty();
        gate.countDown();
        assertThat(flush(e)).isTrue();
        assertThat(log).containsExactly("1", "2", "3", "4");
    }

    @Test
    void eachTaskIsRetriedUntilItSucceedsBeforeTheNextStarts() {
        SequentialExecutor e = fake().build();
        e.schedule(failing("a", 20));
        e.schedule(failing("b", 10));
        e.start();
        assertThat(flush(e)).isTrue();
        List<String> expected = new ArrayList<>();
        for (int i = 1; i <= 20; i++) {
            expected.add("a" + i);
        }
        for (int i = 1; i <= 10; i++) {
            expected.add("b" + i);
        }
        assertThat(log).containsExactlyElementsOf(expected);
        assertThat(time.sleeps()).hasSize(19 + 9);
    }

    @Test
    void defaultBackoffWithoutJitterIsTheExactDoublingSequenceWithoutTheSeedsSkippedStep() {
        SequentialExecutor e = fake().build();
        e.schedule(failing("t", 15));
        e.start();
        assertThat(flush(e)).isTrue();
        assertThat(time.sleepsMillis()).containsExactly(10L, 20L, 40L, 80L, 160L, 320L, 640L, 1280L, 2560L,
                5120L, 10240L, 20480L, 30000L, 30000L);
    }

    @Test
    void defaultBackoffHasBoundedJitter() {
        SequentialExecutor e = SequentialExecutor.builder().sleeper(time).random(new SplittableRandom(42)).build();
        e.schedule(failing("t", 15));
        e.start();
        assertThat(flush(e)).isTrue();
        long[] nominal = {10, 20, 40, 80, 160, 320, 640, 1280, 2560, 5120, 10240, 20480, 30000, 30000};
        List<Duration> sleeps = time.sleeps();
        assertThat(sleeps).hasSize(nominal.length);
        for (int i = 0; i < nominal.length; i++) {
            assertThat(sleeps.get(i).toNanos()).as("delay %d", i)
                    .isBetween((long) (nominal[i] * 0.8e6), Math.min((long) (nominal[i] * 1.2e6), 30_000_000_000L));
        }
        assertThat(time.sleepsMillis()).isNotEqualTo(List.of(10L, 20L, 40L, 80L, 160L, 320L, 640L, 1280L, 2560L,
                5120L, 10240L, 20480L, 30000L, 30000L));
    }

    @Test
    void aCustomBackoffIsUsedAsGiven() {
        SequentialExecutor e = SequentialExecutor.builder().sleeper(time)
                .backoff(Backoff.linear(Duration.ofMillis(1), Duration.ofMillis(1), Duration.ofMillis(4))).build();
        e.schedule(failing("t", 7));
        e.start();
        flush(e);
        assertThat(time.sleepsMillis()).containsExactly(1L, 2L, 3L, 4L, 4L, 4L);
        assertThat(new SequentialExecutor(Backoff.none())).isNotNull();
    }

    @Test
    void aCustomBackoffThatAnswersANegativeDelayRetriesWithoutWaiting() {
        SequentialExecutor e = SequentialExecutor.builder().sleeper(time).backoff(failures -> Duration.ofMillis(-5))
                .build();
        e.schedule(failing("t", 3));
        e.start();
        assertThat(flush(e)).isTrue();
        assertThat(log).containsExactly("t1", "t2", "t3");
        assertThat(time.instant()).isEqualTo(FakeTime.DEFAULT_START);
    }

    // 2. Schedule before start, from any thread.

    @Test
    void tasksScheduledBeforeStartWaitAndNoThreadExistsYet() {
        AtomicInteger threads = new AtomicInteger();
        SequentialExecutor e = fake().threadFactory(r -> {
            threads.incrementAndGet();
            return new Thread(r);
        }).build();
        e.schedule(failing("x", 1));
        assertThat(threads.get()).isZero();
        assertThat(e.pending()).isEqualTo(1);
        assertThat(log).isEmpty();
        e.start();
        assertThat(flush(e)).isTrue();
        assertThat(log).containsExactly("x1");
        assertThat(threads.get()).isEqualTo(1);
    }

    @Test
    void scheduleFromManyThreadsKeepsEachThreadsOrderAndLosesNothing() throws Exception {
        SequentialExecutor e = fake().build();
        e.start();
        List<String> ran = new CopyOnWriteArrayList<>();
        List<Thread> producers = new ArrayList<>();
        for (int p = 0; p < 8; p++) {
            int producer = p;
            producers.add(Thread.ofPlatform().start(() -> {
                for (int i = 0; i < 1000; i++) {
                    String id = producer + ":" + i;
                    e.schedule(() -> ran.add(id));
                }
            }));
        }
        for (Thread t : producers) {
            t.join();
        }
        assertThat(flush(e)).isTrue();
        assertThat(ran).hasSize(8000).doesNotHaveDuplicates();
        for (int p = 0; p < 8; p++) {
            String prefix = p + ":";
            List<Integer> order = ran.stream().filter(s -> s.startsWith(prefix))
                    .map(s -> Integer.parseInt(s.substring(prefix.length()))).toList();
            assertThat(order).isSorted();
        }
    }

    // 4. stop(): immediate.

    @Test
    void stopInterruptsTheRunningTaskDoesNotRetryItAndReturnsTheQueuedOnes() throws Exception {
        CountDownLatch running = new CountDownLatch(1);
        AtomicInteger attempts = new AtomicInteger();
        AtomicReference<Boolean> interrupted = new AtomicReference<>();
        Thread[] workerThread = new Thread[1];
        SequentialExecutor e = fake().threadFactory(r -> workerThread[0] = new Thread(r)).build();
        Task blocking = () -> {
            attempts.incrementAndGet();
            running.countDown();
            try {
                new CountDownLatch(1).await();
            } catch (InterruptedException ie) {
                interrupted.set(true);
            }
            return false;
        };
        Task two = failing("2", 1);
        Task three = failing("3", 1);
        e.schedule(blocking);
        e.schedule(two);
        e.schedule(three);
        e.start();
        running.await();

        List<Task> dropped = assertTimeoutPreemptively(LIMIT, e::stop);

        assertThat(dropped).containsExactly(two, three);
        workerThread[0].join(LIMIT.toMillis());
        assertThat(workerThread[0].isAlive()).isFalse();
        assertThat(interrupted.get()).isTrue();
        assertThat(attempts.get()).isEqualTo(1);
        assertThat(log).isEmpty();
        assertThat(e.stop()).isEmpty();
    }

    @Test
    void stopDuringABackoffWaitEndsAtOnce() throws Exception {
        Thread[] workerThread = new Thread[1];
        AtomicInteger attempts = new AtomicInteger();
        SequentialExecutor e = SequentialExecutor.builder().backoff(Backoff.constant(Duration.ofHours(1)))
                .threadFactory(r -> workerThread[0] = new Thread(r)).build();
        e.schedule(() -> attempts.incrementAndGet() > 5);
        e.start();
        await().atMost(LIMIT).until(() -> workerThread[0].getState() == Thread.State.TIMED_WAITING);
        e.stop();
        workerThread[0].join(LIMIT.toMillis());
        assertThat(workerThread[0].isAlive()).isFalse();
        assertThat(attempts.get()).isEqualTo(1);
    }

    @Test
    void stopBeforeStartReturnsEverything() {
        SequentialExecutor e = fake().build();
        Task a = failing("a", 1);
        e.schedule(a);
        assertThat(e.stop()).containsExactly(a);
        assertThatThrownBy(e::start).isInstanceOf(IllegalStateException.class).hasMessageContaining("stop()");
    }

    // 5. flush(): graceful.

    @Test
    void flushWaitsForEveryTaskIncludingRetriesAndEndsTheThread() throws Exception {
        Thread[] workerThread = new Thread[1];
        SequentialExecutor e = fake().threadFactory(r -> workerThread[0] = new Thread(r)).build();
        for (int i = 0; i < 5; i++) {
            e.schedule(failing("t" + i, 3));
        }
        e.start();
        assertThat(flush(e)).isTrue();
        assertThat(log).hasSize(15);
        assertThat(workerThread[0].isAlive()).isFalse();
        assertThat(flush(e)).isTrue();
        assertThat(e.pending()).isZero();
    }

    @Test
    void flushWithATimeoutReportsWhetherItFinished() throws Exception {
        CountDownLatch gate = new CountDownLatch(1);
        SequentialExecutor e = fake().build();
        e.schedule(() -> {
            gate.await();
            return true;
        });
        e.schedule(failing("after", 1));
        e.start();
        assertThat(e.flush(Duration.ofMillis(50))).isFalse();
        assertThatThrownBy(() -> e.schedule(failing("late", 1))).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("flushing");
        gate.countDown();
        assertThat(assertTimeoutPreemptively(LIMIT, () -> e.flush(Duration.ofSeconds(15)))).isTrue();
        assertThat(log).containsExactly("after1");
    }

    @Test
    void stopEndsAFlushInProgress() throws Exception {
        SequentialExecutor e = SequentialExecutor.builder().backoff(Backoff.constant(Duration.ofHours(1))).build();
        e.schedule(() -> false);
        e.start();
        AtomicReference<Boolean> flushed = new AtomicReference<>();
        Thread flusher = Thread.ofPlatform().start(() -> {
            try {
                flushed.set(e.flush());
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
            }
        });
        await().atMost(LIMIT).until(() -> flusher.getState() == Thread.State.WAITING);
        e.stop();
        flusher.join(LIMIT.toMillis());
        assertThat(flushed.get()).isFalse();
        assertThat(e.flush()).isFalse();
    }

    @Test
    void everyShutdownCombinationIsDefined() throws Exception {
        SequentialExecutor flushed = fake().build();
        flushed.start();
        assertThat(flush(flushed)).isTrue();
        assertThat(flush(flushed)).isTrue();
        assertThat(flushed.stop()).isEmpty();
        assertThatThrownBy(() -> flushed.schedule(() -> true)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("flush()");
        assertThatThrownBy(flushed::start).isInstanceOf(IllegalStateException.class);

        SequentialExecutor stopped = fake().build();
        stopped.start();
        assertThat(stopped.stop()).isEmpty();
        assertThat(stopped.stop()).isEmpty();
        assertThat(flush(stopped)).isFalse();
        assertThatThrownBy(() -> stopped.schedule(() -> true)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("stop()");

        SequentialExecutor started = fake().build();
        started.start();
        assertThatThrownBy(started::start).isInstanceOf(IllegalStateException.class).hasMessageContaining("running");
        started.stop();

        SequentialExecutor never = fake().build();
        assertThatThrownBy(never::flush).isInstanceOf(IllegalStateException.class).hasMessageContaining("start()");
        assertThatThrownBy(() -> never.schedule(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> never.schedule(() -> true, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void retriesLogOneWarnAfterTheBuildersNumberOfFailuresInARow() {
        assertThatThrownBy(() -> fake().warnAfterFailures(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("warnAfterFailures must be >= 1, was 0");
        SequentialExecutor e = fake().warnAfterFailures(4).build();
        try (LogCapture capture = new LogCapture(SequentialExecutor.class)) {
            e.start();
            e.schedule(failing("a", 7));
            assertThat(flush(e)).isTrue();

            assertThat(capture.messages(Level.WARN)).singleElement().asString().startsWith("task ")
                    .endsWith(" has failed 4 times in a row; retrying in PT0.08S");
            assertThat(capture.at(Level.DEBUG)).hasSize(5);
        }
    }

    // 6. No thread leaks; a throwing task is a failure.

    @Test
    void noThreadLeaksAfterTenThousandTasks() throws Exception {
        var threads = ManagementFactory.getThreadMXBean();
        assertTimeoutPreemptively(LIMIT, () -> { }); // JUnit's timeout thread exists before we count
        int before = threads.getThreadCount();
        List<Thread> created = new CopyOnWriteArrayList<>();
        SequentialExecutor e = fake().threadFactory(r -> {
            Thread t = new Thread(r, "leak-check");
            created.add(t);
            return t;
        }).build();
        AtomicInteger ran = new AtomicInteger();
        for (int i = 0; i < 10_000; i++) {
            e.schedule(() -> ran.incrementAndGet() > 0);
        }
        e.start();
        assertThat(e.flush(LIMIT)).isTrue();
        assertThat(ran.get()).isEqualTo(10_000);
        assertThat(created).hasSize(1);
        assertThat(created.get(0).isAlive()).isFalse();
        // Other tests' threads may still be ending, so the count can only have gone down.
        assertThat(threads.getThreadCount()).isLessThanOrEqualTo(before);
    }

    @Test
    void aThrowingTaskIsAFailureThatIsRetried() {
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        SequentialExecutor e = fake().listener(new SequentialExecutorListener() {
            @Override
            public void retryScheduled(Task task, int attempt, Throwable failure, Duration delay) {
                failures.add(failure);
            }
        }).build();
        AtomicInteger calls = new AtomicInteger();
        e.schedule(() -> {
            if (calls.incrementAndGet() < 3) {
                throw new IllegalStateException("redis down");
            }
            return true;
        });
        e.schedule(failing("next", 1));
        e.start();
        assertThat(flush(e)).isTrue();
        assertThat(failures).hasSize(2).allSatisfy(f -> assertThat(f).hasMessage("redis down"));
        assertThat(log).containsExactly("next1");
    }

    // 7. Beyond the seed: max attempts with a give-up callback, listener.

    @Test
    void aPoisonTaskGivesUpAfterMaxAttemptsAndTheLineMovesOn() {
        List<String> gaveUp = new CopyOnWriteArrayList<>();
        SequentialExecutor e = fake().maxAttempts(3)
                .onGiveUp((task, attempts, last) -> gaveUp.add(attempts + " " + (last == null ? "false" : last.getMessage())))
                .build();
        e.schedule(() -> false);
        e.schedule(() -> {
            throw new IllegalStateException("bad");
        }, 2);
        e.schedule(failing("ok", 1));
        e.start();
        assertThat(flush(e)).isTrue();
        assertThat(gaveUp).containsExactly("3 false", "2 bad");
        assertThat(log).containsExactly("ok1");
        assertThat(time.sleeps()).hasSize(2 + 1);
    }

    @Test
    void listenerSeesAttemptsDelaysSuccessesAndGiveUps() {
        List<String> events = new CopyOnWriteArrayList<>();
        Task a = failing("a", 2);
        SequentialExecutor e = fake().maxAttempts(2).listener(new SequentialExecutorListener() {
            @Override
            public void attemptStarted(Task task, int attempt) {
                events.add("start " + attempt);
            }

            @Override
            public void retryScheduled(Task task, int attempt, Throwable failure, Duration delay) {
                events.add("retry " + attempt + " in " + delay.toMillis());
            }

            @Override
            public void succeeded(Task task, int attempts) {
                events.add("ok after " + attempts);
            }

            @Override
            public void gaveUp(Task task, int attempts, Throwable lastFailure) {
                events.add("gave up after " + attempts);
            }
        }).build();
        e.schedule(a);
        e.schedule(() -> false);
        e.start();
        flush(e);
        assertThat(events).containsExactly("start 1", "retry 1 in 10", "start 2", "ok after 2",
                "start 1", "retry 1 in 10", "start 2", "gave up after 2");
    }
}
