package dev.actionqueues.dashboard;

import dev.actionqueues.deferred.DeferrableListener;
import dev.actionqueues.deferred.JobEvent;
import java.time.InstantSource;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Counts jobs run and jobs failed per minute over the last hour, in memory, for the dashboard's
 * throughput chart. Add it as a listener of the {@code Deferrable} whose worker runs in this process
 * and hand it to {@link Dashboard.Builder#group(dev.actionqueues.deferred.Deferrable, ThroughputRecorder)}.
 * A job that ran (succeeded, or failed and was retried or sent to the error queue) counts as run;
 * failed counts retries and errors. Thread-safe and lock-free.
 */
public final class ThroughputRecorder implements DeferrableListener {

    /** How many one-minute buckets are kept. */
    public static final int MINUTES = 60;

    private final InstantSource clock;
    private final AtomicLongArray minuteOf = new AtomicLongArray(MINUTES);
    private final AtomicLongArray done = new AtomicLongArray(MINUTES);
    private final AtomicLongArray failed = new AtomicLongArray(MINUTES);

    /**
     * A recorder on a clock.
     *
     * @param clock the clock minutes are read from
     */
    public ThroughputRecorder(InstantSource clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
        for (int i = 0; i < MINUTES; i++) {
            minuteOf.set(i, -1);
        }
    }

    /** A recorder on the system clock. */
    public ThroughputRecorder() {
        this(InstantSource.system());
    }

    @Override
    public void onEvent(JobEvent event) {
        switch (event.type()) {
            case COMPLETE -> add(done);
            case RETRY, ERROR -> add(failed);
            default -> { }
        }
    }

    private void add(AtomicLongArray counts) {
        long minute = clock.millis() / 60_000;
        int slot = (int) (minute % MINUTES);
        long seen = minuteOf.get(slot);
        if (seen != minute && minuteOf.compareAndSet(slot, seen, minute)) {
            done.set(slot, 0);
            failed.set(slot, 0);
        }
        counts.incrementAndGet(slot);
    }

    /**
     * The counts of the last hour, oldest minute first, the current minute last.
     *
     * @return {@code [0]}: jobs run per minute; {@code [1]}: jobs failed per minute ({@value #MINUTES} each)
     */
    public long[][] lastHour() {
        long now = clock.millis() / 60_000;
        long[][] out = new long[2][MINUTES];
        for (int i = 0; i < MINUTES; i++) {
            long minute = now - (MINUTES - 1) + i;
            int slot = (int) (minute % MINUTES);
            if (minuteOf.get(slot) == minute) {
                out[0][i] = done.get(slot);
                out[1][i] = failed.get(slot);
            }
        }
        return out;
    }
}
