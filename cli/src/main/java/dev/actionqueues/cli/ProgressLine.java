package dev.actionqueues.cli;

import dev.actionqueues.deferred.DeferrableListener;
import dev.actionqueues.deferred.JobEvent;
import dev.actionqueues.deferred.OutcomeCounter;
import java.io.PrintWriter;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Counts what a worker does (jobs done, retried, failed, expired) from its events and shows it: on a
 * terminal as one line rewritten four times a second, otherwise as a plain line every ten seconds.
 * Thread-safe.
 */
final class ProgressLine implements DeferrableListener, AutoCloseable {

    private final OutcomeCounter counts = new OutcomeCounter();
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
        counts.onEvent(e);
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
        long d = counts.done();
        double seconds = Math.max(1e-3, (now - lastNanos) / 1e9);
        double rate = (d - lastDone) / seconds;
        lastDone = d;
        lastNanos = now;
        return String.format("%s, %.1f jobs/s", counts, rate);
    }

    /** The counts and the average rate since the start. */
    String summary() {
        double seconds = Math.max(1e-3, (System.nanoTime() - startNanos) / 1e9);
        return String.format("%s, %.1f jobs/s on average", counts, counts.done() / seconds);
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
