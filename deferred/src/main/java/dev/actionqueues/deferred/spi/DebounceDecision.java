package dev.actionqueues.deferred.spi;

/** What a debounced push did; see {@link Debounce} for the rules. */
public enum DebounceDecision {
    /** Pushed, available at once (the leading edge). */
    PUSH_NOW,
    /** Pushed with a delay (the trailing run, or the always-delay mode). */
    PUSH_DELAYED,
    /** Not pushed: the call collapsed into a job of the same key that is still waiting. */
    SKIP
}
