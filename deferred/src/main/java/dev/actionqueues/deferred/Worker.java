package dev.actionqueues.deferred;

import dev.actionqueues.deferred.spi.JobQueue;
import dev.actionqueues.retry.Sleeper;
import dev.actionqueues.retry.Ticker;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A long-running consumer for a {@link Deferrable}: {@link Builder#concurrency(int) concurrency}
 * virtual threads each claim a job (waiting on the backend, without polling, where the backend can
 * block), run it as {@link Deferrable#runOnce()} would and claim the next. While a job runs its lease
 * is renewed every third of the lease duration, so a long job is not handed to another consumer.
 * Between two jobs a thread completes the finished job and claims the next in one call
 * ({@link JobQueue#completeAndClaim}); with a {@link Builder#prefetch(int) prefetch}, jobs are claimed
 * ahead of free threads and finished ones are completed in the background.
 *
 * <p>{@link #shutdown(Duration)} stops taking jobs, lets running ones finish within the timeout,
 * then gives the unfinished ones back to the queue (their lease released, the thread interrupted).
 * Each failure is logged by the Deferrable, one line per job. A failing backend is retried after
 * {@link Builder#errorBackoff(Duration)} and logged once per outage, however many threads see it:
 * a WARN when it starts, DEBUG for each failed call, an INFO with its duration when it ends. A
 * {@link VirtualMachineError} from a handler (other than {@link StackOverflowError}, which fails
 * the attempt) gives the job back, no attempt counted; the thread logs it at ERROR and goes on
 * after the error backoff.
 *
 * <p>Where the backend keeps a {@link dev.actionqueues.deferred.spi.WorkerRegistry WorkerRegistry}, the worker records a heartbeat every
 * {@link Builder#heartbeatInterval(Duration) second} with the leases it holds, and takes over the
 * record of any worker silent for {@link Builder#deadWorkerAfter(Duration) three seconds}, ending
 * that worker's leases so its jobs run again at once; its own record is removed at shutdown.
 *
 * <p>This class is the lifecycle; the work is done by package-private collaborators: the consumer
 * loop and its threads, the prefetch, the batched completer, the lease renewer and the heartbeat.
 *
 * <p>Thread-safe. A worker runs once: start, then shut down.
 */
public final class Worker implements AutoCloseable {

    /** Lease taken on each job unless set: renewed while the job runs. */
    public static final Duration DEFAULT_LEASE_DURATION = Duration.ofSeconds(30);
    /** The longest a thread waits in one claim before checking for shutdown. */
    public static final Duration DEFAULT_POLL_TIMEOUT = Duration.ofSeconds(1);
    /** How long {@link #close()} lets running jobs finish. */
    public static final Duration DEFAULT_SHUTDOWN_TIMEOUT = Duration.ofSeconds(30);
    /** The pause after the backend fails, unless set. */
    public static final Duration DEFAULT_ERROR_BACKOFF = Duration.ofSeconds(1);
    /** How often a worker records its heartbeat in the backend's worker registry, unless set. */
    public static final Duration DEFAULT_HEARTBEAT_INTERVAL = Duration.ofSeconds(1);
    /** How long another worker's heartbeat must be silent before its leases are reclaimed, unless set. */
    public static final Duration DEFAULT_DEAD_WORKER_AFTER = Duration.ofSeconds(3);

    private static final Logger LOG = LoggerFactory.getLogger(Worker.class);
    /** How long shutdown waits for threads stuck in a job that ignores interrupts. */
    private static final Duration STUCK_GRACE = Duration.ofSeconds(1);

    private final WorkerContext ctx;
    private final int concurrency;
    private final Duration shutdownTimeout;
    private final Prefetch prefetch;
    private final ConsumerThreads threads;
    private final LeaseRenewer renewer;
    private final BatchCompleter completer;
    /** Null when the backend keeps no worker registry (SQS): no heartbeat, leases run out by themselves. */
    private final WorkerHeartbeat heartbeat;
    private final ReentrantLock lifecycle = new ReentrantLock();
    private volatile boolean started;

    private Worker(Builder b) {
        Deferrable deferrable = b.deferrable;
        JobQueue queue = deferrable.backend().queue();
        this.ctx = new WorkerContext(queue, b.name, deferrable.backend().group(), b.leaseDuration, b.pollTimeout,
                b.errorBackoff, b.sleeper, b.ticker);
        ctx.leaseLost = deferrable.runner()::leaseLost;
        this.concurrency = b.concurrency;
        this.shutdownTimeout = b.shutdownTimeout;
        this.prefetch = new Prefetch(ctx, b.prefetch);
        this.completer = new BatchCompleter(ctx, prefetch);
        this.threads = new ConsumerThreads(ctx, new ConsumerLoop(ctx, deferrable.runner(), prefetch, completer));
        this.renewer = new LeaseRenewer(ctx, threads.slots(), prefetch);
        this.heartbeat = WorkerHeartbeat.ofThisProcess(ctx, deferrable.backend().workerRegistry(), b.concurrency,
                threads.slots(), prefetch, b.heartbeatInterval, b.deadWorkerAfter);
    }

    /**
     * Returns a builder for a worker running {@code deferrable}'s jobs.
     *
     * @param deferrable the tasks and the backend
     * @return the builder
     * @throws NullPointerException if {@code deferrable} is null
     */
    public static Builder builder(Deferrable deferrable) {
        return new Builder(deferrable);
    }

    /**
     * Starts the consumer threads and the lease renewer.
     *
     * @return this worker
     * @throws IllegalStateException if the worker was already started
     */
    public Worker start() {
        lifecycle.lock();
        try {
            if (started) {
                throw new IllegalStateException("the worker was already started");
            }
            started = true;
            threads.start(concurrency);
            renewer.start();
            if (heartbeat != null) {
                heartbeat.start();
            }
            LOG.info("Worker {} started: {} threads on group '{}'", ctx.name, concurrency, ctx.group);
            return this;
        } finally {
            lifecycle.unlock();
        }
    }

    /** Returns true between {@link #start()} and the end of {@link #shutdown(Duration)}. */
    public boolean isRunning() {
        return started && !ctx.stopping;
    }

    /**
     * Returns this worker's name in the backend's worker registry, unique to this instance (host,
     * pid and a random part), or empty if the backend keeps no registry.
     */
    public Optional<String> registryName() {
        return heartbeat == null ? Optional.empty() : Optional.of(heartbeat.id());
    }

    /** Returns how many jobs this worker has claimed and processed so far, whatever the outcome. */
    public long processed() {
        return ctx.processed.sum();
    }

    /**
     * Stops taking jobs, waits up to {@code timeout} for running jobs to finish (renewing their
     * leases meanwhile, so no other consumer is handed them), then releases the leases of the
     * unfinished ones back to the queue (available at once, no attempt counted) and interrupts
     * their threads. Returns when every thread has stopped or, for threads stuck in a
     * job that ignores interrupts, after a further second. The timeout is real time, whatever
     * {@link Builder#ticker(Ticker)} says: it bounds how long threads are waited for.
     *
     * @param timeout how long running jobs may take to finish
     * @return true if every running job finished within the timeout
     * @throws InterruptedException if interrupted while waiting; the worker keeps stopping
     * @throws IllegalStateException if the worker was never started
     */
    public boolean shutdown(Duration timeout) throws InterruptedException {
        Objects.requireNonNull(timeout, "timeout");
        markStopping();
        threads.interruptWaiting();
        // Jobs claimed ahead are not going to run here: others may take them at once.
        prefetch.giveBackAll();
        Ticker real = Ticker.system();
        long deadline = real.read() + timeout.toNanos();
        // Running jobs keep their leases renewed while they finish, so nobody else is handed them.
        boolean finished = threads.awaitAll(deadline, real);
        // A thread may hand a finished job over as it sees the stop: wait, then complete the rest.
        completer.drain(deadline, real);
        renewer.stop();
        renewer.join(STUCK_GRACE);
        if (!finished) {
            threads.giveBackUnfinished(timeout, STUCK_GRACE);
        }
        int givenBack = prefetch.giveBackAll();
        if (givenBack > 0) {
            LOG.info("Worker {}: gave {} prefetched jobs back to the queue", ctx.name, givenBack);
        }
        if (heartbeat != null) {
            // Last: running jobs kept heartbeating (so nobody reclaimed them) until they finished.
            heartbeat.stop(STUCK_GRACE);
        }
        LOG.info("Worker {} stopped after {} jobs", ctx.name, processed());
        return finished;
    }

    private void markStopping() {
        lifecycle.lock();
        try {
            if (!started) {
                throw new IllegalStateException("the worker was never started");
            }
            ctx.stopping = true;
        } finally {
            lifecycle.unlock();
        }
    }

    /**
     * Runs {@link #shutdown(Duration)} with {@link Builder#shutdownTimeout(Duration)}; does nothing
     * if the worker was never started or is already stopping. If interrupted, keeps the interrupt
     * flag.
     */
    @Override
    public void close() {
        if (!started || ctx.stopping) {
            return;
        }
        try {
            shutdown(shutdownTimeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "Worker[" + ctx.name + ", concurrency=" + concurrency + ", running=" + isRunning() + "]";
    }

    /**
     * Builds a {@link Worker}. Each setter validates its argument; {@link #build()} copies, so a
     * builder can be reused. Not thread-safe.
     */
    public static final class Builder {
        private final Deferrable deferrable;
        private int concurrency = 1;
        private int prefetch;
        private Duration leaseDuration = DEFAULT_LEASE_DURATION;
        private Duration pollTimeout = DEFAULT_POLL_TIMEOUT;
        private Duration errorBackoff = DEFAULT_ERROR_BACKOFF;
        private Duration shutdownTimeout = DEFAULT_SHUTDOWN_TIMEOUT;
        private Duration heartbeatInterval = DEFAULT_HEARTBEAT_INTERVAL;
        private Duration deadWorkerAfter = DEFAULT_DEAD_WORKER_AFTER;
        private Sleeper sleeper = Sleeper.system();
        private Ticker ticker = Ticker.system();
        private String name = "deferrable-worker";

        private Builder(Deferrable deferrable) {
            this.deferrable = Objects.requireNonNull(deferrable, "deferrable");
        }

        /**
         * Sets how many jobs run at once, each on its own virtual thread.
         *
         * @param concurrency at least 1; default 1
         * @return this builder
         * @throws IllegalArgumentException if {@code concurrency < 1}
         */
        public Builder concurrency(int concurrency) {
            if (concurrency < 1) {
                throw new IllegalArgumentException("concurrency must be >= 1, was " + concurrency);
            }
            this.concurrency = concurrency;
            return this;
        }

        /**
         * Sets how many jobs the worker claims ahead of its free threads. With a prefetch, one call
         * to the backend completes a finished job and claims the next job plus enough to keep up to
         * {@code prefetch} jobs waiting in the worker, leased and renewed like running ones, and
         * given back to the queue at shutdown. On a remote backend with short jobs this serves more
         * jobs per round trip; keep it at 0 for long jobs or many worker processes, so that a busy
         * worker does not hold jobs another one could run. With a prefetch, jobs may start a little
         * out of queue order, even with one thread (the refill and the thread's own claim overlap).
         * A prefetch larger than the backend claims in one call (SQS: 10 messages) is filled over
         * several calls, each for as many as that call can take.
         *
         * @param prefetch 0 or more; default 0
         * @return this builder
         * @throws IllegalArgumentException if negative
         */
        public Builder prefetch(int prefetch) {
            if (prefetch < 0) {
                throw new IllegalArgumentException("prefetch must be >= 0, was " + prefetch);
            }
            this.prefetch = prefetch;
            return this;
        }

        /**
         * Sets the lease taken on each job; it is renewed every third of it while the job runs.
         *
         * @param leaseDuration positive; default 30 s
         * @return this builder
         * @throws IllegalArgumentException if not positive
         */
        public Builder leaseDuration(Duration leaseDuration) {
            this.leaseDuration = positive(leaseDuration, "leaseDuration");
            return this;
        }

        /**
         * Sets the longest wait of one blocking claim (or the pause between claims on a backend that
         * cannot block).
         *
         * @param pollTimeout positive; default 1 s
         * @return this builder
         * @throws IllegalArgumentException if not positive
         */
        public Builder pollTimeout(Duration pollTimeout) {
            this.pollTimeout = positive(pollTimeout, "pollTimeout");
            return this;
        }

        /**
         * Sets the pause after the backend fails.
         *
         * @param errorBackoff positive; default 1 s
         * @return this builder
         * @throws IllegalArgumentException if not positive
         */
        public Builder errorBackoff(Duration errorBackoff) {
            this.errorBackoff = positive(errorBackoff, "errorBackoff");
            return this;
        }

        /**
         * Sets how long {@link Worker#close()} lets running jobs finish.
         *
         * @param shutdownTimeout zero or positive; default 30 s
         * @return this builder
         * @throws IllegalArgumentException if negative
         */
        public Builder shutdownTimeout(Duration shutdownTimeout) {
            Objects.requireNonNull(shutdownTimeout, "shutdownTimeout");
            if (shutdownTimeout.isNegative()) {
                throw new IllegalArgumentException("shutdownTimeout must not be negative");
            }
            this.shutdownTimeout = shutdownTimeout;
            return this;
        }

        /**
         * Sets how often the worker records its heartbeat (and the leases it holds) in the backend's
         * worker registry; it also records one early when it holds a lease the last one did not
         * list. Backends without a registry (SQS) ignore it.
         *
         * @param heartbeatInterval positive; default 1 s
         * @return this builder
         * @throws IllegalArgumentException if not positive
         */
        public Builder heartbeatInterval(Duration heartbeatInterval) {
            this.heartbeatInterval = positive(heartbeatInterval, "heartbeatInterval");
            return this;
        }

        /**
         * Sets how long another worker's heartbeat must have been silent before this worker takes
         * it for dead and ends its leases, so its jobs run again at once rather than when their
         * leases run out. A worker only paused that long (SIGSTOP, a long GC) loses its leases too:
         * its jobs may then run twice. Backends without a registry (SQS) ignore it.
         *
         * @param deadWorkerAfter positive; default 3 s; at least twice the heartbeat interval
         * @return this builder
         * @throws IllegalArgumentException if not positive
         */
        public Builder deadWorkerAfter(Duration deadWorkerAfter) {
            this.deadWorkerAfter = positive(deadWorkerAfter, "deadWorkerAfter");
            return this;
        }

        /**
         * Sets the sleeper for the lease renewer's and the heartbeat's intervals and for pauses.
         *
         * @param sleeper the sleeper; default {@link Sleeper#system()}
         * @return this builder
         * @throws NullPointerException if {@code sleeper} is null
         */
        public Builder sleeper(Sleeper sleeper) {
            this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
            return this;
        }

        /**
         * Sets the monotonic time source that measures the leases of prefetched jobs, so a job whose
         * lease has run out is not run from the prefetch. It is this JVM's time, never the backend's
         * clock, which may differ.
         *
         * @param ticker the ticker; default {@link Ticker#system()}
         * @return this builder
         * @throws NullPointerException if {@code ticker} is null
         */
        public Builder ticker(Ticker ticker) {
            this.ticker = Objects.requireNonNull(ticker, "ticker");
            return this;
        }

        /**
         * Sets the prefix of the threads' names and of log lines.
         *
         * @param name the name; default {@code deferrable-worker}
         * @return this builder
         * @throws NullPointerException if {@code name} is null
         */
        public Builder name(String name) {
            this.name = Objects.requireNonNull(name, "name");
            return this;
        }

        /**
         * Creates the worker, not yet started.
         *
         * @return the worker
         * @throws IllegalArgumentException if the dead-worker threshold is less than twice the
         *     heartbeat interval
         */
        public Worker build() {
            if (deadWorkerAfter.compareTo(heartbeatInterval.multipliedBy(2)) < 0) {
                throw new IllegalArgumentException("deadWorkerAfter (" + deadWorkerAfter
                        + ") must be at least twice the heartbeatInterval (" + heartbeatInterval + ")");
            }
            return new Worker(this);
        }

        private static Duration positive(Duration d, String what) {
            Objects.requireNonNull(d, what);
            if (d.isZero() || d.isNegative()) {
                throw new IllegalArgumentException(what + " must be positive, was " + d);
            }
            return d;
        }
    }
}
