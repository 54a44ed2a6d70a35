package dev.actionqueues.deferred.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.actionqueues.deferred.spi.JobPage;
import dev.actionqueues.deferred.spi.JobQueue;
import dev.actionqueues.deferred.spi.JobSnapshot;
import dev.actionqueues.deferred.spi.JobState;
import dev.actionqueues.deferred.spi.Lease;
import dev.actionqueues.deferred.spi.NewJob;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The operators' part of the backend contract: {@link JobQueue#browse} pages through the jobs of
 * each state in order, with cursors that survive jobs coming and going, and
 * {@link JobQueue#runNow} makes a delayed job due. Skipped where the queue lacks
 * {@link dev.actionqueues.deferred.spi.QueueCapabilities#inspection()}. {@link ErrorQueueContract}
 * extends it.
 *
 * <p>Not thread-safe (one instance per test, as JUnit makes them).
 */
public abstract class BrowseContract extends UniqueIdContract {

    /** Skips a browse test on a queue that cannot be inspected (not a {@code @BeforeEach}: the whole contract extends this class). */
    private void needsInspection() {
        assumeTrue(queue.capabilities().inspection(), "the queue cannot be inspected");
    }

    /** Every job of a state, page by page. */
    private List<JobSnapshot> all(JobQueue q, JobState state, int pageSize) {
        List<JobSnapshot> out = new ArrayList<>();
        String cursor = null;
        for (int pages = 0; pages < 1000; pages++) {
            JobPage page = q.browse(state, cursor, pageSize);
            out.addAll(page.jobs());
            if (page.next().isEmpty()) {
                return out;
            }
            assertThat(page.jobs()).hasSize(pageSize);
            cursor = page.next().get();
        }
        throw new AssertionError("more than 1000 pages");
    }

    @Test
    void browsePagesThroughEachStateInOrder() throws InterruptedException {
        needsInspection();
        List<String> waiting = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            waiting.add(id());
            queue.push(NewJob.of(waiting.get(i), "w" + i));
        }
        List<String> delayed = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            delayed.add(id());
            queue.push(new NewJob(delayed.get(i), "d" + i, ticks(100 + i)));
        }
        List<String> inFlight = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            inFlight.add(claimNow(ticks(100 + i)).orElseThrow().jobId());
        }
        List<String> stillWaiting = waiting.subList(3, 7);

        for (int size : new int[] {1, 2, 3, 1000}) {
            List<JobSnapshot> w = all(queue, JobState.WAITING, size);
            List<JobSnapshot> d = all(queue, JobState.DELAYED, size);
            List<JobSnapshot> f = all(queue, JobState.IN_FLIGHT, size);
            if (queue.capabilities().fifo()) {
                assertThat(w).extracting(JobSnapshot::id).containsExactlyElementsOf(stillWaiting);
                assertThat(f).extracting(JobSnapshot::id).containsExactlyElementsOf(inFlight);
            } else {
                assertThat(w).extracting(JobSnapshot::id).containsExactlyInAnyOrderElementsOf(stillWaiting);
                assertThat(f).extracting(JobSnapshot::id).containsExactlyInAnyOrderElementsOf(inFlight);
            }
            assertThat(d).extracting(JobSnapshot::id).containsExactlyElementsOf(delayed);
        }
        JobSnapshot first = queue.browse(JobState.WAITING, null, 1).jobs().get(0);
        assertThat(first.payload()).isEqualTo("w3");
        assertThat(first.state()).isEqualTo(JobState.WAITING);
        assertThat(first.deliveries()).isZero();
        JobSnapshot due = queue.browse(JobState.DELAYED, null, 1).jobs().get(0);
        assertThat(due.payload()).isEqualTo("d0");
        assertThat(due.dueAt()).isNotNull();
        JobSnapshot leased = queue.browse(JobState.IN_FLIGHT, null, 1).jobs().get(0);
        assertThat(leased.leaseExpiresAt()).isNotNull();
        assertThat(leased.deliveries()).isEqualTo(1);
        assertThat(queue.browse(JobState.DELAYED, null, 5).next()).isEmpty();
    }

    @Test
    void aCursorSurvivesClaimsOfTheJobsAlreadyShown() throws InterruptedException {
        needsInspection();
        assumeTrue(queue.capabilities().fifo(), "the queue is not FIFO");
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            ids.add(id());
            queue.push(NewJob.of(ids.get(i), "w" + i));
        }
        JobPage first = queue.browse(JobState.WAITING, null, 2);
        assertThat(first.jobs()).extracting(JobSnapshot::id).containsExactlyElementsOf(ids.subList(0, 2));
        claimNow(LONG_LEASE).orElseThrow();
        queue.push(NewJob.of(id(), "late"));

        JobPage second = queue.browse(JobState.WAITING, first.next().orElseThrow(), 2);

        assertThat(second.jobs()).extracting(JobSnapshot::id).containsExactlyElementsOf(ids.subList(2, 4));
    }

    @Test
    void aReleasedJobIsDelayedWithItsDeliveriesStartingOver() throws InterruptedException {
        needsInspection();
        String id = id();
        queue.push(NewJob.of(id, "x"));
        Lease lease = claimNow(LONG_LEASE).orElseThrow();
        assertThat(queue.release(lease, "x2", ticks(50))).isTrue();

        List<JobSnapshot> d = all(queue, JobState.DELAYED, 10);

        assertThat(d).singleElement().satisfies(j -> {
            assertThat(j.id()).isEqualTo(id);
            assertThat(j.payload()).isEqualTo("x2");
            assertThat(j.deliveries()).isZero();
        });
        assertThat(all(queue, JobState.WAITING, 10)).isEmpty();
        assertThat(all(queue, JobState.IN_FLIGHT, 10)).isEmpty();
    }

    @Test
    void runNowMakesADelayedJobDueAtOnce() throws InterruptedException {
        needsInspection();
        String early = id();
        String late = id();
        queue.push(NewJob.of(early, "early"));
        queue.push(new NewJob(late, "late", ticks(100)));

        assertThat(queue.runNow(late)).isTrue();
        assertThat(queue.runNow(late)).isFalse();
        assertThat(queue.runNow(early)).isFalse();
        assertThat(queue.runNow(id())).isFalse();

        assertThat(queue.stats().delayed()).isZero();
        assertThat(queue.stats().available()).isEqualTo(2);
        Lease first = claimNow(LONG_LEASE).orElseThrow();
        Lease second = claimNow(LONG_LEASE).orElseThrow();
        if (queue.capabilities().fifo()) {
            assertThat(first.jobId()).isEqualTo(early);
        }
        assertThat(List.of(first.jobId(), second.jobId())).containsExactlyInAnyOrder(early, late);
        assertThat(second.deliveries()).isEqualTo(1);
        assertThat(claimNow(LONG_LEASE)).isEmpty();
    }

    @Test
    void browseChecksItsArguments() {
        needsInspection();
        assertThatThrownBy(() -> queue.browse(JobState.WAITING, null, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> queue.browse(JobState.WAITING, null, 1001))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> queue.browse(JobState.WAITING, "not a cursor", 10))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> queue.browse(null, null, 10)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void theErrorQueueCanBeBrowsedToo() throws InterruptedException {
        needsInspection();
        assumeTrue(errors.capabilities().inspection(), "the error queue cannot be inspected");
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            ids.add(id());
            queue.push(NewJob.of(ids.get(i), "e" + i));
            queue.deadLetter(claimNow(LONG_LEASE).orElseThrow(), "failed " + i);
        }

        List<JobSnapshot> all = all(errors, JobState.WAITING, 2);

        assertThat(all).extracting(JobSnapshot::id).containsExactlyElementsOf(ids);
        assertThat(all).extracting(JobSnapshot::payload).startsWith("failed 0");
    }
}
