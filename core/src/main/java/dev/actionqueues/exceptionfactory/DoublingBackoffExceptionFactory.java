package dev.actionqueues.exceptionfactory;

import dev.actionqueues.ActionRetryException;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Throws {@link ActionRetryException}s with doubling backoffs for a number of retries, then a final
 * exception. With the defaults (3 retries, 500 ms) the calls throw
 * retries of 500, 1000 and 2000 ms, then the final exception; the k-th retry (from 0) waits
 * {@code initial·2^k} ms (saturating at {@link Long#MAX_VALUE}).
 *
 * <p>The final exception is, in order of preference: the one given to the constructor; the
 * {@code original} passed to that call; a {@link RetriesExhaustedException}. Every call after the
 * retries are used up throws the final exception again (the factory never resets). The original
 * failure is chained as the cause of every exception thrown that is not the original itself (for a
 * given final exception whose cause is already set, it is attached as suppressed instead).
 *
 * <p>Thread-safe, though one factory is meant for one method of one action.
 */
public final class DoublingBackoffExceptionFactory implements ExceptionFactory {

    /** Retries when none are given. */
    public static final int DEFAULT_RETRIES = 3;
    /** First backoff in ms when none is given. */
    public static final long DEFAULT_MS_BACKOFF_INITIAL = 500;

    private final int retries;
    private final long msBackoffInitial;
    private final Exception finalException;
    private final ReentrantLock lock = new ReentrantLock();
    private int executedRetries;
    private boolean finalChained;

    /** Three retries from 500 ms, then the original exception (or a {@link RetriesExhaustedException}). */
    public DoublingBackoffExceptionFactory() {
        this(DEFAULT_RETRIES, DEFAULT_MS_BACKOFF_INITIAL);
    }

    /**
     * {@code retries} retries from {@code msBackoffInitial} ms, then the original exception (or a
     * {@link RetriesExhaustedException}).
     *
     * @param retries how many retries to ask for, zero or more
     * @param msBackoffInitial the first backoff in ms, zero or more
     * @throws IllegalArgumentException if either is negative
     */
    public DoublingBackoffExceptionFactory(int retries, long msBackoffInitial) {
        this(retries, msBackoffInitial, null);
    }

    /**
     * {@code retries} retries from {@code msBackoffInitial} ms, then {@code finalException}, or as
     * {@link #DoublingBackoffExceptionFactory(int, long)} when it is null.
     *
     * @param retries how many retries to ask for, zero or more
     * @param msBackoffInitial the first backoff in ms, zero or more
     * @param finalException thrown once the retries are used up, or null to throw the original
     * @throws IllegalArgumentException if {@code retries} or {@code msBackoffInitial} is negative
     */
    public DoublingBackoffExceptionFactory(int retries, long msBackoffInitial, Exception finalException) {
        if (retries < 0) {
            throw new IllegalArgumentException("retries must not be negative, was " + retries);
        }
        if (msBackoffInitial < 0) {
            throw new IllegalArgumentException("msBackoffInitial must not be negative, was " + msBackoffInitial);
        }
        this.retries = retries;
        this.msBackoffInitial = msBackoffInitial;
        this.finalException = finalException;
    }

    /** Returns the number of retries this factory asks for in all. */
    public int retries() {
        return retries;
    }

    /** Returns the number of retries still to ask for. */
    public int remainingRetries() {
        lock.lock();
        try {
            return retries - executedRetries;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void raiseException(Exception original) throws Exception {
        lock.lock();
        try {
            if (executedRetries < retries) {
                int k = executedRetries++;
                throw new ActionRetryException(backoff(k), original);
            }
            if (finalException != null) {
                if (!finalChained && original != null && original != finalException) {
                    chain(finalException, original);
                    finalChained = true;
                }
                throw finalException;
            }
            if (original != null) {
                throw original;
            }
            throw new RetriesExhaustedException("all " + retries + " retries used up");
        } finally {
            lock.unlock();
        }
    }

    private long backoff(int k) {
        if (msBackoffInitial == 0) {
            return 0;
        }
        if (k >= 63 || msBackoffInitial > (Long.MAX_VALUE >> k)) {
            return Long.MAX_VALUE;
        }
        return msBackoffInitial << k;
    }

    private static void chain(Exception target, Exception original) {
        try {
            if (target.getCause() == null) {
                target.initCause(original);
                return;
            }
        } catch (IllegalStateException alreadySet) {
            // The cause was set explicitly (maybe to null): keep it, attach the original below.
        }
        target.addSuppressed(original);
    }

    @Override
    public String toString() {
        return "DoublingBackoffExceptionFactory[retries=" + retries + ", msBackoffInitial=" + msBackoffInitial + "]";
    }
}
