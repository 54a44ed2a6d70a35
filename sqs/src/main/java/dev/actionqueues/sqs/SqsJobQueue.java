package dev.actionqueues.sqs;

import dev.actionqueues.deferred.spi.CompleteAndNext;
import dev.actionqueues.deferred.spi.Debounce;
import dev.actionqueues.deferred.spi.DebounceResult;
import dev.actionqueues.deferred.spi.DebounceStore;
import dev.actionqueues.deferred.spi.JobQueue;
import dev.actionqueues.deferred.spi.JobRecord;
import dev.actionqueues.deferred.spi.Lease;
import dev.actionqueues.deferred.spi.NewJob;
import dev.actionqueues.deferred.spi.QueueCapabilities;
import dev.actionqueues.deferred.spi.QueueStats;
import dev.actionqueues.sqs.SqsMessages.Incoming;
import dev.actionqueues.sqs.SqsMessages.Outgoing;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import software.amazon.awssdk.services.sqs.model.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One SQS queue (standard or FIFO) as a {@link JobQueue}: the main queue of a group, or its error queue.
 *
 * <p>A claim is a ReceiveMessage (long polling up to 20 s) whose visibility timeout is the lease;
 * {@link #renew} is a ChangeMessageVisibility with the receipt handle, {@link #complete} a delete.
 * Completions and claims that do not wait, made by several threads at once (a worker's threads
 * each complete a job and claim the next), are combined into one DeleteMessageBatch and one
 * ReceiveMessage for up to 10 of them ({@link SqsCombined}); a lone caller's call goes out at once.
 *
 * <p>SQS has no fencing token: the token is the release generation (carried in the message) in the
 * high half and the receive count in the low half. A lost lease is detected by a refused visibility
 * change: a lease this process holds with time to spare is used directly, any other is first
 * checked that way (see {@link LeaseTable}), so a stale lease is answered with {@code false} and
 * never counted as completed. A release sends the job again with its new payload and delay, then
 * deletes the old message. A delay over 15 minutes is sent as 15 minutes with the due time
 * attached, and sent again on receipt until due. SQS counts delays, visibility timeouts and
 * long-poll waits in whole seconds: each is rounded up.
 *
 * <p>On a FIFO queue ({@link SqsFifo}) every send carries a message group (the ordering key) and a
 * deduplication id (the job id on a first send, so {@link #pushIfAbsent} is SQS's deduplication,
 * which lasts 5 minutes); there are no delays, and long delays are never re-sent.
 *
 * <p>Debouncing needs a {@link DebounceStore} beside SQS (the factory's {@code debouncer}): the store
 * decides, the job is sent carrying its hashed key, and its claim tells the store it started; a
 * failed send gives the key back. Not on FIFO queues (no delays).
 *
 * <p>Not available: debouncing without a store, unique ids on standard queues, and inspection of the
 * main queue's waiting jobs. The error queue reads all its entries to list, find or remove one
 * ({@link ErrorScan}). Thread-safe.
 */
final class SqsJobQueue implements JobQueue {

    private static final Logger LOG = LoggerFactory.getLogger(SqsJobQueue.class);
    /** How long, beyond the natively supported 15 minutes, a delay may be: as the other backends. */
    static final Duration MAX_DELAY = Duration.ofDays(3650);
    static final int MAX_BATCH = 10;
    private static final int MAX_WAIT_SECONDS = 20;
    /** The invisibility set while a checked lease is finished (a send and a delete follow). */
    private static final int CHECK_SECONDS = 30;

    private final SqsCalls calls;
    private final SqsJobQueue errorQueue;
    private final ErrorScan scan;
    private final InstantSource clock;
    private final int maxBodyBytes;
    private final QueueCapabilities capabilities;
    /** Group and deduplication ids for a FIFO queue; null for a standard queue. */
    private final SqsFifo fifo;
    private final SqsFifo.Window dedupWindow = new SqsFifo.Window();
    /** Debounced pushes through a store beside SQS, or null: no debouncing. */
    private final SqsDebouncing debouncer;
    private final LeaseTable leases = new LeaseTable();
    /** Concurrent completions and claims that do not wait, combined. */
    private final SqsCombined combined;

    /** A main queue when {@code errorQueue} is set; an error queue (which can be scanned) otherwise. */
    SqsJobQueue(SqsCalls calls, SqsJobQueue errorQueue, InstantSource clock, int maxBodyBytes, int scanWaitSeconds,
            SqsFifo fifo, DebounceStore debouncer) {
        this.calls = calls;
        this.debouncer = errorQueue == null || fifo != null || debouncer == null ? null
                : new SqsDebouncing(calls, debouncer);
        this.errorQueue = errorQueue;
        this.clock = clock;
        this.maxBodyBytes = maxBodyBytes;
        this.scan = errorQueue == null ? new ErrorScan(calls, scanWaitSeconds) : null;
        this.fifo = fifo;
        // FIFO queues have no per-message delay; deduplication stands in for unique ids (5 minutes only).
        this.capabilities = new QueueCapabilities(fifo == null ? MAX_DELAY : Duration.ZERO, MAX_BATCH, maxBodyBytes,
                fifo != null, true, this.debouncer != null, fifo != null, errorQueue == null);
        this.combined = new SqsCombined(calls);
    }

    @Override
    public QueueCapabilities capabilities() {
        return capabilities;
    }

    @Override
    public void push(NewJob job) {
        calls.send(first(job, encode(job.id(), job.payload(), 0, job.delay(), false)));
    }

    /**
     * On a FIFO queue, pushes the job with its id as the deduplication id: SQS stores nothing if a
     * message with that id was first sent to the queue less than 5 minutes ago, and does not say so.
     * This holds <b>only within SQS's 5-minute window</b>: a push of the same id after it is stored
     * even if the first job still waits, and one within it is dropped even if the first job has
     * finished. Returns false for an id this process pushed less than 5 minutes ago (SQS would drop
     * it: nothing is sent), true otherwise, also when another process pushed the id first and SQS
     * dropped this push without saying so.
     *
     * @throws UnsupportedOperationException on a standard queue
     */
    @Override
    public boolean pushIfAbsent(NewJob job) {
        if (fifo == null) {
            throw new UnsupportedOperationException("only SQS FIFO queues deduplicate: the queue " + calls.name()
                    + " cannot push a job only if its id is absent (capabilities().uniqueIds() is false)");
        }
        long now = clock.millis();
        if (!dedupWindow.open(job.id(), now)) {
            return false;
        }
        try {
            push(job);
        } catch (RuntimeException e) {
            dedupWindow.close(job.id(), now);
            throw e;
        }
        return true;
    }

    @Override
    public List<Boolean> pushBatch(List<NewJob> jobs) {
        checkBatch(jobs.size());
        List<Outgoing> messages = new ArrayList<>(jobs.size());
        for (NewJob job : jobs) {
            messages.add(first(job, encode(job.id(), job.payload(), 0, job.delay(), false)));
        }
        return messages.isEmpty() ? List.of() : calls.sendBatch(messages);
    }

    /**
     * Pushes a job under debouncing, decided by the factory's {@link DebounceStore}: the decision is
     * atomic in the store, the send follows it (a failed send gives the key back); the job carries its
     * hashed key, and its claim tells the store that it started. The delay decided is sent rounded up
     * to whole seconds, as every SQS delay.
     *
     * @throws UnsupportedOperationException without a debounce store, on a FIFO queue or on an error queue
     */
    /**
     * As {@link #pushBatch}, without waiting for SQS when the factory has an asynchronous client (one
     * SendMessageBatch under way per call); otherwise it sends on the calling thread.
     */
    @Override
    public CompletableFuture<List<Boolean>> pushBatchAsync(List<NewJob> jobs) {
        if (!calls.hasAsync()) {
            return JobQueue.super.pushBatchAsync(jobs);
        }
        List<Outgoing> messages = new ArrayList<>(jobs.size());
        try {
            checkBatch(jobs.size());
            for (NewJob job : jobs) {
                messages.add(first(job, encode(job.id(), job.payload(), 0, job.delay(), false)));
            }
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        return messages.isEmpty() ? CompletableFuture.completedFuture(List.of()) : calls.sendBatchAsync(messages);
    }

    @Override
    public DebounceResult pushDebounced(NewJob job, Debounce debounce) {
        Objects.requireNonNull(job, "job");
        Objects.requireNonNull(debounce, "debounce");
        if (debouncer == null) {
            throw new UnsupportedOperationException("SQS has no store to debounce in: the queue " + calls.name()
                    + " cannot debounce (capabilities().debounce() is false)" + (errorQueue == null ? ""
                    : fifo != null ? "; FIFO queues have no delays, which debouncing needs"
                    : "; build the SqsBackendFactory with debouncer(..): a RedisDebounceStore, or an "
                            + "InMemoryDebounceStore when one process pushes"));
        }
        checkDelay(debounce.window());
        Outgoing now = encode(job.id(), job.payload(), 0, Duration.ZERO, false); // refuses a payload too large
        return debouncer.push(job, debounce, now, delay -> encode(job.id(), job.payload(), 0, delay, false));
    }

    @Override
    public List<Lease> claimBatch(int max, Duration leaseDuration, Duration maxWait) throws InterruptedException {
        checkBatch(max);
        if (max < 1) {
            throw new IllegalArgumentException("max must be at least 1, was " + max);
        }
        int visibility = visibilitySeconds(leaseDuration);
        if (maxWait.isNegative()) {
            throw new IllegalArgumentException("maxWait must not be negative, was " + maxWait);
        }
        long deadline = clock.millis() + maxWait.toMillis();
        while (true) {
            long before = clock.millis();
            int wait = (int) Math.min(MAX_WAIT_SECONDS, SqsMessages.ceilSeconds(Duration.ofMillis(Math.max(0,
                    deadline - before))));
            List<Message> received = wait == 0 ? combined.receiveNow(max, visibility) : calls.receive(max, visibility, wait);
            List<Lease> out = new ArrayList<>(received.size());
            for (Message m : received) {
                Incoming in = SqsMessages.incoming(m);
                if (fifo == null && in.dueMillis() > before) {
                    delayAgain(in, before);
                    continue;
                }
                if (in.debounceKey() != null && debouncer != null) {
                    debouncer.started(in);
                }
                long visibleMillis = visibility * 1000L;
                leases.claimed(in.receipt(), before, visibleMillis);
                out.add(new Lease(in.jobId(), in.payload(), in.fencingToken(), Instant.ofEpochMilli(before
                        + visibleMillis), in.receiveCount(), in.receipt()));
            }
            if (!out.isEmpty() || wait == 0 || clock.millis() >= deadline) {
                return out;
            }
        }
    }

    @Override
    public Optional<Lease> renew(Lease lease, Duration leaseDuration) {
        long now = clock.millis();
        long seconds = extension(lease, visibilitySeconds(leaseDuration), now);
        if (seconds < 1) {
            return Optional.empty();
        }
        if (!calls.changeVisibility(lease.receipt(), (int) seconds)) {
            leases.forget(lease.receipt());
            return Optional.empty();
        }
        leases.renewed(lease.receipt(), now, seconds * 1000);
        return Optional.of(lease.withExpiry(Instant.ofEpochMilli(now + seconds * 1000)));
    }

    /**
     * Renews the leases with one ChangeMessageVisibilityBatch per 10 (each entry with its own
     * timeout, capped at 12 hours from its receive); an entry SQS refuses is a stale lease.
     */
    @Override
    public List<Optional<Lease>> renewBatch(List<Lease> batch, Duration leaseDuration) {
        long now = clock.millis();
        int asked = visibilitySeconds(leaseDuration);
        List<Optional<Lease>> out = new ArrayList<>(Collections.nCopies(batch.size(), Optional.<Lease>empty()));
        List<Integer> index = new ArrayList<>();
        List<Integer> seconds = new ArrayList<>();
        for (int i = 0; i < batch.size(); i++) {
            long s = extension(batch.get(i), asked, now);
            if (s >= 1) {
                index.add(i);
                seconds.add((int) s);
            }
        }
        for (int from = 0; from < index.size(); from += MAX_BATCH) {
            int to = Math.min(index.size(), from + MAX_BATCH);
            List<String> receipts = new ArrayList<>(to - from);
            index.subList(from, to).forEach(i -> receipts.add(batch.get(i).receipt()));
            List<Boolean> ok = calls.changeVisibilityBatch(receipts, seconds.subList(from, to));
            for (int k = 0; k < ok.size(); k++) {
                Lease lease = batch.get(index.get(from + k));
                long millis = seconds.get(from + k) * 1000L;
                if (ok.get(k)) {
                    leases.renewed(lease.receipt(), now, millis);
                    out.set(index.get(from + k), Optional.of(lease.withExpiry(Instant.ofEpochMilli(now + millis))));
                } else {
                    leases.forget(lease.receipt());
                }
            }
        }
        return out;
    }

    /**
     * How many seconds a lease may be extended by now: {@code seconds}, capped at SQS's 12 hours from
     * the receive; 0 (reported, and the lease forgotten) once it can be extended no more.
     */
    private long extension(Lease lease, long seconds, long now) {
        long left = leases.invisibleMillisLeft(lease.receipt(), now);
        if (left >= 0 && seconds * 1000 > left) {
            seconds = left / 1000;
            if (seconds < 1) {
                LOG.warn("Queue {}: job {} has been running for 12 hours, the longest SQS keeps a message hidden; "
                        + "its lease cannot be extended and SQS will deliver it again", calls.name(), lease.jobId());
                leases.forget(lease.receipt());
            }
        }
        return seconds;
    }

    @Override
    public boolean complete(Lease lease) {
        if (!confirmHeld(lease)) {
            return false;
        }
        boolean deleted = combined.delete(lease.receipt());
        leases.forget(lease.receipt());
        return deleted;
    }

    /**
     * Completes a finished job and claims the next ones: for a surely held lease (its delete cannot be
     * refused as stale) the delete goes out beside the receive, on a virtual thread, so a worker's
     * thread waits for one round trip, not two; otherwise, and on FIFO queues (where the receive must
     * follow the delete, or the group still looks in flight), one after the other. If the delete
     * fails, the jobs received beside it are made visible again.
     */
    @Override
    public CompleteAndNext completeAndClaim(Lease done, int max, Duration leaseDuration) {
        checkBatch(max);
        if (fifo != null || max < 1 || !leases.surelyHeld(done.receipt(), clock.millis())
                || Thread.currentThread().isInterrupted()) {
            return JobQueue.super.completeAndClaim(done, max, leaseDuration);
        }
        CompletableFuture<Boolean> deleted = new CompletableFuture<>();
        Thread.ofVirtual().name("sqs-delete").start(() -> {
            try {
                deleted.complete(combined.delete(done.receipt()));
            } catch (Throwable t) {
                deleted.completeExceptionally(t);
            }
        });
        List<Lease> next = List.of();
        RuntimeException claimFailure = null;
        try {
            next = claimBatch(max, leaseDuration, Duration.ZERO);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            claimFailure = e;
        }
        boolean completed;
        try {
            completed = SqsCalls.awaitUninterruptibly(deleted);
        } catch (RuntimeException e) {
            if (!next.isEmpty()) {
                giveBack(next);
            }
            throw e;
        } finally {
            leases.forget(done.receipt());
        }
        if (claimFailure != null) {
            throw claimFailure;
        }
        return new CompleteAndNext(completed, next);
    }

    /** Makes claimed jobs visible again at once (best effort: they come back after their lease otherwise). */
    private void giveBack(List<Lease> claimed) {
        claimed.forEach(l -> leases.forget(l.receipt()));
        try {
            calls.changeVisibilityBatch(claimed.stream().map(Lease::receipt).toList(), 0);
        } catch (RuntimeException e) {
            LOG.warn("Queue {}: jobs claimed beside a failed delete come back after their lease", calls.name(), e);
        }
    }

    @Override
    public List<Boolean> completeBatch(List<Lease> batch) {
        checkBatch(batch.size());
        long now = clock.millis();
        List<Boolean> result = new ArrayList<>(batch.size());
        List<String> toCheck = new ArrayList<>();
        for (Lease lease : batch) {
            boolean sure = leases.surelyHeld(lease.receipt(), now);
            result.add(sure);
            if (!sure) {
                toCheck.add(lease.receipt());
            }
        }
        if (!toCheck.isEmpty()) {
            List<Boolean> checked = calls.changeVisibilityBatch(toCheck, CHECK_SECONDS);
            for (int i = 0, c = 0; i < batch.size(); i++) {
                if (!result.get(i)) {
                    result.set(i, checked.get(c++));
                }
            }
        }
        List<String> toDelete = new ArrayList<>();
        for (int i = 0; i < batch.size(); i++) {
            if (result.get(i)) {
                toDelete.add(batch.get(i).receipt());
            }
        }
        List<Boolean> deleted = toDelete.isEmpty() ? List.of() : calls.deleteBatch(toDelete);
        for (int i = 0, d = 0; i < batch.size(); i++) {
            if (result.get(i)) {
                result.set(i, deleted.get(d++));
            }
            leases.forget(batch.get(i).receipt());
        }
        return result;
    }

    @Override
    public boolean release(Lease lease, String newPayload, Duration delay) {
        Objects.requireNonNull(newPayload, "newPayload");
        checkDelay(delay);
        Outgoing next = encode(lease.jobId(), newPayload, generation(lease) + 1, delay, false);
        if (fifo != null) {
            next = next.inFifo(fifo.groupOf(NewJob.of(lease.jobId(), newPayload)),
                    SqsFifo.laterSend(lease.jobId(), generation(lease) + 1));
        }
        return moveTo(calls, lease, next);
    }

    @Override
    public boolean deadLetter(Lease lease, String errorPayload) {
        if (errorQueue == null) {
            throw new UnsupportedOperationException("the error queue " + calls.name() + " does not dead-letter");
        }
        Objects.requireNonNull(errorPayload, "errorPayload");
        Outgoing entry;
        try {
            entry = encode(lease.jobId(), errorPayload, generation(lease) + 1, Duration.ZERO, true);
        } catch (IllegalArgumentException tooLarge) {
            // The job plus its error (a long stack trace) can exceed what SQS stores; the job alone fits.
            LOG.warn("Queue {}: the error entry of job {} is over the message size limit; the job is kept in the "
                    + "error queue without its error ({})", calls.name(), lease.jobId(), tooLarge.getMessage());
            entry = SqsMessages.outgoing(lease.jobId(), lease.payload(), generation(lease) + 1, Duration.ZERO,
                    clock.millis(), true, Integer.MAX_VALUE);
        }
        if (fifo != null) {
            // Each entry in its own message group: an error queue is read whole, never in order.
            entry = entry.inFifo(SqsFifo.firstSend(lease.jobId()), SqsFifo.laterSend(lease.jobId(),
                    generation(lease) + 1));
        }
        return moveTo(errorQueue.calls, lease, entry);
    }

    @Override
    public boolean replayError(String id, String newPayload) {
        if (errorQueue == null) {
            throw new UnsupportedOperationException("the error queue " + calls.name() + " does not replay");
        }
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(newPayload, "newPayload");
        List<Incoming> all = errorQueue.scan.readAll();
        Incoming entry = null;
        List<Incoming> others = new ArrayList<>();
        for (Incoming in : all) {
            if (entry == null && in.jobId().equals(id)) {
                entry = in;
            } else {
                others.add(in);
            }
        }
        errorQueue.scan.show(others);
        if (entry == null) {
            return false;
        }
        Outgoing replayed = encode(id, newPayload, entry.generation() + 1, Duration.ZERO, false);
        if (fifo != null) {
            replayed = replayed.inFifo(fifo.groupOf(NewJob.of(id, newPayload)), SqsFifo.laterSend(id,
                    entry.generation() + 1));
        }
        calls.send(replayed);
        errorQueue.calls.delete(entry.receipt());
        return true;
    }

    @Override
    public List<JobRecord> list(int offset, int limit) {
        if (offset < 0 || limit < 1) {
            throw new IllegalArgumentException("offset must be >= 0 and limit >= 1, were " + offset + ", " + limit);
        }
        return scanner().list(offset, limit);
    }

    @Override
    public Optional<JobRecord> find(String id) {
        return scanner().find(Objects.requireNonNull(id, "id"));
    }

    @Override
    public boolean remove(String id) {
        return scanner().remove(Objects.requireNonNull(id, "id"));
    }

    @Override
    public QueueStats stats() {
        return calls.stats();
    }

    @Override
    public void flush() {
        leases.clear();
        if (debouncer != null) {
            debouncer.flush();
        }
        if (!calls.purge()) {
            // SQS allows one purge per 60 s; the one under way removes what was sent before it began.
            LOG.info("Queue {}: a purge is already under way; it removes the messages sent before it began",
                    calls.name());
        }
    }

    @Override
    public String toString() {
        return "SqsJobQueue[" + calls.name() + "]";
    }

    /** Sends {@code next} to {@code target} and deletes the leased message, if the lease still holds. */
    private boolean moveTo(SqsCalls target, Lease lease, Outgoing next) {
        if (!confirmHeld(lease)) {
            return false;
        }
        target.send(next);
        if (!calls.delete(lease.receipt())) {
            LOG.warn("Queue {}: the lease of job {} was lost while it was moved; the job may run once more",
                    calls.name(), lease.jobId());
        }
        leases.forget(lease.receipt());
        return true;
    }

    /** Whether the lease is current: known here with time to spare, or accepted by a visibility change. */
    private boolean confirmHeld(Lease lease) {
        long now = clock.millis();
        if (leases.surelyHeld(lease.receipt(), now)) {
            return true;
        }
        if (calls.changeVisibility(lease.receipt(), CHECK_SECONDS)) {
            leases.renewed(lease.receipt(), now, CHECK_SECONDS * 1000L);
            return true;
        }
        leases.forget(lease.receipt());
        return false;
    }

    /** Sends a job that came before its due time again, for the rest of its delay (with its debounce key). */
    private void delayAgain(Incoming in, long now) {
        Duration rest = Duration.ofMillis(in.dueMillis() - now);
        calls.send(SqsMessages.outgoing(in.jobId(), in.payload(), in.generation(), rest, now, in.deadLettered(),
                Integer.MAX_VALUE).withDebounceKey(in.debounceKey()));
        calls.delete(in.receipt());
    }

    /** A job's first send; on a FIFO queue, in its message group, deduplicated by its id. */
    private Outgoing first(NewJob job, Outgoing m) {
        if (fifo == null) {
            return m;
        }
        String group = errorQueue == null ? SqsFifo.firstSend(job.id()) : fifo.groupOf(job);
        return m.inFifo(group, SqsFifo.firstSend(job.id()));
    }

    private Outgoing encode(String id, String payload, long generation, Duration delay, boolean deadLettered) {
        checkDelay(delay);
        return SqsMessages.outgoing(id, payload, generation, delay, clock.millis(), deadLettered, maxBodyBytes);
    }

    private ErrorScan scanner() {
        if (scan == null) {
            throw new UnsupportedOperationException("SQS cannot list, find or remove the waiting jobs of "
                    + calls.name() + ": it only hands out the next messages (capabilities().inspection() is false)");
        }
        return scan;
    }

    private static long generation(Lease lease) {
        return lease.fencingToken() >>> 32;
    }

    private static int visibilitySeconds(Duration lease) {
        if (lease.isZero() || lease.isNegative()) {
            throw new IllegalArgumentException("leaseDuration must be positive, was " + lease);
        }
        return (int) Math.min(SqsMessages.ceilSeconds(lease), LeaseTable.MAX_INVISIBLE_MILLIS / 1000);
    }

    private void checkDelay(Duration delay) {
        Duration max = capabilities.maxDelay();
        if (delay.isNegative() || delay.compareTo(max) > 0) {
            throw new IllegalArgumentException("delay must be between 0 and " + max + ", was " + delay
                    + (fifo != null ? " (SQS FIFO queues have no per-message delay)" : ""));
        }
    }

    private static void checkBatch(int size) {
        if (size < 0 || size > MAX_BATCH) {
            throw new IllegalArgumentException("batch size must be between 0 and " + MAX_BATCH + ", was " + size);
        }
    }
}
