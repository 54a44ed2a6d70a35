package dev.actionqueues.deferred;

import static org.assertj.core.api.Assertions.assertThat;

import dev.actionqueues.deferred.memory.InMemoryBackendFactory;
import dev.actionqueues.deferred.spi.Lease;
import dev.actionqueues.deferred.spi.NewJob;
import dev.actionqueues.deferred.spi.QueueStats;
import dev.actionqueues.retry.Sleeper;
import dev.actionqueues.testkit.FakeTime;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The prefetch on fake time: the worker's ticker decides when a prefetched job's lease has run
 * out, whatever the backend's clock says (here it stands still, years in the past).
 */
class PrefetchTest {

    private static final Duration LEASE = Duration.ofSeconds(30);

    private final InstantSource backendClock = InstantSource.fixed(Instant.parse("2020-01-01T00:00:00Z"));
    private final RecordingQueue queue = new RecordingQueue(
            InMemoryBackendFactory.create(backendClock).createBackendForGroup("prefetch").queue());
    private final FakeTime time = new FakeTime();
    private final WorkerContext ctx = new WorkerContext(queue, "test", "prefetch", LEASE, Duration.ofSeconds(1),
            Duration.ofSeconds(1), Sleeper.system(), time);
    private final Prefetch prefetch = new Prefetch(ctx, 3);

    private List<Lease> claimInto(int n) throws InterruptedException {
        for (int i = 0; i < n; i++) {
            queue.push(NewJob.of("job-" + i, "p" + i));
        }
        assertThat(prefetch.reserve(10)).isEqualTo(3);
        List<Lease> claimed = queue.claimBatch(n, LEASE, Duration.ZERO);
        prefetch.unreserve(3 - claimed.size());
        prefetch.keep(claimed, time.read());
        return claimed;
    }

    private void advance(Duration d) {
        time.advance(d);
    }

    @Test
    void aPrefetchedJobIsTakenInClaimOrderWhileItsLeaseLastsByTheTicker() throws Exception {
        claimInto(2);
        advance(LEASE.minusNanos(1));

        assertThat(prefetch.take().jobId()).isEqualTo("job-0");
        assertThat(prefetch.take().jobId()).isEqualTo("job-1");
        assertThat(prefetch.take()).isNull();
        assertThat(prefetch.reserved()).isZero();
        assertThat(queue.releaseDelays).isEmpty();
    }

    @Test
    void aPrefetchedJobWhoseLeaseRanOutByTheTickerIsGivenBackInsteadOfRun() throws Exception {
        claimInto(2);
        advance(LEASE);

        assertThat(prefetch.take()).as("both leases ran out by this JVM's time").isNull();
        assertThat(queue.releaseDelays).containsExactly(Duration.ZERO, Duration.ZERO);
        assertThat(queue.stats()).isEqualTo(new QueueStats(2, 0, 0));
        assertThat(prefetch.reserved()).isZero();
    }

    @Test
    void aRenewalMovesTheDeadlineFromTheTickerReadingBeforeIt() throws Exception {
        claimInto(1);
        advance(Duration.ofSeconds(20));
        prefetch.renewAll(new LeaseRenewer(ctx, List.of(), prefetch));
        advance(Duration.ofSeconds(20));

        assertThat(queue.renewals).hasValue(1);
        assertThat(prefetch.take()).as("40 s after the claim, 20 s after the renewal").isNotNull();
    }

    @Test
    void aPrefetchedJobWhoseLeaseWasLostIsDroppedNotGivenBack() throws Exception {
        claimInto(1);
        queue.loseLeases = true;
        prefetch.renewAll(new LeaseRenewer(ctx, List.of(), prefetch));

        assertThat(prefetch.take()).isNull();
        assertThat(queue.releaseDelays).as("left to its new holder").isEmpty();
        assertThat(prefetch.reserved()).isZero();
    }

    @Test
    void roomIsReservedSoThePrefetchNeverHoldsMoreThanItsCapacity() {
        assertThat(prefetch.reserve(10)).isEqualTo(3);
        assertThat(prefetch.reserve(10)).as("all room is taken").isZero();
        prefetch.unreserve(2);
        assertThat(prefetch.reserve(10)).isEqualTo(2);
        prefetch.unreserve(3);
        assertThat(prefetch.reserve(1)).as("no more than one call may claim").isEqualTo(1);
        assertThat(new Prefetch(ctx, 0).enabled()).isFalse();
        assertThat(new Prefetch(ctx, 0).reserve(10)).isZero();
    }

    @Test
    void jobsClaimedOnceTheWorkerIsStoppingAreGivenBackAtOnce() throws Exception {
        ctx.stopping = true;
        claimInto(2);

        assertThat(queue.stats()).isEqualTo(new QueueStats(2, 0, 0));
        assertThat(prefetch.reserved()).isZero();
        assertThat(prefetch.take()).isNull();
    }

    @Test
    void giveBackAllReturnsEveryHeldJobToTheQueue() throws Exception {
        claimInto(3);

        assertThat(prefetch.giveBackAll()).isEqualTo(3);
        assertThat(queue.stats()).isEqualTo(new QueueStats(3, 0, 0));
        assertThat(prefetch.reserved()).isZero();
        assertThat(prefetch.giveBackAll()).isZero();
    }
}
