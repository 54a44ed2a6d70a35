package dev.actionqueues.dashboard;

/** What a caller of the dashboard may do. */
public enum Access {
    /** Nothing: the request is refused with 403. */
    NONE,
    /** Look: every page and every GET of the API. */
    READ,
    /** Look and act: replay, delete, purge, run now, cancel. */
    ACT;

    /**
     * Whether this access includes another.
     *
     * @param other the access needed
     * @return true if this is at least {@code other}
     */
    public boolean allows(Access other) {
        return compareTo(other) >= 0;
    }
}
