package dev.actionqueues.sequential;

import dev.actionqueues.retry.Backoff;
import dev.actionqueues.retry.RetryPolicy;
import dev.actionqueues.retry.Sleeper;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.random.RandomGenerator;

/**
 * Runs tasks strictly in the order they were scheduled, on one background thread, retrying each
 * until it succeeds before the next one starts. Use it to replay side effects in order while a
 * dependency is down (say, re-executing failed Redis writes until Redis is back) without blocking
 * the caller.
 *
 * <p>The first attempt of a task is immediate; after the k-th consecutive failure the executor
 * waits {@code backoff.delayAfter(k)}. The default backoff is exponential from
 * {@value #DEFAULT_INITIAL_DELAY_MS} ms doubling to a {@value #DEFAULT_MAX_DELAY_MS} ms cap with
 * ±{@value #DEFAULT_JITTER} jitter, never above the cap. By default a task is retried forever; set
 * {@link Builder#maxAttempts(int)} (or pass a limit to {@link #schedule(Task, int)}) and a
 * {@link GiveUpHandler} to let a poison task give up.
 *
 * <p>Each retry is logged at DEBUG; the retry that follows a task's
 * {@link Builder#warnAfterFailures(int) warnAfterFailures}-th failure in a row is logged at WARN
 * with the exception instead, once per task. A task that gives up without a handler is a WARN.
 *
 * <p>Life cycle: {@link #schedule(Task)} may be called before {@link #start()} (tasks wait) and from
 * any thread; it never waits for a task to run. {@link #stop()} shuts down at once: the running task
 * is interrupted and not retried, the queued tasks are returned. {@link #flush()} shuts down
 * gracefully: it blocks until every task scheduled so far has succeeded (or given up). Both are
 * idempotent, {@code stop()} ends a {@code flush()} in progress, and {@code schedule} after either
 * throws {@link IllegalStateException}. The executor's one thread ends with the shutdown; no thread
 * is created per task.
 *
 * <p>Thread-safe.
 */
public final class SequentialExecutor {

    /** First delay of the default backoff, in ms. */
    public static final long DEFAULT_INITIAL_DELAY_MS = 10;
    /** Cap of the default backoff, in ms. */
    public static final long DEFAULT_MAX_DELAY_MS = 30_000;
    /** Jitter ratio of the default backoff. */
    public static final double DEFAULT_JITTER = 0.2;
    /** How many failures in a row of one task make its retry a WARN, unless set. */
    public static final int DEFAULT_WARN_AFTER_FAILURES = 3;

    private static final AtomicInteger THREAD_NUMBERS = new AtomicInteger();
    /** {@link #flushUntil(OptionalLong)} without a deadline: wait as long as the tasks take. */
    private static final OptionalLong NO_DEADLINE = OptionalLong.empty();

    private enum State { NEW, RUNNING, FLUSHING, FLUSHED, STOPPED }

    private record Entry(Task task, int maxAttempts) {
    }

    private final ThreadFactory threadFactory;
    private final TaskRetrier retrier;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition workAvailable = lock.newCondition();
    private final Condition finished = lock.newCondition();
    private final ArrayDeque<Entry> queue = new ArrayDeque<>();
    private State state = State.NEW;
    private Entry current;
    private boolean workerWaiting;
    private Thread worker;

    private SequentialExecutor(Builder b) {
        Duration cap = Duration.ofMillis(DEFAULT_MAX_DELAY_MS);
        Backoff backoff = b.backoff != null ? b.backoff
                : Backoff.exponential(Duration.ofMillis(DEFAULT_INITIAL_DELAY_MS), cap)
                        .withJitter(b.jitter, b.random).withMax(cap);
        // Every failure is retried until the attempts run out; a VirtualMachineError is rethrown before the
        // policy is asked, and abortOn says so for anyone reading the policy. A custom backoff that breaks its
        // contract with a negative delay means "no wait", as it always has here, rather than a decision the
        // policy rejects on the executor's thread.
        RetryPolicy policy = RetryPolicy.builder()
                .maxAttempts(b.maxAttempts)
                .backoff(failures -> {
                    Duration delay = backoff.delayAfter(failures);
                    return delay != null && delay.isNegative() ? Duration.ZERO : delay;
                })
                .retryOn(Throwable.class)
                .abortOn(VirtualMachineError.class)
                .build();
        this.threadFactory = b.threadFactory;
        this.retrier = new TaskRetrier(policy, b.sleeper, b.giveUpHandler, b.listener, this::stopped,
                b.warnAfterFailures);
    }

    /**
     * An executor with the default backoff (exponential 10 ms → 30 s, with jitter), retrying forever,
     * like {@code builder().build()}. This constructor freezes those defaults: it exists for parity
     * with the Go {@code sequent} library this package ports, and new settings go to
     * {@link #builder()} only.
     */
    public SequentialExecutor() {
        this(new Builder());
    }

    /**
     * An executor with the given backoff, retrying forever, like {@code builder().backoff(backoff).build()}.
     * This constructor freezes the other defaults: it exists for parity with the Go {@code sequent}
     * library this package ports, and new settings go to {@link #builder()} only.
     *
     * @param backoff the delays between attempts
     * @throws NullPointerException if {@code backoff} is null
     */
    public SequentialExecutor(Backoff backoff) {
        this(new Builder().backoff(backoff));
    }

    /**
     * A builder for the backoff, sleeper, thread factory, attempt limit, give-up handler and listener.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Starts the background thread; tasks scheduled before run now, in order.
     *
     * @throws IllegalStateException if already started, or shut down
     */
    public void start() {
        lock.lock();
        try {
            if (state != State.NEW) {
                throw new IllegalStateException("cannot start: the executor is " + describe(state));
            }
            state = State.RUNNING;
            worker = threadFactory.newThread(this::work);
            worker.start();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Appends a task with the executor's attempt limit. Never waits for it to run.
     *
     * @param task the task
     * @throws NullPointerException if {@code task} is null
     * @throws IllegalStateException if {@link #stop()} or {@link #flush()} was called
     */
    public void schedule(Task task) {
        schedule(task, retrier.defaultMaxAttempts());
    }

    /**
     * Appends a task that gives up after {@code maxAttempts} attempts. Never waits for it to run.
     *
     * @param task the task
     * @param maxAttempts at least 1; {@link Integer#MAX_VALUE} for no limit
     * @throws NullPointerException if {@code task} is null
     * @throws IllegalArgumentException if {@code maxAttempts < 1}
     * @throws IllegalStateException if {@link #stop()} or {@link #flush()} was called
     */
    public void schedule(Task task, int maxAttempts) {
        Objects.requireNonNull(task, "task");
        checkMaxAttempts(maxAttempts);
        lock.lock();
        try {
            if (state != State.NEW && state != State.RUNNING) {
                throw new IllegalStateException("cannot schedule: the executor is " + describe(state)
                        + "; tasks are accepted only before stop() or flush()");
            }
            queue.addLast(new Entry(task, maxAttempts));
            if (workerWaiting) {
                workAvailable.signal();
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Shuts down at once: returns without waiting, interrupts the running task (its result is
     * ignored and it is not retried) and drops the queued tasks. Idempotent: a second call returns
     * an empty list.
     *
     * @return the tasks that were queued and never started, in order
     */
    public List<Task> stop() {
        lock.lock();
        try {
            if (state == State.STOPPED || state == State.FLUSHED) {
                return List.of();
            }
            state = State.STOPPED;
            List<Task> dropped = new ArrayList<>(queue.size());
            for (Entry e : queue) {
                if (e != current) {
                    dropped.add(e.task);
                }
            }
            queue.clear();
            if (worker != null) {
                worker.interrupt();
            }
            workAvailable.signalAll();
            finished.signalAll();
            return dropped;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Shuts down gracefully: no new tasks are accepted, and the call blocks until every task
     * scheduled so far has succeeded (or given up) and the executor's thread has ended. Returns
     * false if {@link #stop()} ended the flush (or had been called before). Idempotent.
     *
     * @return true if every task finished
     * @throws IllegalStateException if the executor was never started (nothing would run the tasks)
     * @throws InterruptedException if the calling thread is interrupted while waiting
     */
    public boolean flush() throws InterruptedException {
        return flushUntil(NO_DEADLINE);
    }

    /**
     * Like {@link #flush()}, waiting at most {@code timeout}. When it times out, the executor keeps
     * running the remaining tasks (still accepting none); call again, or {@link #stop()}.
     *
     * @param timeout the longest to wait
     * @return true if every task finished within the timeout
     * @throws NullPointerException if {@code timeout} is null (call {@link #flush()} to wait without limit)
     * @throws IllegalStateException if the executor was never started
     * @throws InterruptedException if the calling thread is interrupted while waiting
     */
    public boolean flush(Duration timeout) throws InterruptedException {
        Objects.requireNonNull(timeout, "timeout");
        return flushUntil(OptionalLong.of(System.nanoTime() + timeout.toNanos()));
    }

    /** Shuts down gracefully, waiting until the {@link System#nanoTime()} deadline if there is one. */
    private boolean flushUntil(OptionalLong deadline) throws InterruptedException {
        Thread toJoin;
        lock.lockInterruptibly();
        try {
            if (state == State.NEW) {
                throw new IllegalStateException("cannot flush: the executor was never started, so nothing would run "
                        + queue.size() + " queued task(s); call start() first, or stop() to drop them");
            }
            if (state == State.RUNNING) {
                state = State.FLUSHING;
                workAvailable.signalAll();
            }
            while (state == State.FLUSHING) {
                if (deadline.isEmpty()) {
                    finished.await();
                } else {
                    long left = deadline.getAsLong() - System.nanoTime();
                    if (left <= 0) {
                        return false;
                    }
                    finished.awaitNanos(left);
                }
            }
            if (state == State.STOPPED) {
                return false;
            }
            toJoin = worker;
        } finally {
            lock.unlock();
        }
        if (deadline.isEmpty()) {
            toJoin.join();
            return true;
        }
        long left = deadline.getAsLong() - System.nanoTime();
        return left > 0 && toJoin.join(Duration.ofNanos(left));
    }

    /** Returns the number of tasks scheduled and not yet finished, the running one included. */
    public int pending() {
        lock.lock();
        try {
            return queue.size();
        } finally {
            lock.unlock();
        }
    }

    /** The background thread: takes the head task, runs it to success (or give-up), removes it. */
    private void work() {
        while (true) {
            Entry entry;
            lock.lock();
            try {
                while (queue.isEmpty() && state == State.RUNNING) {
                    workerWaiting = true;
                    try {
                        workAvailable.await();
                    } catch (InterruptedException e) {
                        // Only stop() interrupts this thread; the state check below decides.
                    } finally {
                        workerWaiting = false;
                    }
                }
                if (state == State.STOPPED) {
                    return;
                }
                if (queue.isEmpty()) {
                    state = State.FLUSHED;
                    finished.signalAll();
                    return;
                }
                entry = queue.peekFirst();
                current = entry;
            } finally {
                lock.unlock();
            }
            boolean completed = retrier.run(entry.task, entry.maxAttempts);
            lock.lock();
            try {
                current = null;
                if (!completed || state == State.STOPPED) {
                    return;
                }
                queue.pollFirst();
            } finally {
                lock.unlock();
            }
        }
    }

    private boolean stopped() {
        lock.lock();
        try {
            return state == State.STOPPED;
        } finally {
            lock.unlock();
        }
    }

    private static String describe(State s) {
        return switch (s) {
            case NEW -> "not started";
            case RUNNING -> "running";
            case FLUSHING -> "flushing";
            case FLUSHED -> "shut down by flush()";
            case STOPPED -> "shut down by stop()";
        };
    }

    private static int checkMaxAttempts(int maxAttempts) {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be >= 1, was " + maxAttempts);
        }
        return maxAttempts;
    }

    @Override
    public String toString() {
        lock.lock();
        try {
            return "SequentialExecutor[" + describe(state) + ", " + queue.size() + " pending]";
        } finally {
            lock.unlock();
        }
    }

    /**
     * Builds a {@link SequentialExecutor}. {@link #build()} copies the settings, so a builder can be
     * reused. Not thread-safe.
     */
    public static final class Builder {
        private Backoff backoff;
        private double jitter = DEFAULT_JITTER;
        private RandomGenerator random = RandomGenerator.getDefault();
        private Sleeper sleeper = Sleeper.system();
        private ThreadFactory threadFactory = r -> {
            Thread t = new Thread(r, "sequential-executor-" + THREAD_NUMBERS.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
        private int maxAttempts = Integer.MAX_VALUE;
        private GiveUpHandler giveUpHandler;
        private SequentialExecutorListener listener;
        private int warnAfterFailures = DEFAULT_WARN_AFTER_FAILURES;

        private Builder() {
        }

        /**
         * Replaces the default backoff (the jitter settings then do not apply).
         *
         * @param backoff the delays between attempts
         * @return this builder
         * @throws NullPointerException if {@code backoff} is null
         */
        public Builder backoff(Backoff backoff) {
            this.backoff = Objects.requireNonNull(backoff, "backoff");
            return this;
        }

        /**
         * Sets the jitter ratio of the default backoff; 0 gives exactly 10, 20, 40, … ms.
         *
         * @param ratio within [0, 1]
         * @return this builder
         * @throws IllegalArgumentException if {@code ratio} is outside [0, 1]
         */
        public Builder jitter(double ratio) {
            if (!(ratio >= 0 && ratio <= 1)) {
                throw new IllegalArgumentException("jitter must be within [0, 1], was " + ratio);
            }
            this.jitter = ratio;
            return this;
        }

        /**
         * Sets the random source of the default backoff's jitter (seed it for repeatable tests).
         *
         * @param random the source
         * @return this builder
         * @throws NullPointerException if {@code random} is null
         */
        public Builder random(RandomGenerator random) {
            this.random = Objects.requireNonNull(random, "random");
            return this;
        }

        /**
         * Sets what waits between attempts (a fake one in tests).
         *
         * @param sleeper the sleeper
         * @return this builder
         * @throws NullPointerException if {@code sleeper} is null
         */
        public Builder sleeper(Sleeper sleeper) {
            this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
            return this;
        }

        /**
         * Sets the factory of the executor's one thread; the default makes a daemon platform thread
         * named {@code sequential-executor-N}. Pass {@code Thread.ofVirtual().factory()} for a
         * virtual thread.
         *
         * @param threadFactory the factory
         * @return this builder
         * @throws NullPointerException if {@code threadFactory} is null
         */
        public Builder threadFactory(ThreadFactory threadFactory) {
            this.threadFactory = Objects.requireNonNull(threadFactory, "threadFactory");
            return this;
        }

        /**
         * Limits the attempts of every task scheduled without its own limit.
         *
         * @param maxAttempts at least 1; {@link Integer#MAX_VALUE} (the default) for no limit
         * @return this builder
         * @throws IllegalArgumentException if {@code maxAttempts < 1}
         */
        public Builder maxAttempts(int maxAttempts) {
            this.maxAttempts = checkMaxAttempts(maxAttempts);
            return this;
        }

        /**
         * Sets after how many failures in a row of one task the retry is logged at WARN, once,
         * instead of DEBUG.
         *
         * @param failures at least 1; default {@value SequentialExecutor#DEFAULT_WARN_AFTER_FAILURES}
         * @return this builder
         * @throws IllegalArgumentException if {@code failures < 1}
         */
        public Builder warnAfterFailures(int failures) {
            if (failures < 1) {
                throw new IllegalArgumentException("warnAfterFailures must be >= 1, was " + failures);
            }
            this.warnAfterFailures = failures;
            return this;
        }

        /**
         * Sets what is called when a task gives up (default: a WARN log line).
         *
         * @param handler the handler
         * @return this builder
         * @throws NullPointerException if {@code handler} is null
         */
        public Builder onGiveUp(GiveUpHandler handler) {
            this.giveUpHandler = Objects.requireNonNull(handler, "handler");
            return this;
        }

        /**
         * Sets a listener for attempts, delays, successes and give-ups.
         *
         * @param listener the listener
         * @return this builder
         * @throws NullPointerException if {@code listener} is null
         */
        public Builder listener(SequentialExecutorListener listener) {
            this.listener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        /**
         * Creates the executor (not started).
         *
         * @return the executor
         */
        public SequentialExecutor build() {
            return new SequentialExecutor(this);
        }
    }
}
