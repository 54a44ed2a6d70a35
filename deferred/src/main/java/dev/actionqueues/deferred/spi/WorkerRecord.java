package dev.actionqueues.deferred.spi;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A worker as its {@link WorkerRegistry} keeps it: what it last reported, and when it was first
 * and last seen on the backend's clock. This is what an operator's view of "workers seen" lists.
 * Immutable.
 *
 * @param name the worker's name, unique per worker instance
 * @param host the host it runs on
 * @param pid its process id
 * @param group the group it consumes
 * @param concurrency how many jobs it runs at once
 * @param inFlight how many jobs it was running at its last heartbeat
 * @param startedAt its first heartbeat (since its record was last created), on the backend's clock
 * @param lastSeen its last heartbeat, on the backend's clock
 * @param leases the leases it held at its last heartbeat; copied
 */
public record WorkerRecord(String name, String host, long pid, String group, int concurrency, int inFlight,
        Instant startedAt, Instant lastSeen, List<WorkerLease> leases) {

    /**
     * Checks and copies the fields.
     *
     * @throws NullPointerException if a field is null
     */
    public WorkerRecord {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(group, "group");
        Objects.requireNonNull(startedAt, "startedAt");
        Objects.requireNonNull(lastSeen, "lastSeen");
        leases = List.copyOf(leases);
    }

    @Override
    public String toString() {
        return "WorkerRecord[" + name + ", host=" + host + ", pid=" + pid + ", group=" + group + ", concurrency="
                + concurrency + ", inFlight=" + inFlight + ", startedAt=" + startedAt + ", lastSeen=" + lastSeen
                + ", leases=" + leases.size() + "]";
    }
}
