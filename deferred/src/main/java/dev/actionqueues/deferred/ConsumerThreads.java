package dev.actionqueues.deferred;

import dev.actionqueues.deferred.spi.Lease;
import dev.actionqueues.retry.Ticker;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A worker's consumer threads, one virtual thread per {@link ConsumerSlot}, each running the
 * {@link ConsumerLoop}: started together, and stopped by the steps of the worker's shutdown.
 * Thread-safe.
 */
final class ConsumerThreads {

    private static final Logger LOG = LoggerFactory.getLogger(Worker.class);

    private final WorkerContext ctx;
    private final ConsumerLoop loop;
    private final List<ConsumerSlot> slots = new CopyOnWriteArrayList<>();

    ConsumerThreads(WorkerContext ctx, ConsumerLoop loop) {
        this.ctx = ctx;
        this.loop = loop;
    }

    /** The slots, live: the lease renewer reads the running jobs from them. */
    List<ConsumerSlot> slots() {
        return slots;
    }

    void start(int concurrency) {
        for (int i = 0; i < concurrency; i++) {
            ConsumerSlot slot = new ConsumerSlot();
            slots.add(slot);
            slot.thread = Thread.ofVirtual().name(ctx.name + "-" + i).start(() -> loop.consume(slot));
        }
    }

    /** Takes the threads that wait on the backend out of their wait; running ones carry on. */
    void interruptWaiting() {
        for (ConsumerSlot slot : slots) {
            if (slot.state.compareAndSet(ConsumerSlot.POLLING, ConsumerSlot.STOPPED)) {
                slot.thread.interrupt();
            }
        }
    }

    /** Waits until {@code deadline}, by {@code ticker}, for every thread to end; returns whether all did. */
    boolean awaitAll(long deadline, Ticker ticker) throws InterruptedException {
        boolean finished = true;
        for (ConsumerSlot slot : slots) {
            long left = deadline - ticker.read();
            if (left <= 0 || !slot.thread.join(Duration.ofNanos(left))) {
                finished = false;
            }
        }
        return finished;
    }

    /**
     * Gives back the jobs still running, interrupts their threads, and waits up to {@code grace}
     * for them to end.
     */
    void giveBackUnfinished(Duration timeout, Duration grace) throws InterruptedException {
        for (ConsumerSlot slot : slots) {
            Lease lease = slot.running.get();
            if (lease != null) {
                LOG.warn("Worker {}: job {} did not finish within {}; giving it back", ctx.name, lease.jobId(),
                        timeout);
                ctx.giveBack(lease);
            }
        }
        for (ConsumerSlot slot : slots) {
            slot.thread.interrupt();
        }
        Ticker real = Ticker.system();
        long until = real.read() + grace.toNanos();
        for (ConsumerSlot slot : slots) {
            slot.thread.join(Duration.ofNanos(Math.max(1, until - real.read())));
        }
    }
}
