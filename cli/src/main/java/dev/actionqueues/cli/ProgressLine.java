package dev.actionqueues.cli;

import dev.actionqueues.deferred.DeferrableListener;
import dev.actionqueues.deferred.JobEvent;
import java.io.PrintWriter;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts what a worker does (jobs done, retried, failed, expired) from its events and shows it: on a
 * terminal as one line rewritten four times a second, otherwise as a plain line every ten seconds.
 * Thread-safe.
 */
final class ProgressLine implements DeferrableListener, AutoCloseable {

    private final LongAdder done = new LongAdder();
    private final LongAdder retried = new LongAdder();
    private final LongAdder failed = new LongAdder();
    private final LongAdder expired = new LongAdder();
    private final PrintWriter out;
    private final boolean terminal;
    private final long startNanos = System.nanoTime();
    private ScheduledExecutorService ticker;
    private long lastDone;
    private long lastNanos = startNanos;

    ProgressLine(PrintWriter out, boolean terminal) {
        this.out = out;
        this.terminal = terminal;
    }

    @Override
    public void onEvent(JobEvent e) {
        switch (e.type()) {
            case COMPLETE -> done.increment();
            case RETRY -> retried.increment();
            case ERROR -> failed.increment();
            case EXPIRE -> expired.increment();
            default -> { }
        }
    }

    /** Starts showing the line. */
    ProgressLine start() {
        ticker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "actionqueues-progress");
            t.setDaemon(true);
            return t;
        });
        long period = terminal ? 250 : 10_000;
        ticker.scheduleAtFixedRate(this::show, period, period, TimeUnit.MILLISECONDS);
        return this;
    }

    /** The counts and the rate since the last line. */
    synchronized String line() {
        long now = System.nanoTime();
        long d = done.sum();
        double seconds = Math.max(1e-3, (now - lastNanos) / 1e9);
        double rate = (d - lastDone) / seconds;
        lastDone = d;
        lastNanos = now;
        return String.format("%d done · %d retried · %d failed · %d expired · %.1f jobs/s", d, retried.sum(),
                failed.sum(), expired.sum(), rate);
    }

    /** The counts and the average rate since the start. */
    String summary() {
        double seconds = Math.max(1e-3, (System.nanoTime() - startNanos) / 1e9);
        return String.format("%d done · %d retried · %d failed · %d expired · %.1f jobs/s on average", done.sum(),
                retried.sum(), failed.sum(), expired.sum(), done.sum() / seconds);
    }

    private void show() {
        String line = line();
        synchronized (out) {
            if (terminal) {
                out.print("\r\033[K" + line);
            } else {
                out.println(line);
            }
            out.flush();
        }
    }

    @Override
    public void close() {
        if (ticker != null) {
            ticker.shutdownNow();
        }
        if (terminal) {
            synchronized (out) {
                out.print("\r\033[K");
                out.flush();
            }
        }
    }
}
