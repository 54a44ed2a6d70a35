package dev.actionqueues.deferred;

/**
 * Receives a {@link Deferrable}'s events, in registration order, on the thread that caused them.
 * A listener that throws is logged at WARN and does not affect the job or the other listeners.
 * Listeners must be thread-safe when a worker runs several jobs at once.
 */
@FunctionalInterface
public interface DeferrableListener {

    /**
     * Called for each event.
     *
     * @param event the event
     */
    void onEvent(JobEvent event);
}
