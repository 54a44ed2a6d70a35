package dev.actionqueues.deferred;

import java.util.concurrent.atomic.LongAdder;

/**
 * Counts what runs of jobs came to, from a {@link Deferrable}'s events: jobs done with (whatever the
 * outcome, {@link EventType#COMPLETE}), retried, failed for good (sent to the error queue) and
 * expired. For status lines and tests; add it with {@link Deferrable.Builder#listener}. Thread-safe.
 */
public final class OutcomeCounter implements DeferrableListener {

    private final LongAdder done = new LongAdder();
    private final LongAdder retried = new LongAdder();
    private final LongAdder failed = new LongAdder();
    private final LongAdder expired = new LongAdder();

    @Override
    public void onEvent(JobEvent event) {
        switch (event.type()) {
            case COMPLETE -> done.increment();
            case RETRY -> retried.increment();
            case ERROR -> failed.increment();
            case EXPIRE -> expired.increment();
            default -> { }
        }
    }

    /** Returns how many claimed jobs were done with: ran, retried, failed or expired. */
    public long done() {
        return done.sum();
    }

    /** Returns how many runs failed and were put back for another attempt. */
    public long retried() {
        return retried.sum();
    }

    /** Returns how many jobs went to the error queue. */
    public long failed() {
        return failed.sum();
    }

    /** Returns how many jobs expired before they ran. */
    public long expired() {
        return expired.sum();
    }

    /** Returns the counts as one line: {@code 12 done, 3 retried, 1 failed, 0 expired}. */
    @Override
    public String toString() {
        return done() + " done, " + retried() + " retried, " + failed() + " failed, " + expired() + " expired";
    }
}
