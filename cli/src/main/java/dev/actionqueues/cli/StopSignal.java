package dev.actionqueues.cli;

import java.io.PrintWriter;
import java.util.concurrent.CountDownLatch;

/**
 * Keeps a long-running command (worker, dashboard) alive until SIGTERM or SIGINT, then runs its stop
 * action in the JVM's shutdown hook and lets the command return.
 */
final class StopSignal {

    /** What a command does to stop; it may throw. */
    @FunctionalInterface
    interface StopAction {
        void stop() throws Exception;
    }

    private final CountDownLatch stopped = new CountDownLatch(1);

    StopSignal(StopAction action, PrintWriter err) {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                action.stop();
            } catch (Exception e) {
                err.println("actionqueues: stopping failed: " + e.getMessage());
                err.flush();
            } finally {
                stopped.countDown();
            }
        }, "actionqueues-shutdown"));
    }

    /** Waits until the stop action has run. */
    void await() throws InterruptedException {
        stopped.await();
    }
}
