package dev.actionqueues.deferred.spi;

import java.util.List;
import java.util.Objects;

/**
 * What a worker reports in each {@link WorkerRegistry#heartbeat heartbeat}: who it is and which
 * leases it holds. The registry adds the group, when the worker was first and last seen. Immutable.
 *
 * @param name the worker's name, unique per worker instance (host, pid and a random part)
 * @param host the host it runs on
 * @param pid its process id
 * @param concurrency how many jobs it runs at once
 * @param inFlight how many jobs it is running now
 * @param leases every lease it holds (running and prefetched jobs); copied
 */
public record WorkerStatus(String name, String host, long pid, int concurrency, int inFlight,
        List<WorkerLease> leases) {

    /**
     * Checks and copies the fields.
     *
     * @throws NullPointerException if a field is null
     * @throws IllegalArgumentException if {@code name} is blank, or a count is negative
     */
    public WorkerStatus {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(host, "host");
        if (name.isBlank()) {
            throw new IllegalArgumentException("name must not be blank");
        }
        if (concurrency < 0 || inFlight < 0) {
            throw new IllegalArgumentException("concurrency and inFlight must be >= 0, were " + concurrency + ", "
                    + inFlight);
        }
        leases = List.copyOf(leases);
    }
}
