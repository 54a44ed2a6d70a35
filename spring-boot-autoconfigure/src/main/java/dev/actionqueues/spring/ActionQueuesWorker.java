package dev.actionqueues.spring;

import dev.actionqueues.deferred.Worker;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * The {@link Worker} run with the application context's lifecycle: it starts once the context is
 * refreshed, after every other lifecycle bean (the web server included), and on shutdown stops
 * first: running jobs get up to the shutdown timeout to finish, prefetched and unfinished ones are
 * given back to the queue ({@link Worker#shutdown(Duration)}). The stop runs on its own thread so
 * that other beans of the same phase stop in parallel; keep
 * {@code spring.lifecycle.timeout-per-shutdown-phase} (default 30 s) above the shutdown timeout.
 * Each start builds a new worker from the builder, so the context can be stopped and started again.
 *
 * <p>Thread-safe.
 */
public final class ActionQueuesWorker implements SmartLifecycle {

    private static final Logger LOG = LoggerFactory.getLogger(ActionQueuesWorker.class);

    private final Worker.Builder builder;
    private final Duration shutdownTimeout;
    private final ReentrantLock lock = new ReentrantLock();
    private volatile Worker worker;

    private ActionQueuesWorker(Worker.Builder builder, Duration shutdownTimeout) {
        this.builder = Objects.requireNonNull(builder, "builder");
        this.shutdownTimeout = Objects.requireNonNull(shutdownTimeout, "shutdownTimeout");
        if (shutdownTimeout.isNegative()) {
            throw new IllegalArgumentException("shutdownTimeout must not be negative, was " + shutdownTimeout);
        }
    }

    /**
     * A lifecycle over a configured worker builder; the builder must not change afterwards.
     *
     * @param builder the worker's builder, fully configured
     * @param shutdownTimeout how long running jobs get to finish when the context stops
     * @return the lifecycle bean
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if the timeout is negative
     */
    public static ActionQueuesWorker of(Worker.Builder builder, Duration shutdownTimeout) {
        return new ActionQueuesWorker(builder, shutdownTimeout);
    }

    @Override
    public void start() {
        lock.lock();
        try {
            if (worker == null) {
                worker = builder.build().start();
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void stop() {
        Worker running;
        lock.lock();
        try {
            running = worker;
            worker = null;
        } finally {
            lock.unlock();
        }
        if (running == null) {
            return;
        }
        try {
            if (!running.shutdown(shutdownTimeout)) {
                LOG.warn("the worker's running jobs did not finish within {}; they were given back to the queue",
                        shutdownTimeout);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void stop(Runnable callback) {
        Thread.ofVirtual().name("actionqueues-worker-stop").start(() -> {
            try {
                stop();
            } finally {
                callback.run();
            }
        });
    }

    @Override
    public boolean isRunning() {
        Worker w = worker;
        return w != null && w.isRunning();
    }

    /** Starts last and stops first, after and before the web server. */
    @Override
    public int getPhase() {
        return SmartLifecycle.DEFAULT_PHASE;
    }

    /** Returns the jobs the current worker has finished, 0 when stopped. */
    public long processed() {
        Worker w = worker;
        return w == null ? 0 : w.processed();
    }

    /** Returns how long running jobs get to finish when the context stops. */
    public Duration shutdownTimeout() {
        return shutdownTimeout;
    }

    @Override
    public String toString() {
        return "ActionQueuesWorker[" + (isRunning() ? "running" : "stopped") + "]";
    }
}
