package dev.actionqueues.deferred;

import dev.actionqueues.deferred.spi.CompleteAndNext;
import dev.actionqueues.deferred.spi.JobQueue;
import dev.actionqueues.deferred.spi.Lease;
import dev.actionqueues.retry.Sleeper;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
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
 * Each failure is logged by the Deferrable, one line per job; a failing backend is logged and
 * retried after {@link Builder#errorBackoff(Duration)}.
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

    private static final Logger LOG = LoggerFactory.getLogger(Worker.class);
    private static final int IDLE = 0;
    private static final int POLLING = 1;
    private static final int RUNNING = 2;
    private static final int STOPPED = 3;

    private final Deferrable deferrable;
    private final JobQueue queue;
    private final int concurrency;
    private final Duration leaseDuration;
    private final Duration pollTimeout;
    private final Duration errorBackoff;
    private final Duration shutdownTimeout;
    private final Sleeper sleeper;
    private final String name;
    private final ReentrantLock lifecycle = new ReentrantLock();
    private final List<Slot> slots = new ArrayList<>();
    private final LongAdder processed = new LongAdder();
    private final int prefetch;
    /** Jobs claimed ahead of free threads (see {@link Builder#prefetch(int)}), leased, renewed in place. */
    private final ConcurrentLinkedQueue<Held> prefetched = new ConcurrentLinkedQueue<>();
    /** Prefetched jobs plus jobs being claimed for the prefetch: never more than {@code prefetch}. */
    private final AtomicInteger reserved = new AtomicInteger();
    /** Finished jobs waiting to be completed in the background while their thread runs a prefetched job. */
    private final ConcurrentLinkedQueue<Lease> toComplete = new ConcurrentLinkedQueue<>();
    /** Whether a background thread is completing {@link #toComplete}. */
    private final AtomicBoolean flushing = new AtomicBoolean();
    /** The background completion threads, joined at shutdown. */
    private final Set<Thread> finishing = ConcurrentHashMap.newKeySet();
    private volatile boolean started;
    private volatile boolean stopping;
    private Thread renewer;

    /**
     * A prefetched job: its lease (renewed in place; null once found lost) and when that lease runs
     * out by this JVM's {@link System#nanoTime()}, never the backend's clock, which may differ.
     */
    private static final class Held {
        final AtomicReference<Lease> lease;
        volatile long deadlineNanos;

        Held(Lease lease, long deadlineNanos) {
            this.lease = new AtomicReference<>(lease);
            this.deadlineNanos = deadlineNanos;
        }
    }

    /** One consumer thread and what it is doing. */
    private static final class Slot {
        final AtomicInteger state = new AtomicInteger(IDLE);
        /** The lease of the job this slot runs, renewed in place; null between jobs. */
        final AtomicReference<Lease> running = new AtomicReference<>();
        /** The finished job the engine handed back for completion; used by the slot's thread only. */
        Lease done;
        final Consumer<Lease> completer = l -> done = l;
        volatile Thread thread;
    }

    private Worker(Builder b) {
        this.deferrable = b.deferrable;
        this.queue = b.deferrable.backend().queue();
        this.concurrency = b.concurrency;
        this.prefetch = b.prefetch;
        if (1 + prefetch > queue.capabilities().maxBatchSize()) {
            throw new IllegalArgumentException("prefetch " + prefetch + " is more than the backend can claim at once ("
                    + queue.capabilities().maxBatchSize() + " jobs, one of them for the thread itself)");
        }
        this.leaseDuration = b.leaseDuration;
        this.pollTimeout = b.pollTimeout;
        this.errorBackoff = b.errorBackoff;
        this.shutdownTimeout = b.shutdownTimeout;
        this.sleeper = b.sleeper;
        this.name = b.name;
    }

    /**
     * A builder for a worker running {@code deferrable}'s jobs.
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
            for (int i = 0; i < concurrency; i++) {
                Slot slot = new Slot();
                slots.add(slot);
                slot.thread = Thread.ofVirtual().name(name + "-" + i).start(() -> consume(slot));
            }
            renewer = Thread.ofVirtual().name(name + "-lease-renewer").start(this::renewLeases);
            LOG.info("Worker {} started: {} threads on group '{}'", name, concurrency, deferrable.backend().group());
            return this;
        } finally {
            lifecycle.unlock();
        }
    }

    /** @return true between {@link #start()} and the end of {@link #shutdown(Duration)} */
    public boolean isRunning() {
        return started && !stopping;
    }

    /** @return how many jobs this worker has claimed and processed so far, whatever the outcome */
    public long processed() {
        return processed.sum();
    }

    private void consume(Slot slot) {
        Lease next = null;
        while (true) {
            if (next == null && prefetch > 0 && !stopping) {
                next = takePrefetched();
            }
            Lease lease;
            if (next != null) {
                // Claimed ahead, or together with the completion of the previous job.
                lease = next;
                next = null;
                if (stopping) {
                    giveBack(lease);
                    break;
                }
                slot.state.set(RUNNING);
            } else {
                if (stopping) {
                    break;
                }
                slot.state.set(POLLING);
                if (stopping) {
                    break;
                }
                List<Lease> popped;
                int extra = reserve();
                try {
                    popped = queue.claimBatch(1 + extra, leaseDuration, pollTimeout);
                } catch (InterruptedException e) {
                    reserved.addAndGet(-extra);
                    continue;
                } catch (RuntimeException e) {
                    reserved.addAndGet(-extra);
                    LOG.warn("Worker {}: claiming from group '{}' failed; retrying in {}", name,
                            deferrable.backend().group(), errorBackoff, e);
                    pause(errorBackoff);
                    continue;
                }
                reserved.addAndGet(-(extra - Math.max(0, popped.size() - 1)));
                if (popped.isEmpty()) {
                    if (!queue.capabilities().blockingClaim()) {
                        pause(pollTimeout);
                    }
                    continue;
                }
                // Granted while this call waited, just before it returned: the reply's trip is the error.
                long claimedAt = System.nanoTime();
                if (!slot.state.compareAndSet(POLLING, RUNNING)) {
                    Thread.interrupted();
                    giveBack(popped.get(0));
                    keepPrefetched(popped.subList(1, popped.size()), claimedAt);
                    break;
                }
                lease = popped.get(0);
                keepPrefetched(popped.subList(1, popped.size()), claimedAt);
            }
            Lease done = run(slot, lease);
            if (done != null) {
                next = completeAndClaim(done);
            }
            if (next == null) {
                slot.state.set(IDLE);
            }
        }
        slot.state.set(STOPPED);
        Thread.interrupted();
    }

    /** Reserves room for up to {@code prefetch} jobs in all; returns how many more may be claimed. */
    private int reserve() {
        while (true) {
            int held = reserved.get();
            int n = Math.max(0, prefetch - held);
            if (n == 0 || reserved.compareAndSet(held, held + n)) {
                return n;
            }
        }
    }

    /**
     * A prefetched job to run, or null. A job whose lease the renewer found lost, or whose lease has
     * run out by this JVM's clock, is not run (another consumer may have it) but given back in case
     * it still can be.
     */
    private Lease takePrefetched() {
        Held held;
        while ((held = prefetched.poll()) != null) {
            reserved.decrementAndGet();
            Lease lease = held.lease.getAndSet(null);
            if (lease != null && System.nanoTime() - held.deadlineNanos < 0) {
                return lease;
            }
            if (lease != null) {
                giveBack(lease);
            }
        }
        return null;
    }

    /**
     * Keeps claimed jobs for later; their room was reserved. Once stopping, gives them back.
     *
     * @param claimedAt {@link System#nanoTime()} no later than the backend granted the leases
     */
    private void keepPrefetched(List<Lease> leases, long claimedAt) {
        for (Lease l : leases) {
            if (stopping) {
                reserved.decrementAndGet();
                giveBack(l);
            } else {
                prefetched.add(new Held(l, claimedAt + leaseDuration.toNanos()));
            }
        }
    }

    /** Gives back every prefetched job; returns how many. */
    private int giveBackPrefetched() {
        int n = 0;
        Held held;
        while ((held = prefetched.poll()) != null) {
            reserved.decrementAndGet();
            Lease lease = held.lease.getAndSet(null);
            if (lease != null) {
                giveBack(lease);
                n++;
            }
        }
        return n;
    }

    /** Runs a job; returns its lease if it is done and waits to be completed, else null. */
    private Lease run(Slot slot, Lease lease) {
        slot.running.set(lease);
        slot.done = null;
        try {
            deferrable.process(lease, slot.completer);
        } catch (BackendException e) {
            warnBackendFailed(lease, e);
            pause(errorBackoff);
        } catch (RuntimeException | Error e) {
            LOG.error("Worker {}: job {} escaped its handler with {}; it runs again when its lease runs out", name,
                    lease.jobId(), e.toString(), e);
        } finally {
            slot.running.set(null);
        }
        Lease done = slot.done;
        slot.done = null;
        if (done == null) {
            processed.increment();
        }
        return done;
    }

    /**
     * Completes a finished job and, unless the worker is stopping, claims the next one in the same
     * call to the backend (one round trip on Redis, one lock hold in memory).
     *
     * @return the next job's lease, or null
     */
    private Lease completeAndClaim(Lease done) {
        if (stopping) {
            finishAlone(done);
            return null;
        }
        if (prefetch == 0) {
            return completeAndTake(done, 0);
        }
        Lease next = takePrefetched();
        if (next != null) {
            // A prefetched job is ready: run it now; this one is completed (and the prefetch refilled)
            // in the background, together with the other threads' finished jobs.
            completeInBackground(done);
            return next;
        }
        return completeAndTake(done, reserve());
    }

    /**
     * Completes {@code done} and, in the same call, claims the thread's next job plus {@code extra}
     * for the prefetch (room already reserved); returns the next job or null.
     */
    private Lease completeAndTake(Lease done, int extra) {
        int kept = 0;
        try {
            long claimedAt = System.nanoTime();
            CompleteAndNext r = queue.completeAndClaim(done, 1 + extra, leaseDuration);
            warnIfLost(done, r.completed());
            List<Lease> claimed = r.next();
            if (claimed.isEmpty()) {
                return null;
            }
            if (claimed.size() > 1) {
                kept = claimed.size() - 1;
                keepPrefetched(claimed.subList(1, claimed.size()), claimedAt);
            }
            return claimed.get(0);
        } catch (RuntimeException e) {
            warnBackendFailed(done, e);
            pause(errorBackoff);
            return null;
        } finally {
            reserved.addAndGet(-(extra - kept));
            processed.increment();
        }
    }

    private void finishAlone(Lease done) {
        try {
            warnIfLost(done, queue.complete(done));
        } catch (RuntimeException e) {
            warnBackendFailed(done, e);
        } finally {
            processed.increment();
        }
    }

    private void completeInBackground(Lease done) {
        if (stopping) {
            finishAlone(done);
            return;
        }
        toComplete.add(done);
        if (flushing.compareAndSet(false, true)) {
            Thread t = Thread.ofVirtual().name(name + "-completer").unstarted(this::flushCompletions);
            finishing.add(t);
            t.start();
        }
    }

    /**
     * Completes the finished jobs handed over by the threads, in batches (one call each), and
     * refills the prefetch after each batch; runs until nothing is left, then ends.
     */
    private void flushCompletions() {
        try {
            int max = queue.capabilities().maxBatchSize();
            while (true) {
                List<Lease> batch = new ArrayList<>();
                for (Lease l; batch.size() < max && (l = toComplete.poll()) != null;) {
                    batch.add(l);
                }
                if (batch.isEmpty()) {
                    flushing.set(false);
                    // A job handed over after the poll and before the flag was cleared: keep going.
                    if (toComplete.isEmpty() || !flushing.compareAndSet(false, true)) {
                        return;
                    }
                    continue;
                }
                completeAndRefill(batch);
            }
        } finally {
            finishing.remove(Thread.currentThread());
        }
    }

    private void completeAndRefill(List<Lease> batch) {
        int extra = stopping ? 0 : reserve();
        int kept = 0;
        try {
            List<Boolean> completed = queue.completeBatch(batch);
            for (int i = 0; i < batch.size(); i++) {
                warnIfLost(batch.get(i), completed.get(i));
            }
            if (extra > 0) {
                long claimedAt = System.nanoTime();
                List<Lease> claimed = queue.claimBatch(extra, leaseDuration, Duration.ZERO);
                kept = claimed.size();
                keepPrefetched(claimed, claimedAt);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            for (Lease l : batch) {
                warnBackendFailed(l, e);
            }
            pause(errorBackoff);
        } finally {
            reserved.addAndGet(-(extra - kept));
            processed.add(batch.size());
        }
    }

    private void warnBackendFailed(Lease lease, RuntimeException e) {
        LOG.warn("Worker {}: the backend failed while finishing job {}; it runs again when its lease runs out", name,
                lease.jobId(), e);
    }

    private void warnIfLost(Lease done, boolean completed) {
        if (!completed) {
            LOG.warn("Worker {}: job {} ran, but its lease had run out and the job was handed to another consumer;"
                    + " it may run twice", name, done.jobId());
        }
    }

    private void pause(Duration d) {
        try {
            sleeper.sleep(d);
        } catch (InterruptedException e) {
            LOG.debug("Worker {}: pause interrupted", name);
        }
    }

    private void giveBack(Lease lease) {
        try {
            if (queue.release(lease, lease.payload(), Duration.ZERO)) {
                LOG.info("Worker {}: gave job {} back to the queue", name, lease.jobId());
            }
        } catch (RuntimeException e) {
            LOG.warn("Worker {}: could not give job {} back; it runs again when its lease runs out", name,
                    lease.jobId(), e);
        }
    }

    private void renewLeases() {
        Duration interval = leaseDuration.dividedBy(3);
        while (!stopping) {
            try {
                sleeper.sleep(interval);
            } catch (InterruptedException e) {
                continue;
            }
            for (Slot slot : slots) {
                renew(slot.running, false);
            }
            for (Held held : prefetched) {
                long before = System.nanoTime();
                if (renew(held.lease, true)) {
                    held.deadlineNanos = before + leaseDuration.toNanos();
                }
            }
        }
    }

    /**
     * Renews the lease held in {@code ref}, if any. A running job whose lease was lost keeps running
     * (with a warning: it may run twice); a prefetched one is dropped, left to its new holder.
     */
    private boolean renew(AtomicReference<Lease> ref, boolean prefetchedJob) {
        Lease lease = ref.get();
        if (lease == null) {
            return false;
        }
        try {
            Optional<Lease> renewed = queue.renew(lease, leaseDuration);
            if (renewed.isPresent()) {
                return ref.compareAndSet(lease, renewed.get());
            } else if (prefetchedJob) {
                if (ref.compareAndSet(lease, null)) {
                    LOG.warn("Worker {}: the lease of prefetched job {} was lost; it is left to its new holder", name,
                            lease.jobId());
                }
            } else if (ref.get() == lease) {
                LOG.warn("Worker {}: the lease of running job {} was lost; it may run twice", name, lease.jobId());
            }
        } catch (RuntimeException e) {
            LOG.warn("Worker {}: renewing the lease of job {} failed", name, lease.jobId(), e);
        }
        return false;
    }

    /**
     * Stops taking jobs, waits up to {@code timeout} for running jobs to finish, then releases the
     * leases of the unfinished ones back to the queue (available at once, no attempt counted) and
     * interrupts their threads. Returns when every thread has stopped or, for threads stuck in a
     * job that ignores interrupts, after a further second.
     *
     * @param timeout how long running jobs may take to finish
     * @return true if every running job finished within the timeout
     * @throws InterruptedException if interrupted while waiting; the worker keeps stopping
     * @throws IllegalStateException if the worker was never started
     */
    public boolean shutdown(Duration timeout) throws InterruptedException {
        Objects.requireNonNull(timeout, "timeout");
        lifecycle.lock();
        try {
            if (!started) {
                throw new IllegalStateException("the worker was never started");
            }
            stopping = true;
        } finally {
            lifecycle.unlock();
        }
        for (Slot slot : slots) {
            if (slot.state.compareAndSet(POLLING, STOPPED)) {
                slot.thread.interrupt();
            }
        }
        renewer.interrupt();
        // Jobs claimed ahead are not going to run here: others may take them at once.
        giveBackPrefetched();
        long deadline = System.nanoTime() + timeout.toNanos();
        boolean finished = true;
        for (Slot slot : slots) {
            long left = deadline - System.nanoTime();
            if (left <= 0 || !slot.thread.join(Duration.ofNanos(left))) {
                finished = false;
            }
        }
        // Background completions (a thread may hand one over as it sees the stop): wait, then finish the rest.
        do {
            for (Thread t : List.copyOf(finishing)) {
                t.join(Duration.ofNanos(Math.max(1, deadline - System.nanoTime() + TimeUnit.SECONDS.toNanos(1))));
            }
            for (Lease l; (l = toComplete.poll()) != null;) {
                finishAlone(l);
            }
        } while (!finishing.isEmpty() && System.nanoTime() - deadline < TimeUnit.SECONDS.toNanos(1));
        renewer.join(Duration.ofSeconds(1));
        if (!finished) {
            for (Slot slot : slots) {
                Lease lease = slot.running.get();
                if (lease != null) {
                    LOG.warn("Worker {}: job {} did not finish within {}; giving it back", name, lease.jobId(),
                            timeout);
                    giveBack(lease);
                }
            }
            for (Slot slot : slots) {
                slot.thread.interrupt();
            }
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
            for (Slot slot : slots) {
                slot.thread.join(Duration.ofNanos(Math.max(1, until - System.nanoTime())));
            }
        }
        int givenBack = giveBackPrefetched();
        if (givenBack > 0) {
            LOG.info("Worker {}: gave {} prefetched jobs back to the queue", name, givenBack);
        }
        LOG.info("Worker {} stopped after {} jobs", name, processed.sum());
        return finished;
    }

    /**
     * {@link #shutdown(Duration)} with {@link Builder#shutdownTimeout(Duration)}; does nothing if the
     * worker was never started or is already stopping. If interrupted, keeps the interrupt flag.
     */
    @Override
    public void close() {
        if (!started || stopping) {
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
        return "Worker[" + name + ", concurrency=" + concurrency + ", running=" + isRunning() + "]";
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
        private Duration errorBackoff = Duration.ofSeconds(1);
        private Duration shutdownTimeout = DEFAULT_SHUTDOWN_TIMEOUT;
        private Sleeper sleeper = Sleeper.system();
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
         *
         * @param prefetch 0 or more; default 0; at most the backend's batch size minus one
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
         * Sets the sleeper for the lease renewer's interval and for pauses.
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
         */
        public Worker build() {
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
