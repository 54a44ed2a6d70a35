package dev.actionqueues.deferred.spi;

import java.time.Duration;
import java.util.Objects;

/**
 * A request to push a job under debouncing: calls with the same {@link #key()} collapse while a
 * job of that key waits. Immutable.
 *
 * <p>The decision the backend must take atomically with the push, at time {@code now}, where
 * {@code lastStart} is when the key's last job was claimed (or, until it is, when it is due):
 * <ol>
 *   <li>if a job pushed under {@code key} has not been claimed yet (it is available or delayed):
 *       {@link DebounceDecision#SKIP}; nothing is pushed and that job's id is returned;</li>
 *   <li>else if {@link #alwaysDelay()}: push with delay {@code window}
 *       ({@link DebounceDecision#PUSH_DELAYED});</li>
 *   <li>else if {@code lastStart} is unknown or {@code now >= lastStart + window}: push at once
 *       ({@link DebounceDecision#PUSH_NOW});</li>
 *   <li>else push with delay {@code lastStart + window - now}
 *       ({@link DebounceDecision#PUSH_DELAYED}).</li>
 * </ol>
 * The pushed job becomes the key's pending job; when it is claimed it stops being pending and
 * {@code lastStart} becomes the claim time (if later). So a call made after the trailing job has
 * started always gets a new run, and in leading mode the runs of one
 * key start at least one window apart, however late consumers claim them. Backends may forget a
 * key's state once nothing is pending and {@code lastStart + window} has passed.
 *
 * @param key the debounce key, chosen by the engine; backends may hash it
 * @param window the window, positive
 * @param alwaysDelay true for the always-delay mode (no leading-edge run)
 */
public record Debounce(String key, Duration window, boolean alwaysDelay) {

    /**
     * Checks the fields.
     *
     * @throws NullPointerException if a field is null
     * @throws IllegalArgumentException if {@code window} is not positive
     */
    public Debounce {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(window, "window");
        if (window.isZero() || window.isNegative()) {
            throw new IllegalArgumentException("window must be positive, was " + window);
        }
    }
}
