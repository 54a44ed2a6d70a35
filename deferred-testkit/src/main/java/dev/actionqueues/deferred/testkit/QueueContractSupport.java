package dev.actionqueues.deferred.testkit;


import dev.actionqueues.deferred.spi.Backend;
import dev.actionqueues.deferred.spi.JobQueue;
import dev.actionqueues.deferred.spi.Lease;
import dev.actionqueues.testkit.FakeTime;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;

/**
 * What the backend contract suites share: the hooks a backend's run implements
 * ({@link #createBackend(String)}, {@link #advance(Duration)}, {@link #tick()}), a backend for a
 * fresh group before each test, flushed after it, and small helpers. Extend {@link JobQueueContract}
 * or {@link DeferrableOverBackendContract}, not this class.
 *
 * <p>Not thread-safe (one instance per test, as JUnit makes them).
 */
public abstract class QueueContractSupport {


    /** The lease used where a test does not want it to run out: far longer than any test. */
    protected static final Duration LONG_LEASE = Duration.ofMinutes(10);

    /** The backend under test; set before each test. */
    protected Backend backend;
    /** Its main queue. */
    protected JobQueue queue;
    /** Its error queue. */
    protected JobQueue errors;

    /**
     * A backend for {@code group}, whose queues are empty.
     *
     * @param group a fresh group name of letters, digits and {@code _}
     * @return the backend
     */
    protected abstract Backend createBackend(String group);

    /**
     * Lets {@code duration} pass on the backend's clock: advance a {@link FakeTime}, or wait for real.
     *
     * @param duration how long
     * @throws InterruptedException if interrupted while waiting
     */
    protected abstract void advance(Duration duration) throws InterruptedException;

    /**
     * The unit of time of the suite's delays and leases.
     *
     * @return one second unless overridden
     */
    protected Duration tick() {
        return Duration.ofSeconds(1);
    }

    /** {@code n} ticks. */
    protected final Duration ticks(double n) {
        return Duration.ofNanos((long) (tick().toNanos() * n));
    }

    @BeforeEach
    void createQueues() {
        backend = createBackend("contract_" + UUID.randomUUID().toString().replace("-", ""));
        queue = backend.queue();
        errors = backend.errorQueue();
    }

    @AfterEach
    void flushQueues() {
        queue.flush();
        errors.flush();
    }

    /** A fresh job id. */
    protected static String id() {
        return UUID.randomUUID().toString();
    }

    /**
     * Whether the queue can delay a job by {@code delay} ({@code QueueCapabilities.maxDelay()}: SQS
     * FIFO queues have no per-message delay at all).
     */
    protected final boolean delays(Duration delay) {
        return queue.capabilities().maxDelay().compareTo(delay) >= 0;
    }

    /** Skips the test, saying why, unless the queue can delay a job by {@code delay}. */
    protected final void assumeDelays(Duration delay) {
        Assumptions.assumeTrue(delays(delay), () -> "the queue cannot delay a job by " + delay + " (its maxDelay is "
                + queue.capabilities().maxDelay() + ")");
    }

    /** Claims one job without waiting. */
    protected final Optional<Lease> claimNow(Duration lease) throws InterruptedException {
        return queue.claim(lease, Duration.ZERO);
    }
}
