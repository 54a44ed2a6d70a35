package dev.actionqueues.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** When a thread may spin for a reply, and that a spin always ends. No server: the replies are futures. */
class ReplyWaitTest {

    private static final long MS = 1_000_000;

    @Test
    void aPlatformThreadSpinsUntilTheReplyLandsWhichIsTimedWhenItCompletes() throws Exception {
        ReplyWait wait = new ReplyWait(Duration.ofSeconds(5), 1);
        CompletableFuture<String> reply = new CompletableFuture<>();
        long sentAt = System.nanoTime();
        wait.track(reply, sentAt);
        // The reply lands only once the caller spins, as a quick server's would.
        Thread replier = Thread.ofPlatform().start(() -> {
            while (wait.spins() == 0) {
                Thread.onSpinWait();
            }
            reply.complete("OK");
        });
        wait.spin(reply, sentAt);
        replier.join();

        assertThat(reply).isDone();
        assertThat(wait.spins()).isEqualTo(1);
        assertThat(wait.typicalNanos()).isPositive();
    }

    @Test
    void aParkedCallersWakeUpIsNotCountedSoSlowWakeUpsDoNotTurnSpinningOffForGood() {
        ReplyWait wait = new ReplyWait(Duration.ofNanos(100_000), 1);
        wait.replied(MS); // one slow reply lifts the average above the limit: the next waits park
        assertThat(wait.typicalNanos()).isGreaterThan(100_000);
        for (int i = 0; i < 40; i++) {
            // A parked wait whose reply came quickly: timed when it completes, not when the caller woke.
            CompletableFuture<String> reply = new CompletableFuture<>();
            wait.track(reply, System.nanoTime());
            reply.complete("OK");
        }
        assertThat(wait.typicalNanos()).isLessThan(100_000);
        wait.spin(new CompletableFuture<>(), System.nanoTime() - 2 * MS);
        assertThat(wait.spins()).as("spinning resumed").isEqualTo(1);
    }

    @Test
    void aSpinEndsAtItsLimitWhenNoReplyComes() {
        ReplyWait wait = new ReplyWait(Duration.ofMillis(1), 1);
        CompletableFuture<String> never = new CompletableFuture<>();
        // Sent "2 ms ago": the bound is already past, so the spin ends after its first check.
        wait.spin(never, System.nanoTime() - 2 * MS);

        assertThat(wait.spins()).isEqualTo(1);
        assertThat(never).isNotDone();
    }

    @Test
    void aVirtualThreadNeverSpins() throws Exception {
        ReplyWait wait = new ReplyWait(Duration.ofMillis(10), 1);
        Thread.ofVirtual().start(() -> wait.spin(new CompletableFuture<>(), System.nanoTime())).join();

        assertThat(wait.spins()).isZero();
    }

    @Test
    void nothingSpinsWhileRepliesAreSlowerThanTheLimitAndSpinningResumesWhenTheyAreQuickAgain() {
        ReplyWait wait = new ReplyWait(Duration.ofNanos(100_000), 1);
        for (int i = 0; i < 40; i++) {
            wait.replied(2 * MS); // a distant server: 2 ms per reply
        }
        assertThat(wait.typicalNanos()).isGreaterThan(100_000);
        wait.spin(new CompletableFuture<>(), System.nanoTime());
        assertThat(wait.spins()).isZero();

        for (int i = 0; i < 60; i++) {
            wait.replied(50_000); // quick replies again
        }
        assertThat(wait.typicalNanos()).isLessThan(100_000);
        wait.spin(new CompletableFuture<>(), System.nanoTime() - 2 * MS);
        assertThat(wait.spins()).isEqualTo(1);
    }

    @Test
    void atMostTheAllowedNumberOfThreadsSpinAtOnce() throws Exception {
        ReplyWait wait = new ReplyWait(Duration.ofSeconds(5), 1);
        CompletableFuture<String> first = new CompletableFuture<>();
        AtomicLong spinsSeen = new AtomicLong();
        Thread spinner = Thread.ofPlatform().start(() -> wait.spin(first, System.nanoTime()));
        while (wait.spins() == 0) {
            Thread.onSpinWait();
        }
        // The one allowed spinner is busy: a second thread returns at once, without spinning.
        CompletableFuture<String> second = new CompletableFuture<>();
        wait.spin(second, System.nanoTime());
        spinsSeen.set(wait.spins());
        first.complete("OK");
        spinner.join();

        assertThat(spinsSeen.get()).isEqualTo(1);
        assertThat(second).isNotDone();
    }

    @Test
    void aZeroLimitNeverSpinsAndANegativeOneIsRefused() {
        ReplyWait off = ReplyWait.parking();
        off.spin(new CompletableFuture<>(), System.nanoTime());
        assertThat(off.spins()).isZero();

        assertThatThrownBy(() -> new ReplyWait(Duration.ofNanos(-1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RedisBackendFactory.builder().replySpin(Duration.ofMillis(11)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("replySpin");
    }
}
