package dev.actionqueues.deferred.memory;

import java.time.InstantSource;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The state of one group: a main queue and an error queue under one lock, so that moves between
 * them (dead-letter, replay) are atomic. Fencing tokens come from one counter per group. The
 * structures of each queue are in {@link QueueState}, {@link LeaseTable} and {@link MemoryEntry}.
 * Thread-safe: every read or write of a queue's state holds {@link #lock}.
 */
final class MemoryStore {

    private static final int SPINS = 64;

    final ReentrantLock lock = new ReentrantLock();
    final InstantSource clock;
    private final InMemoryJobQueue main;
    private final InMemoryJobQueue errors;
    private long lastToken;
    private long lastSeq;

    MemoryStore(InstantSource clock) {
        this.clock = clock;
        QueueState errorState = new QueueState(lock.newCondition(), true);
        this.errors = InMemoryJobQueue.newErrorQueue(this, errorState);
        this.main = InMemoryJobQueue.newMainQueue(this, new QueueState(lock.newCondition(), false), errorState);
    }

    /**
     * Takes the lock, spinning briefly first: the critical sections are a few hundred nanoseconds,
     * and a virtual thread that parks on a contended lock costs far more (its carrier switches
     * threads, an idle carrier may be woken through the kernel).
     */
    void lock() {
        if (!tryLockSpinning()) {
            lock.lock();
        }
    }

    void lockInterruptibly() throws InterruptedException {
        if (!tryLockSpinning()) {
            lock.lockInterruptibly();
        }
    }

    private boolean tryLockSpinning() {
        for (int i = 0; i < SPINS; i++) {
            if (lock.tryLock()) {
                return true;
            }
            Thread.onSpinWait();
        }
        return false;
    }

    void unlock() {
        lock.unlock();
    }

    InMemoryJobQueue main() {
        return main;
    }

    InMemoryJobQueue errors() {
        return errors;
    }

    long nextToken() {
        return ++lastToken;
    }

    long nextSeq() {
        return ++lastSeq;
    }
}
