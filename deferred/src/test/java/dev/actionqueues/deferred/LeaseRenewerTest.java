package dev.actionqueues.deferred;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.actionqueues.deferred.memory.InMemoryBackendFactory;
import dev.actionqueues.deferred.spi.Lease;
import dev.actionqueues.deferred.spi.NewJob;
import dev.actionqueues.retry.Sleeper;
import dev.actionqueues.testkit.FakeTime;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class LeaseRenewerTest {

    private static final Duration LEASE = Duration.ofSeconds(30);

    private final FakeTime time = new FakeTime();
    private final RecordingQueue queue = new RecordingQueue(
            InMemoryBackendFactory.create(time).createBackendForGroup("renew").queue());
    private final WorkerContext ctx = new WorkerContext(queue, "test", "renew", LEASE, Duration.ofSeconds(1),
            Duration.ofSeconds(1), Sleeper.system(), () -> 0L);
    private final LeaseRenewer renewer = new LeaseRenewer(ctx, List.of(), new Prefetch(ctx, 0));

    private Lease claim() throws InterruptedException {
        queue.push(NewJob.of("job", "p"));
        return queue.claim(LEASE, Duration.ZERO).orElseThrow();
    }

    @Test
    void aRenewedLeaseReplacesTheOldOneInPlaceAndRunsOutALeaseDurationFromNow() throws Exception {
        Lease first = claim();
        AtomicReference<Lease> ref = new AtomicReference<>(first);
        time.advance(Duration.ofSeconds(20));

        assertThat(renewer.renew(ref, false)).isTrue();
        assertThat(ref.get().expiresAt()).isEqualTo(time.instant().plus(LEASE));
        assertThat(ref.get().jobId()).isEqualTo(first.jobId());
    }

    @Test
    void aRunningJobWhoseLeaseWasLostKeepsItsLeaseSoItCanStillFinish() throws Exception {
        Lease first = claim();
        AtomicReference<Lease> ref = new AtomicReference<>(first);
        queue.loseLeases = true;

        assertThat(renewer.renew(ref, false)).isFalse();
        assertThat(ref.get()).isSameAs(first);
    }

    @Test
    void aPrefetchedJobWhoseLeaseWasLostIsDropped() throws Exception {
        AtomicReference<Lease> ref = new AtomicReference<>(claim());
        queue.loseLeases = true;

        assertThat(renewer.renew(ref, true)).isFalse();
        assertThat(ref.get()).isNull();
    }

    @Test
    void theLeasesOfRunningAndPrefetchedJobsAreRenewedInOneBatchCall() throws Exception {
        queue.pushBatch(List.of(NewJob.of("a", "p"), NewJob.of("b", "p"), NewJob.of("c", "p")));
        List<Lease> claimed = queue.claimBatch(3, LEASE, Duration.ZERO);
        AtomicReference<Lease> running = new AtomicReference<>(claimed.get(0));
        AtomicReference<Lease> prefetched = new AtomicReference<>(claimed.get(1));
        AtomicReference<Lease> lost = new AtomicReference<>(claimed.get(2));
        queue.complete(claimed.get(2));
        List<LeaseRenewer.Renewal> due = new java.util.ArrayList<>();
        int[] prefetchedRenewed = {0};
        renewer.add(due, running, false, null);
        renewer.add(due, prefetched, true, () -> prefetchedRenewed[0]++);
        renewer.add(due, lost, true, null);
        renewer.add(due, new AtomicReference<>(), false, null);
        time.advance(Duration.ofSeconds(20));

        renewer.renewAll(due);

        assertThat(queue.renewBatches).hasValue(1);
        assertThat(running.get().expiresAt()).isEqualTo(time.instant().plus(LEASE));
        assertThat(prefetched.get().expiresAt()).isEqualTo(time.instant().plus(LEASE));
        assertThat(prefetchedRenewed[0]).isEqualTo(1);
        assertThat(lost.get()).as("a prefetched job whose lease is stale is dropped").isNull();
    }

    @Test
    void nothingHeldNothingRenewed() {
        assertThat(renewer.renew(new AtomicReference<>(), false)).isFalse();
        assertThat(queue.renewals).hasValue(0);
    }

    @Test
    void stopEndsTheRenewerThreadWithoutWaitingForItsInterval() {
        renewer.start();
        assertTimeoutPreemptively(Duration.ofSeconds(5), () -> {
            renewer.stop();
            assertThat(renewer.join(Duration.ofSeconds(5))).isTrue();
        });
        assertThat(queue.renewals).as("the first interval (10 s) never passed").hasValue(0);
    }
}
