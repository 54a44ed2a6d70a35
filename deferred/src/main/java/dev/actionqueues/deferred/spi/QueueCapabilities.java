package dev.actionqueues.deferred.spi;

import java.time.Duration;
import java.util.Objects;

/**
 * What a queue can do; the engine validates against it before any I/O. Immutable.
 *
 * @param maxDelay the longest delay a push or release may ask for (SQS: 15 minutes)
 * @param maxBatchSize the most jobs one batch call may carry (SQS: 10)
 * @param maxPayloadBytes the largest payload, in UTF-8 bytes, the queue stores
 * @param fifo whether jobs that are available are claimed in the order they became available
 * @param blockingClaim whether {@link JobQueue#claim(Duration, Duration)} waits without polling; if
 *     not, it may return early and the caller waits between attempts
 * @param debounce whether {@link JobQueue#pushDebounced} is supported
 * @param uniqueIds whether {@link JobQueue#pushIfAbsent} is supported
 * @param inspection whether waiting jobs can be listed, found and removed by id
 *     ({@link JobQueue#list}, {@link JobQueue#find}, {@link JobQueue#remove}, and so
 *     {@link JobQueue#replayError} on a main queue whose error queue has it); a broker that only
 *     hands out the next messages (SQS) cannot, and throws {@link UnsupportedOperationException}
 */
public record QueueCapabilities(Duration maxDelay, int maxBatchSize, int maxPayloadBytes, boolean fifo,
        boolean blockingClaim, boolean debounce, boolean uniqueIds, boolean inspection) {

    /**
     * Checks the fields.
     *
     * @throws NullPointerException if {@code maxDelay} is null
     * @throws IllegalArgumentException if {@code maxDelay} is negative or a size is below 1
     */
    public QueueCapabilities {
        Objects.requireNonNull(maxDelay, "maxDelay");
        if (maxDelay.isNegative()) {
            throw new IllegalArgumentException("maxDelay must not be negative");
        }
        if (maxBatchSize < 1 || maxPayloadBytes < 1) {
            throw new IllegalArgumentException("sizes must be >= 1");
        }
    }

    /**
     * Capabilities with inspection of waiting jobs.
     *
     * @param maxDelay the longest delay a push or release may ask for
     * @param maxBatchSize the most jobs one batch call may carry
     * @param maxPayloadBytes the largest payload, in UTF-8 bytes, the queue stores
     * @param fifo whether available jobs are claimed in the order they became available
     * @param blockingClaim whether a claim waits without polling
     * @param debounce whether {@link JobQueue#pushDebounced} is supported
     * @param uniqueIds whether {@link JobQueue#pushIfAbsent} is supported
     * @throws NullPointerException if {@code maxDelay} is null
     * @throws IllegalArgumentException if {@code maxDelay} is negative or a size is below 1
     */
    public QueueCapabilities(Duration maxDelay, int maxBatchSize, int maxPayloadBytes, boolean fifo,
            boolean blockingClaim, boolean debounce, boolean uniqueIds) {
        this(maxDelay, maxBatchSize, maxPayloadBytes, fifo, blockingClaim, debounce, uniqueIds, true);
    }

    /**
     * Capabilities without {@link JobQueue#pushIfAbsent}, with inspection of waiting jobs.
     *
     * @param maxDelay the longest delay a push or release may ask for
     * @param maxBatchSize the most jobs one batch call may carry
     * @param maxPayloadBytes the largest payload, in UTF-8 bytes, the queue stores
     * @param fifo whether available jobs are claimed in the order they became available
     * @param blockingClaim whether a claim waits without polling
     * @param debounce whether {@link JobQueue#pushDebounced} is supported
     * @throws NullPointerException if {@code maxDelay} is null
     * @throws IllegalArgumentException if {@code maxDelay} is negative or a size is below 1
     */
    public QueueCapabilities(Duration maxDelay, int maxBatchSize, int maxPayloadBytes, boolean fifo,
            boolean blockingClaim, boolean debounce) {
        this(maxDelay, maxBatchSize, maxPayloadBytes, fifo, blockingClaim, debounce, false, true);
    }
}
