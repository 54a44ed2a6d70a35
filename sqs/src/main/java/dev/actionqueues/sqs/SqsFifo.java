package dev.actionqueues.sqs;

import dev.actionqueues.deferred.spi.NewJob;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * What a FIFO queue needs on every send: the message group id (the ordering key: jobs of one group
 * are handed out in order, and none while an earlier one of the group is in flight) and the
 * deduplication id (SQS drops a second send with the same id within 5 minutes of the first). A job's
 * first send is deduplicated by its job id, so a push repeated under the same id within those
 * 5 minutes stores nothing; the later sends of a job (a retry, a move to the error queue, a replay)
 * add the job's release generation, so they are never taken for the first. Immutable.
 */
final class SqsFifo {

    /** What SQS accepts in a group or deduplication id: 1 to 128 of these. */
    private static final Pattern ALLOWED = Pattern.compile("[A-Za-z0-9!\"#$%&'()*+,\\-./:;<=>?@\\[\\\\\\]^_`{|}~]{1,128}");

    private final Function<NewJob, String> orderingKey;

    /** @param orderingKey the message group id of a job (never null: the factory defaults it) */
    SqsFifo(Function<NewJob, String> orderingKey) {
        this.orderingKey = orderingKey;
    }

    /**
     * The message group of a job on the main queue.
     *
     * @throws IllegalArgumentException if the ordering key gives no id SQS accepts
     */
    String groupOf(NewJob job) {
        String key = orderingKey.apply(job);
        if (key == null || !ALLOWED.matcher(key).matches()) {
            throw new IllegalArgumentException("the ordering key of job " + job.id() + " is not an SQS message group"
                    + " id (1 to 128 letters, digits and punctuation): " + key);
        }
        return key;
    }

    /** The deduplication id of a job's first send: the job id (hashed if SQS would not accept it). */
    static String firstSend(String jobId) {
        return ALLOWED.matcher(jobId).matches() ? jobId : "sha256-" + sha256(jobId);
    }

    /** The deduplication id of a later send of a job, at release generation {@code generation}. */
    static String laterSend(String jobId, long generation) {
        String id = jobId + "~" + generation;
        return ALLOWED.matcher(id).matches() ? id : "sha256-" + sha256(jobId) + "~" + generation;
    }

    /**
     * The ids this process pushed first in the last 5 minutes, SQS's deduplication interval, with when:
     * a push of one of them would be dropped by SQS. Thread-safe.
     */
    static final class Window {
        /** SQS's deduplication interval. */
        static final long MILLIS = 5 * 60 * 1000;
        private static final int PRUNE_ABOVE = 10_000;
        private final ConcurrentHashMap<String, Long> firstSent = new ConcurrentHashMap<>();

        /** Takes the id for a push at {@code now}; false if it was pushed less than 5 minutes before. */
        boolean open(String id, long now) {
            if (firstSent.size() > PRUNE_ABOVE) {
                firstSent.values().removeIf(t -> now - t >= MILLIS);
            }
            while (true) {
                Long before = firstSent.putIfAbsent(id, now);
                if (before == null) {
                    return true;
                }
                if (now - before < MILLIS) {
                    return false;
                }
                if (firstSent.replace(id, before, now)) {
                    return true;
                }
            }
        }

        /** Gives back an id taken at {@code now} whose push failed. */
        void close(String id, long now) {
            firstSent.remove(id, now);
        }
    }

    /** The SHA-256 of {@code s}'s UTF-8 bytes, in hex. */
    static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(
                    StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
