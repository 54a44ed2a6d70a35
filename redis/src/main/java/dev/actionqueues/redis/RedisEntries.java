package dev.actionqueues.redis;

import dev.actionqueues.deferred.spi.DebounceDecision;
import dev.actionqueues.deferred.spi.DebounceResult;
import dev.actionqueues.deferred.spi.Lease;
import dev.actionqueues.deferred.spi.NewJob;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The entry format the queue's scripts store and parse, {@code v1|<id>|<deliveries>|<payload>}, the
 * checks on what goes into an entry, and the reading of the claim and debounce scripts' replies. The scripts split an
 * entry at its first three {@code '|'}, so an id must not contain one and a payload may. Stateless, so
 * thread-safe.
 */
final class RedisEntries {

    static final int MAX_ID_LENGTH = 200;
    static final int MAX_PAYLOAD_BYTES = 64 * 1024 * 1024;
    static final Duration MAX_DELAY = Duration.ofDays(3650);

    /**
     * What a claim script replied ({@code claim_jobs} in {@code common.lua}).
     *
     * @param leases the claimed jobs, in claim order
     * @param empty whether the script found nothing to claim
     * @param nextEvent when empty, how long until the next delayed job or lease expiry falls due, if any
     */
    record ClaimReply(List<Lease> leases, boolean empty, Optional<Duration> nextEvent) {
    }

    private RedisEntries() {
    }

    /** Returns the entry of a job that has not been delivered yet. */
    static String encode(String id, String payload) {
        Objects.requireNonNull(id, "id");
        if (id.isEmpty() || id.length() > MAX_ID_LENGTH || id.indexOf('|') >= 0) {
            throw new IllegalArgumentException("job id must be 1-" + MAX_ID_LENGTH + " characters without '|'");
        }
        return "v1|" + id + "|0|" + payload;
    }

    /** Checks the job's delay and payload size against this backend's limits; returns the job. */
    static NewJob check(NewJob job) {
        if (job.delay().compareTo(MAX_DELAY) > 0) {
            throw new IllegalArgumentException(
                    "delay " + job.delay() + " exceeds the Redis backend's maximum " + MAX_DELAY);
        }
        if (job.payload().length() > MAX_PAYLOAD_BYTES / 4
                && ExactStringCodec.bytes(job.payload()).length > MAX_PAYLOAD_BYTES) {
            throw new IllegalArgumentException("payload exceeds " + MAX_PAYLOAD_BYTES + " bytes");
        }
        return job;
    }

    /**
     * Returns a debounce window in whole milliseconds, the unit of the server's clock, rounded up: a window
     * under 1 ms counts as 1 ms, so runs of one key are never closer than the window asked for.
     *
     * @throws IllegalArgumentException if the window exceeds {@link #MAX_DELAY}
     */
    static long windowMillis(Duration window) {
        if (window.compareTo(MAX_DELAY) > 0) {
            throw new IllegalArgumentException(
                    "debounce window " + window + " exceeds the Redis backend's maximum delay " + MAX_DELAY);
        }
        long ms = window.toMillis();
        return window.equals(Duration.ofMillis(ms)) ? ms : ms + 1;
    }

    /** Checks the delay of a job given back: from zero to {@link #MAX_DELAY}. */
    static void checkReleaseDelay(Duration delay) {
        if (delay.isNegative() || delay.compareTo(MAX_DELAY) > 0) {
            throw new IllegalArgumentException("delay must be between 0 and " + MAX_DELAY + ", was " + delay);
        }
    }

    /**
     * Reads a claim script's reply starting at index {@code at}: {@code jobs, now, } then {@code id, payload,
     * token, deliveries} per job; or {@code empty, now, ms until the next event or -1}. Every lease expires
     * {@code lease} after the server's {@code now}.
     */
    static ClaimReply parseClaim(List<Object> reply, int at, Duration lease) {
        long now = Long.parseLong(reply.get(at + 1).toString());
        if ("empty".equals(reply.get(at))) {
            long next = Long.parseLong(reply.get(at + 2).toString());
            return new ClaimReply(List.of(), true, next < 0 ? Optional.empty() : Optional.of(Duration.ofMillis(next)));
        }
        Instant expires = Instant.ofEpochMilli(now + lease.toMillis());
        List<Lease> leases = new ArrayList<>((reply.size() - at - 2) / 4);
        for (int i = at + 2; i + 3 < reply.size(); i += 4) {
            String token = (String) reply.get(i + 2);
            leases.add(new Lease((String) reply.get(i), (String) reply.get(i + 1), Long.parseLong(token), expires,
                    Integer.parseInt(reply.get(i + 3).toString()), token));
        }
        return new ClaimReply(leases, false, Optional.empty());
    }

    /** Reads the debounce script's reply: {@code skip}, {@code now} or {@code delayed}, the id, the delay in ms. */
    static DebounceResult parseDebounce(List<Object> reply) {
        String kind = (String) reply.get(0);
        String id = (String) reply.get(1);
        Duration delay = Duration.ofMillis(Long.parseLong(reply.get(2).toString()));
        DebounceDecision decision = switch (kind) {
            case "skip" -> DebounceDecision.SKIP;
            case "now" -> DebounceDecision.PUSH_NOW;
            default -> DebounceDecision.PUSH_DELAYED;
        };
        return new DebounceResult(decision, id, delay);
    }
}
