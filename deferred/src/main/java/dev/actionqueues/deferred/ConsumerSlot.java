package dev.actionqueues.deferred;

import dev.actionqueues.deferred.spi.Lease;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/** One consumer thread of a worker and what it is doing. Thread-safe. */
final class ConsumerSlot {

    /** Between jobs. */
    static final int IDLE = 0;
    /** Waiting on the backend for a job; shutdown may interrupt it. */
    static final int POLLING = 1;
    /** Running a job; shutdown lets it finish. */
    static final int RUNNING = 2;
    /** Done: the thread has left its loop, or shutdown took it out of a wait. */
    static final int STOPPED = 3;

    final AtomicInteger state = new AtomicInteger(IDLE);
    /** The lease of the job this slot runs, renewed in place; null between jobs. */
    final AtomicReference<Lease> running = new AtomicReference<>();
    volatile Thread thread;
}
