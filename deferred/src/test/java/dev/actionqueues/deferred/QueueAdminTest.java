package dev.actionqueues.deferred;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.actionqueues.deferred.spi.JobState;
import dev.actionqueues.retry.Backoff;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class QueueAdminTest {

    private final Fixture f = new Fixture();
    private final Deferrable d = f.builder().backoff(Backoff.none()).build();
    private final TaskHandle<String> failing = d.register("failing", String.class,
            TaskOptions.builder().maxAttempts(1).build(), s -> {
                if (s.startsWith("io")) {
                    throw new IOException("disk full for " + s);
                }
                throw new IllegalStateException("bad state " + s);
            });
    private final TaskHandle<String> other = d.register("other", String.class,
            TaskOptions.builder().maxAttempts(1).build(), s -> {
                throw new IllegalArgumentException("nope " + s);
            });

    /** Runs every due job. */
    private void drain() {
        while (d.runOnce().status() != RunOutcome.Status.EMPTY) {
            // next
        }
    }

    @Test
    void theOverviewCountsEachStateAndTheOldestWaitingJobsAge() {
        QueueAdmin admin = d.admin();
        assertThat(admin.overview().oldestWaiting()).isEmpty();
        failing.later("io-1");
        drain();
        failing.later("a");
        f.time.advance(Duration.ofSeconds(5));
        failing.later("b");
        failing.later("c", LaterOptions.delay(Duration.ofMinutes(1)));

        QueueOverview o = admin.overview();

        assertThat(o.group()).isEqualTo("test");
        assertThat(o.waiting()).isEqualTo(2);
        assertThat(o.delayed()).isEqualTo(1);
        assertThat(o.inFlight()).isZero();
        assertThat(o.errors()).isEqualTo(1);
        assertThat(o.oldestWaiting()).contains(Duration.ofSeconds(5));
        assertThat(o.at()).isEqualTo(f.time.instant());
    }

    @Test
    void jobsArePagedByStateWithTheirTaskArgumentsAndAttempts() {
        for (int i = 0; i < 5; i++) {
            failing.later("w" + i);
        }
        LaterResult late = failing.later("later", LaterOptions.delay(Duration.ofHours(1)));
        QueueAdmin admin = d.admin();

        JobViewPage first = admin.jobs(JobState.WAITING, null, 3);
        JobViewPage second = admin.jobs(JobState.WAITING, first.next().orElseThrow(), 3);

        assertThat(first.jobs()).extracting(JobView::arguments).containsExactly("\"w0\"", "\"w1\"", "\"w2\"");
        assertThat(second.jobs()).extracting(JobView::arguments).containsExactly("\"w3\"", "\"w4\"");
        assertThat(second.next()).isEmpty();
        JobView v = first.jobs().get(0);
        assertThat(v.task()).isEqualTo("failing");
        assertThat(v.attempts()).isZero();
        assertThat(v.pushedAt()).isEqualTo(f.time.instant());
        JobView delayed = admin.jobs(JobState.DELAYED, null, 10).jobs().get(0);
        assertThat(delayed.id()).isEqualTo(late.jobId());
        assertThat(delayed.dueAt()).isEqualTo(f.time.instant().plus(Duration.ofHours(1)));
        assertThat(admin.job(late.jobId())).hasValueSatisfying(j -> assertThat(j.arguments()).isEqualTo("\"later\""));
        assertThat(admin.job("no-such-job")).isEmpty();
    }

    @Test
    void runNowAndDeleteChangeOneJobAndAreReportedUnderTheOperatorsName() {
        LaterResult late = failing.later("io-late", LaterOptions.delay(Duration.ofHours(1)));
        LaterResult gone = failing.later("gone");
        QueueAdmin alice = d.admin().actingAs("alice");

        assertThat(alice.deleteJob(gone.jobId())).isTrue();
        assertThat(alice.deleteJob(gone.jobId())).isFalse();
        assertThat(alice.runNow(late.jobId())).isTrue();
        assertThat(alice.runNow(late.jobId())).isFalse();
        drain();

        assertThat(d.stats().errors()).as("the delayed job ran at once").isEqualTo(1);
        assertThat(f.events).filteredOn(e -> e.type() == EventType.OPERATOR)
                .extracting(e -> e.metadata().get("action"), e -> e.metadata().get("operator"))
                .containsExactly(org.assertj.core.groups.Tuple.tuple("delete job", "alice"),
                        org.assertj.core.groups.Tuple.tuple("run now", "alice"));
        assertThat(alice.operator()).isEqualTo("alice");
        assertThat(d.admin().operator()).isEqualTo("unknown");
        assertThatThrownBy(() -> d.admin().actingAs(" ")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void operatorActionsReachTheListeners() {
        LaterResult r = failing.later("io-x");
        drain();
        f.events.clear();

        assertThat(d.admin().actingAs("bob").replay(r.jobId())).isTrue();

        assertThat(f.events).singleElement().satisfies(e -> {
            assertThat(e.type()).isEqualTo(EventType.OPERATOR);
            assertThat(e.jobId()).isEqualTo(r.jobId());
            assertThat(e.metadata()).containsEntry("action", "replay").containsEntry("operator", "bob")
                    .containsEntry("count", 1L);
        });
    }

    @Test
    void theErrorQueueIsFilteredByTaskErrorClassAndText() {
        failing.later("io-1");
        failing.later("state-1");
        other.later("io-2");
        failing.later("io-3");
        drain();
        QueueAdmin admin = d.admin();

        assertThat(ids(admin.errors(new ErrorFilter("failing", null, null), null, 10))).hasSize(3);
        assertThat(ids(admin.errors(new ErrorFilter("failing", "IOException", null), null, 10))).hasSize(2);
        assertThat(ids(admin.errors(new ErrorFilter(null, "java.io.IOException", null), null, 10))).hasSize(2);
        assertThat(ids(admin.errors(new ErrorFilter(null, "OException", null), null, 10))).isEmpty();
        assertThat(ids(admin.errors(new ErrorFilter(null, null, "NOPE"), null, 10))).hasSize(1);
        assertThat(ids(admin.errors(new ErrorFilter(null, null, "io-3"), null, 10))).hasSize(1);
        assertThat(ids(admin.errors(new ErrorFilter(" ", "", null), null, 10))).hasSize(4);

        ErrorPage p1 = admin.errors(new ErrorFilter("failing", null, null), null, 2);
        ErrorPage p2 = admin.errors(new ErrorFilter("failing", null, null), p1.next().orElseThrow(), 2);
        assertThat(p1.entries()).extracting(ErrorEntry::arguments).containsExactly("\"io-1\"", "\"state-1\"");
        assertThat(p2.entries()).extracting(ErrorEntry::arguments).containsExactly("\"io-3\"");
        assertThat(p2.next()).isEmpty();
    }

    @Test
    void bulkActionsApplyToWhatMatchesUpToTheCap() {
        for (int i = 0; i < 5; i++) {
            failing.later("io-" + i);
        }
        other.later("x");
        drain();
        QueueAdmin admin = d.admin();
        ErrorFilter ioErrors = new ErrorFilter(null, "IOException", null);

        BulkResult first = admin.replayMatching(ioErrors, 3);
        assertThat(first).isEqualTo(new BulkResult(3, 3, true));
        assertThat(d.stats().available()).isEqualTo(3);
        BulkResult rest = admin.deleteMatching(ioErrors, 10);
        assertThat(rest).isEqualTo(new BulkResult(2, 10, false));
        assertThat(d.stats().errors()).isEqualTo(1);
        assertThat(admin.purgeErrors()).isEqualTo(1);
        assertThat(d.stats().errors()).isZero();
        assertThatThrownBy(() -> admin.replayMatching(ioErrors, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> admin.replayMatching(ioErrors, QueueAdmin.MAX_BULK + 1))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static List<String> ids(ErrorPage page) {
        return page.entries().stream().map(ErrorEntry::jobId).toList();
    }
}
