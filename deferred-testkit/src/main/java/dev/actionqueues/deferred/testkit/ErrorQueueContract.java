package dev.actionqueues.deferred.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.actionqueues.deferred.spi.JobQueue;
import dev.actionqueues.deferred.spi.JobRecord;
import dev.actionqueues.deferred.spi.Lease;
import dev.actionqueues.deferred.spi.NewJob;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The error-queue part of the backend contract: {@link JobQueue#deadLetter} moves a job under its id,
 * {@link JobQueue#replayError} moves it back, and the error queue's entries can be listed, found,
 * removed and purged. Tests that find entries by id skip when the error queue lacks
 * {@link dev.actionqueues.deferred.spi.QueueCapabilities#inspection()}. {@link JobQueueContract}
 * extends it.
 *
 * <p>Not thread-safe (one instance per test, as JUnit makes them).
 */
public abstract class ErrorQueueContract extends BrowseContract {

    // ---- error queue ----

    @Test
    void deadLetterMovesTheJobToTheErrorQueueUnderTheSameId() throws InterruptedException {
        String id = id();
        queue.push(NewJob.of(id, "job"));
        Lease lease = claimNow(LONG_LEASE).orElseThrow();

        assertThat(queue.deadLetter(lease, "job+error")).isTrue();

        assertThat(queue.stats().total()).isZero();
        assertThat(errors.stats().available()).isEqualTo(1);
        if (errors.capabilities().inspection()) {
            assertThat(errors.list(0, 10)).containsExactly(new JobRecord(id, "job+error"));
            assertThat(errors.find(id)).contains(new JobRecord(id, "job+error"));
        }
        assertThat(queue.complete(lease)).isFalse();
    }

    @Test
    void replayErrorMovesAnEntryBackToTheMainQueue() throws InterruptedException {
        assumeTrue(errors.capabilities().inspection(), "the error queue cannot find an entry by id");
        String id = id();
        queue.push(NewJob.of(id, "job"));
        queue.deadLetter(claimNow(LONG_LEASE).orElseThrow(), "job+error");

        assertThat(queue.replayError(id, "job again")).isTrue();
        assertThat(queue.replayError(id, "job again")).isFalse();
        assertThat(queue.replayError(id(), "unknown")).isFalse();

        assertThat(errors.stats().total()).isZero();
        Lease lease = claimNow(LONG_LEASE).orElseThrow();
        assertThat(lease.jobId()).isEqualTo(id);
        assertThat(lease.payload()).isEqualTo("job again");
    }

    @Test
    void errorQueueEntriesCanBeListedFoundRemovedAndPurged() throws InterruptedException {
        assumeTrue(errors.capabilities().inspection(), "the error queue cannot inspect its entries");
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            String id = id();
            ids.add(id);
            queue.push(NewJob.of(id, "job " + i));
            queue.deadLetter(claimNow(LONG_LEASE).orElseThrow(), "error " + i);
        }
        assertThat(errors.list(0, 10)).extracting(JobRecord::id).containsExactlyInAnyOrderElementsOf(ids);
        assertThat(errors.list(1, 10)).hasSize(2);
        assertThat(errors.list(0, 1)).hasSize(1);

        assertThat(errors.remove(ids.get(0))).isTrue();
        assertThat(errors.remove(ids.get(0))).isFalse();
        assertThat(errors.find(ids.get(0))).isEmpty();
        assertThat(errors.stats().available()).isEqualTo(2);

        errors.flush();
        assertThat(errors.stats().total()).isZero();
        assertThat(errors.list(0, 10)).isEmpty();
    }

    @Test
    void theErrorQueueDoesNotDeadLetterOrReplay() throws InterruptedException {
        errors.push(NewJob.of(id(), "x"));
        Lease lease = errors.claim(LONG_LEASE, Duration.ZERO).orElseThrow();
        assertThatThrownBy(() -> errors.deadLetter(lease, "y")).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> errors.replayError("a", "y")).isInstanceOf(UnsupportedOperationException.class);
    }
}
