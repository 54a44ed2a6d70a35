package dev.actionqueues.deferred;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.actionqueues.deferred.RunOutcome.Status;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The handler's view of its job, and what a backend without transactions says to transactional calls. */
class JobContextTest {

    record Ping(int n) {
    }

    private final Fixture f = new Fixture();

    /** A connection nobody may use: the in-memory backend must refuse before touching it. */
    private static final Connection UNUSABLE = (Connection) Proxy.newProxyInstance(
            JobContextTest.class.getClassLoader(), new Class<?>[] {Connection.class}, (proxy, method, args) -> {
                throw new AssertionError("the connection was used: " + method.getName());
            });

    @Test
    void theHandlerSeesItsJobAndAttemptAndNothingOutsideIt() {
        Deferrable d = f.deferrable();
        List<String> seen = new ArrayList<>();
        TaskHandle<Ping> ping = d.register("ping", Ping.class, p -> {
            JobContext job = JobContext.current().orElseThrow();
            seen.add(job.task() + "/" + job.group() + "/" + job.attempt() + "/" + job.jobId());
            if (job.attempt() == 1) {
                throw new IllegalStateException("first attempt fails");
            }
        });
        String id = ping.later(new Ping(1)).jobId();

        assertThat(d.runOnce().status()).isEqualTo(Status.RETRIED);
        f.time.advance(java.time.Duration.ofHours(1));
        assertThat(d.runOnce().status()).isEqualTo(Status.RAN);

        assertThat(seen).containsExactly("ping/test/1/" + id, "ping/test/2/" + id);
        assertThat(JobContext.current()).isEmpty();
    }

    @Test
    void completingInATransactionOnABackendThatCannotFailsTheAttemptWithAClearError() {
        Deferrable d = f.deferrable();
        List<Throwable> errors = new ArrayList<>();
        d.register("ping", Ping.class, p -> {
            try {
                JobContext.current().orElseThrow().completeInTransaction(UNUSABLE);
            } catch (IllegalStateException e) {
                errors.add(e);
            }
        }).later(new Ping(1));

        assertThat(d.runOnce().status()).isEqualTo(Status.RAN);
        assertThat(errors).singleElement().extracting(Throwable::getMessage).asString()
                .contains("cannot complete a job in a caller's transaction");
    }

    @Test
    void enqueueingInATransactionOnABackendThatCannotIsRefusedAtTheCall() {
        TaskHandle<Ping> ping = f.deferrable().register("ping", Ping.class, p -> { });
        assertThatThrownBy(() -> ping.inTransaction(UNUSABLE)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("cannot join a caller's transaction");
        assertThatThrownBy(() -> ping.inTransaction(null)).isInstanceOf(NullPointerException.class);
    }
}
