package dev.actionqueues.deferred;

import dev.actionqueues.deferred.spi.CompleteAndNext;
import dev.actionqueues.deferred.spi.Debounce;
import dev.actionqueues.deferred.spi.DebounceResult;
import dev.actionqueues.deferred.spi.JobQueue;
import dev.actionqueues.deferred.spi.JobRecord;
import dev.actionqueues.deferred.spi.Lease;
import dev.actionqueues.deferred.spi.NewJob;
import dev.actionqueues.deferred.spi.QueueCapabilities;
import dev.actionqueues.deferred.spi.QueueStats;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/** A queue decorator for tests: records calls and delays, can fake capabilities and failures. */
final class RecordingQueue implements JobQueue {

    final JobQueue delegate;
    final AtomicInteger pushes = new AtomicInteger();
    final AtomicInteger pushBatches = new AtomicInteger();
    final AtomicInteger claims = new AtomicInteger();
    /** The most jobs one call asked for, by claim or by complete-and-claim. */
    final AtomicInteger largestClaim = new AtomicInteger();
    final AtomicInteger renewals = new AtomicInteger();
    final AtomicInteger renewBatches = new AtomicInteger();
    final List<Duration> releaseDelays = new CopyOnWriteArrayList<>();
    volatile QueueCapabilities capabilities;
    volatile boolean failDebounce;
    /** Every touch answers "lease lost". */
    volatile boolean loseLeases;
    volatile boolean failPushes;
    /** Every release throws, as a backend that is down would. */
    volatile boolean failRelease;
    /** Every claim throws, as a backend that is down would. */
    volatile boolean failClaims;
    /** Every completion (alone, in a batch or with a claim) throws, as a backend that is down would. */
    volatile boolean failCompletions;

    /** While set, every batch completion waits for it to open (counting how many wait at once). */
    volatile CountDownLatch holdCompleteBatches;
    final AtomicInteger completeBatchesNow = new AtomicInteger();
    final AtomicInteger mostCompleteBatchesAtOnce = new AtomicInteger();

    RecordingQueue(JobQueue delegate) {
        this.delegate = delegate;
        this.capabilities = delegate.capabilities();
    }

    @Override
    public QueueCapabilities capabilities() {
        return capabilities;
    }

    @Override
    public void push(NewJob job) {
        pushes.incrementAndGet();
        failIfAsked();
        delegate.push(job);
    }

    @Override
    public boolean pushIfAbsent(NewJob job) {
        pushes.incrementAndGet();
        failIfAsked();
        return delegate.pushIfAbsent(job);
    }

    @Override
    public List<Boolean> pushBatch(List<NewJob> jobs) {
        pushBatches.incrementAndGet();
        failIfAsked();
        return delegate.pushBatch(jobs);
    }

    @Override
    public DebounceResult pushDebounced(NewJob job, Debounce debounce) {
        pushes.incrementAndGet();
        if (failDebounce) {
            throw new BackendException("debounce store down");
        }
        return delegate.pushDebounced(job, debounce);
    }

    @Override
    public List<Lease> claimBatch(int max, Duration leaseDuration, Duration maxWait) throws InterruptedException {
        claims.incrementAndGet();
        largestClaim.accumulateAndGet(max, Math::max);
        if (failClaims) {
            throw new BackendException("claim failed");
        }
        return delegate.claimBatch(max, leaseDuration, maxWait);
    }

    @Override
    public Optional<Lease> renew(Lease lease, Duration leaseDuration) {
        renewals.incrementAndGet();
        return loseLeases ? Optional.empty() : delegate.renew(lease, leaseDuration);
    }

    @Override
    public List<Optional<Lease>> renewBatch(List<Lease> leases, Duration leaseDuration) {
        renewBatches.incrementAndGet();
        return JobQueue.super.renewBatch(leases, leaseDuration);
    }

    @Override
    public boolean complete(Lease lease) {
        failCompletionIfAsked();
        return delegate.complete(lease);
    }

    @Override
    public CompleteAndNext completeAndClaim(Lease done, int max, Duration leaseDuration) {
        largestClaim.accumulateAndGet(max, Math::max);
        failCompletionIfAsked();
        return delegate.completeAndClaim(done, max, leaseDuration);
    }

    @Override
    public List<Boolean> completeBatch(List<Lease> leases) {
        failCompletionIfAsked();
        CountDownLatch hold = holdCompleteBatches;
        if (hold != null) {
            mostCompleteBatchesAtOnce.accumulateAndGet(completeBatchesNow.incrementAndGet(), Math::max);
            try {
                hold.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                completeBatchesNow.decrementAndGet();
            }
        }
        return delegate.completeBatch(leases);
    }

    private void failCompletionIfAsked() {
        if (failCompletions) {
            throw new BackendException("complete failed");
        }
    }

    @Override
    public boolean release(Lease lease, String newPayload, Duration delay) {
        releaseDelays.add(delay);
        if (failRelease) {
            throw new BackendException("release failed");
        }
        return delegate.release(lease, newPayload, delay);
    }

    @Override
    public boolean deadLetter(Lease lease, String errorPayload) {
        return delegate.deadLetter(lease, errorPayload);
    }

    @Override
    public boolean replayError(String id, String newPayload) {
        return delegate.replayError(id, newPayload);
    }

    @Override
    public List<JobRecord> list(int offset, int limit) {
        return delegate.list(offset, limit);
    }

    @Override
    public Optional<JobRecord> find(String id) {
        return delegate.find(id);
    }

    @Override
    public boolean remove(String id) {
        return delegate.remove(id);
    }

    @Override
    public dev.actionqueues.deferred.spi.JobPage browse(dev.actionqueues.deferred.spi.JobState state, String cursor,
            int limit) {
        return delegate.browse(state, cursor, limit);
    }

    @Override
    public boolean runNow(String id) {
        return delegate.runNow(id);
    }

    @Override
    public QueueStats stats() {
        return delegate.stats();
    }

    @Override
    public void flush() {
        delegate.flush();
    }

    private void failIfAsked() {
        if (failPushes) {
            throw new BackendException("push refused by the test");
        }
    }
}
