package dev.actionqueues.deferred;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.actionqueues.ActionRetryException;
import dev.actionqueues.deferred.SagaView.RunStatus;
import dev.actionqueues.deferred.spi.Backend;
import dev.actionqueues.retry.RetryPolicy;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Durable sagas on the in-memory backend and fake time. */
class SagaTest {

    record SignUp(String user) {
    }

    record Account(long number) {
    }

    private final Fixture f = new Fixture();
    private final List<String> effects = new CopyOnWriteArrayList<>();

    /** Step {@code name}: records its execute and compensate with the saga's user. */
    private SagaStep<SignUp> does(String name) {
        return (ctx, args) -> effects.add(name + ":" + args.user());
    }

    private SagaStep<SignUp> undoes(String name) {
        return (ctx, args) -> effects.add("undo " + name + ":" + args.user());
    }

    private static SagaStep<SignUp> fails(String message) {
        return (ctx, args) -> {
            throw new IllegalStateException(message);
        };
    }

    private static final SagaStepOptions NO_RETRY = SagaStepOptions.builder()
            .executeRetry(RetryPolicy.builder().maxAttempts(1).build())
            .compensateRetry(RetryPolicy.builder().maxAttempts(1).build()).build();

    @Test
    void runExecutesEveryStepInOrderAndPassesOutputsAlong() {
        Deferrable d = f.deferrable();
        SagaHandle<SignUp> signUp = d.saga("sign-up", SignUp.class)
                .step("account", (ctx, args) -> {
                    ctx.put("account", new Account(42));
                    effects.add("account:" + ctx.idempotencyKey().substring(ctx.sagaId().length()));
                }, undoes("account"))
                .step("card", (ctx, args) -> effects.add("card for " + ctx.get("account", Account.class).number()),
                        undoes("card"))
                .step("mail", does("mail"), SagaStep.nothing())
                .register();

        SagaView saga = signUp.run(new SignUp("ada"));

        assertThat(saga.status()).isEqualTo(SagaStatus.SUCCEEDED);
        assertThat(effects).containsExactly("account::account:execute", "card for 42", "mail:ada");
        assertThat(saga.steps()).extracting(s -> s.execute().status()).containsOnly(RunStatus.SUCCEEDED);
        assertThat(saga.steps()).extracting(s -> s.compensate().status()).containsOnly(RunStatus.PENDING);
        assertThat(d.sagas().find(saga.id())).contains(saga);
        assertThat(f.events).filteredOn(e -> e.type() == EventType.SAGA_STATUS)
                .extracting(e -> e.metadata().get("status")).containsExactly("RUNNING", "SUCCEEDED");
        assertThat(f.events).filteredOn(e -> e.type() == EventType.SAGA_STEP_SUCCEEDED).hasSize(3);
    }

    @Test
    void aFailedStepIsCompensatedWithEveryStepBeforeItInReverseOrder() {
        Deferrable d = f.deferrable();
        SagaHandle<SignUp> signUp = d.saga("sign-up", SignUp.class)
                .step("account", does("account"), undoes("account"))
                .step("card", does("card"), undoes("card"))
                .step("mail", fails("mail server down"), undoes("mail"), NO_RETRY)
                .register();

        assertThatThrownBy(() -> signUp.run(new SignUp("bob"))).isInstanceOfSatisfying(SagaFailedException.class,
                e -> {
                    assertThat(e.saga().status()).isEqualTo(SagaStatus.COMPENSATED);
                    assertThat(e.saga().error()).contains("step 'mail' failed", "mail server down");
                    assertThat(e.saga().steps().get(2).execute().status()).isEqualTo(RunStatus.FAILED);
                    assertThat(e.saga().steps().get(2).execute().lastError())
                            .isEqualTo("java.lang.IllegalStateException: mail server down");
                });
        assertThat(effects).containsExactly("account:bob", "card:bob", "undo mail:bob", "undo card:bob",
                "undo account:bob");
    }

    @Test
    void actionRetryExceptionRetriesAfterItsBackoffAsInAnActionQueue() {
        Deferrable d = f.deferrable();
        AtomicInteger calls = new AtomicInteger();
        SagaHandle<SignUp> signUp = d.saga("flaky", SignUp.class)
                .step("charge", (ctx, args) -> {
                    effects.add("charge attempt " + ctx.attempt());
                    if (calls.incrementAndGet() < 3) {
                        throw new ActionRetryException(Duration.ofSeconds(30));
                    }
                }, undoes("charge"), NO_RETRY)
                .register();

        SagaView saga = signUp.run(new SignUp("cy"));

        assertThat(saga.status()).isEqualTo(SagaStatus.SUCCEEDED);
        assertThat(effects).containsExactly("charge attempt 1", "charge attempt 2", "charge attempt 3");
        assertThat(f.time.sleeps()).containsExactly(Duration.ofSeconds(30), Duration.ofSeconds(30));
        assertThat(saga.steps().get(0).execute().attempts()).isEqualTo(3);
    }

    @Test
    void aStartedSagaIsRunByTheWorkerAndWaitsOutRetriesWithoutHoldingIt() {
        Deferrable d = f.deferrable();
        AtomicInteger calls = new AtomicInteger();
        SagaHandle<SignUp> signUp = d.saga("background", SignUp.class)
                .step("account", does("account"), undoes("account"))
                .step("charge", (ctx, args) -> {
                    if (calls.incrementAndGet() == 1) {
                        throw new IllegalStateException("card network busy");
                    }
                    effects.add("charged:" + args.user());
                }, undoes("charge"))
                .register();
        String id = signUp.start(new SignUp("dee"));

        assertThat(d.runOnce().status()).isEqualTo(RunOutcome.Status.RAN);
        assertThat(d.sagas().find(id).orElseThrow().steps().get(1).execute().status())
                .isEqualTo(RunStatus.RETRYING);
        assertThat(d.runOnce().status()).isEqualTo(RunOutcome.Status.EMPTY);
        f.time.advance(Duration.ofMinutes(2));
        assertThat(d.runOnce().status()).isEqualTo(RunOutcome.Status.RAN);

        assertThat(d.sagas().find(id).orElseThrow().status()).isEqualTo(SagaStatus.SUCCEEDED);
        assertThat(effects).containsExactly("account:dee", "charged:dee");
        assertThat(d.runOnce().status()).isEqualTo(RunOutcome.Status.EMPTY);
    }

    @Test
    void startingTwiceWithTheSameIdStartsOneSaga() {
        Deferrable d = f.deferrable();
        SagaHandle<SignUp> signUp = d.saga("once", SignUp.class).step("a", does("a"), undoes("a")).register();

        assertThat(signUp.start(new SignUp("eve"), "order-7")).isEqualTo("order-7");
        assertThat(signUp.start(new SignUp("someone else"), "order-7")).isEqualTo("order-7");
        while (d.runOnce().status() != RunOutcome.Status.EMPTY) {
            // runs the saga and the second wake-up, which finds it ended
        }

        assertThat(effects).containsExactly("a:eve");
        assertThat(d.sagas().list(null, 0, 10)).extracting(SagaView::id).containsExactly("order-7");
        assertThatThrownBy(() -> signUp.start(new SignUp("x"), "not an id!")).isInstanceOf(
                IllegalArgumentException.class);
    }

    /**
     * A runner stops during step 2 (here: it hangs, and its lease runs out, as when its JVM died).
     * Another worker resumes from the journal: step 2 is started but not idempotent, so it is
     * compensated with step 1. The first runner's late write is rejected.
     */
    @Test
    void aSagaWhoseRunnerStoppedMidStepIsCompensatedByAnotherWorkerAndTheStaleRunnerIsRejected() throws Exception {
        CountDownLatch inStep = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Deferrable first = f.deferrable();
        Deferrable second = f.deferrable();
        SagaHandle<SignUp> handle = null;
        for (Deferrable d : List.of(first, second)) {
            SagaHandle<SignUp> h = d.saga("crashy", SignUp.class)
                    .step("account", does("account"), undoes("account"))
                    .step("card", (ctx, args) -> {
                        effects.add("card:" + args.user());
                        if (d == first) {
                            inStep.countDown();
                            release.await(30, TimeUnit.SECONDS);
                        }
                    }, undoes("card"))
                    .step("mail", does("mail"), undoes("mail"))
                    .register();
            handle = d == first ? h : handle;
        }
        String id = handle.start(new SignUp("fay"));
        AtomicBoolean firstDone = new AtomicBoolean();
        Thread stuck = Thread.ofVirtual().start(() -> {
            first.runOnce();
            firstDone.set(true);
        });
        assertThat(inStep.await(10, TimeUnit.SECONDS)).isTrue();

        f.time.advance(Duration.ofMinutes(10));
        assertThat(second.runOnce().status()).isEqualTo(RunOutcome.Status.RAN);

        SagaView saga = second.sagas().find(id).orElseThrow();
        assertThat(saga.status()).isEqualTo(SagaStatus.COMPENSATED);
        assertThat(saga.steps().get(1).execute().lastError()).contains("not idempotent");
        assertThat(effects).containsExactly("account:fay", "card:fay", "undo card:fay", "undo account:fay");

        release.countDown();
        stuck.join(Duration.ofSeconds(10));
        assertThat(firstDone).isTrue();
        // The first runner's write after its step was rejected: the journal still says COMPENSATED.
        assertThat(second.sagas().find(id).orElseThrow()).isEqualTo(saga);
        assertThat(effects).doesNotContain("mail:fay");
    }

    @Test
    void anIdempotentStepStartedByAStoppedRunnerIsRunAgainForwards() throws Exception {
        CountDownLatch inStep = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Deferrable first = f.deferrable();
        Deferrable second = f.deferrable();
        SagaStepOptions idempotent = SagaStepOptions.builder().idempotent(true).build();
        SagaHandle<SignUp> handle = null;
        for (Deferrable d : List.of(first, second)) {
            SagaHandle<SignUp> h = d.saga("resumable", SignUp.class)
                    .step("account", does("account"), undoes("account"))
                    .step("card", (ctx, args) -> {
                        effects.add("card attempt " + ctx.attempt());
                        if (d == first) {
                            inStep.countDown();
                            release.await(30, TimeUnit.SECONDS);
                        }
                    }, undoes("card"), idempotent)
                    .register();
            handle = d == first ? h : handle;
        }
        String id = handle.start(new SignUp("fay"));
        Thread stuck = Thread.ofVirtual().start(first::runOnce);
        assertThat(inStep.await(10, TimeUnit.SECONDS)).isTrue();
        f.time.advance(Duration.ofMinutes(10));

        second.runOnce();

        assertThat(second.sagas().find(id).orElseThrow().status()).isEqualTo(SagaStatus.SUCCEEDED);
        assertThat(effects).containsExactly("account:fay", "card attempt 1", "card attempt 2");
        release.countDown();
        stuck.join(Duration.ofSeconds(10));
    }

    @Test
    void twoWorkersRacingForTheSameSagaAdvanceItOnce() throws Exception {
        CountDownLatch inStep = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger runs = new AtomicInteger();
        Deferrable first = f.deferrable();
        Deferrable second = f.deferrable();
        SagaHandle<SignUp> handle = null;
        for (Deferrable d : List.of(first, second)) {
            SagaHandle<SignUp> h = d.saga("raced", SignUp.class)
                    .step("only", (ctx, args) -> {
                        runs.incrementAndGet();
                        inStep.countDown();
                        release.await(30, TimeUnit.SECONDS);
                    }, undoes("only"))
                    .register();
            handle = d == first ? h : handle;
        }
        // Two wake-up jobs for one saga: two workers take one each at the same time.
        handle.start(new SignUp("rex"), "raced-1");
        handle.start(new SignUp("rex"), "raced-1");
        Thread one = Thread.ofVirtual().start(first::runOnce);
        assertThat(inStep.await(10, TimeUnit.SECONDS)).isTrue();

        assertThat(second.runOnce().status()).isEqualTo(RunOutcome.Status.RAN);
        release.countDown();
        one.join(Duration.ofSeconds(10));

        assertThat(runs).hasValue(1);
        assertThat(first.sagas().find("raced-1").orElseThrow().status()).isEqualTo(SagaStatus.SUCCEEDED);
        // The loser scheduled a look once the lease could have run out; it finds the saga ended.
        f.time.advance(Duration.ofMinutes(1));
        assertThat(second.runOnce().status()).isEqualTo(RunOutcome.Status.RAN);
        assertThat(runs).hasValue(1);
    }

    @Test
    void cancellingCompensatesWhatStartedAndEndsCancelled() {
        Deferrable d = f.deferrable();
        SagaHandle<SignUp> signUp = d.saga("cancel-me", SignUp.class)
                .step("account", does("account"), undoes("account"))
                .step("wait", (ctx, args) -> {
                    throw new ActionRetryException(Duration.ofHours(1));
                }, undoes("wait"))
                .step("never", does("never"), undoes("never"))
                .register();
        String id = signUp.start(new SignUp("gus"));
        d.runOnce();
        assertThat(d.sagas().find(id).orElseThrow().status()).isEqualTo(SagaStatus.RUNNING);

        assertThat(d.sagas().cancel(id)).isTrue();
        d.runOnce();

        SagaView saga = d.sagas().find(id).orElseThrow();
        assertThat(saga.status()).isEqualTo(SagaStatus.CANCELLED);
        assertThat(saga.cancelRequested()).isTrue();
        assertThat(effects).containsExactly("account:gus", "undo wait:gus", "undo account:gus");
        assertThat(d.sagas().cancel(id)).isFalse();
        assertThat(d.sagas().cancel("unknown")).isFalse();
    }

    @Test
    void aPassedDeadlineCompensates() {
        Deferrable d = f.deferrable();
        SagaHandle<SignUp> signUp = d.saga("deadline", SignUp.class)
                .step("account", does("account"), undoes("account"))
                .step("slow", (ctx, args) -> {
                    throw new ActionRetryException(Duration.ofMinutes(10));
                }, undoes("slow"))
                .deadline(Duration.ofMinutes(5))
                .register();
        String id = signUp.start(new SignUp("hal"));
        d.runOnce();
        f.time.advance(Duration.ofMinutes(11));
        d.runOnce();

        SagaView saga = d.sagas().find(id).orElseThrow();
        assertThat(saga.status()).isEqualTo(SagaStatus.COMPENSATED);
        assertThat(saga.error()).isEqualTo("its deadline passed");
        assertThat(effects).containsExactly("account:hal", "undo slow:hal", "undo account:hal");
    }

    @Test
    void aCompensationThatFailsLeavesCompensationFailedAfterTheOthersAndCanBeRetried() {
        Deferrable d = f.deferrable();
        AtomicBoolean broken = new AtomicBoolean(true);
        SagaHandle<SignUp> signUp = d.saga("stubborn", SignUp.class)
                .step("account", does("account"), undoes("account"))
                .step("card", does("card"), (ctx, args) -> {
                    if (broken.get()) {
                        throw new IllegalStateException("refund API down");
                    }
                    effects.add("undo card:" + args.user());
                }, NO_RETRY)
                .step("mail", fails("no mail"), undoes("mail"), NO_RETRY)
                .register();

        assertThatThrownBy(() -> signUp.run(new SignUp("ida"))).isInstanceOfSatisfying(SagaFailedException.class,
                e -> assertThat(e.saga().status()).isEqualTo(SagaStatus.COMPENSATION_FAILED));
        assertThat(effects).containsExactly("account:ida", "card:ida", "undo mail:ida", "undo account:ida");
        SagaView failed = d.sagas().list(SagaStatus.COMPENSATION_FAILED, 0, 10).get(0);
        assertThat(failed.error()).contains("compensating step 'card' failed", "refund API down");
        assertThat(failed.steps().get(1).compensate().status()).isEqualTo(RunStatus.FAILED);

        broken.set(false);
        assertThat(d.sagas().retryCompensation(failed.id())).isTrue();
        d.runOnce();

        assertThat(d.sagas().find(failed.id()).orElseThrow().status()).isEqualTo(SagaStatus.COMPENSATED);
        assertThat(effects).endsWith("undo card:ida");
        assertThat(d.sagas().retryCompensation(failed.id())).isFalse();
    }

    @Test
    void aWorkerWhoseDefinitionDiffersRefusesToAdvanceTheSagaAndSaysWhy() {
        Deferrable old = f.deferrable();
        SagaHandle<SignUp> oldHandle = old.saga("evolving", SignUp.class).step("a", does("a"), undoes("a")).step("b", does("b"), undoes("b"))
                .register();
        Deferrable renamed = f.deferrable();
        renamed.saga("evolving", SignUp.class).step("a", does("a"), undoes("a")).step("c", does("c"), undoes("c"))
                .register();
        String id = oldHandle.start(new SignUp("fay"));

        renamed.runOnce();

        SagaView saga = renamed.sagas().find(id).orElseThrow();
        assertThat(saga.status()).isEqualTo(SagaStatus.RUNNING);
        assertThat(saga.error()).contains("has the steps [a, c]", "started with [a, b]");
        assertThat(effects).isEmpty();
        f.time.advance(Duration.ofMinutes(2));
        old.runOnce();
        assertThat(old.sagas().find(id).orElseThrow().status()).isEqualTo(SagaStatus.SUCCEEDED);
    }

    @Test
    void aStepLongerThanItsTimeoutFailsTheAttempt() {
        Deferrable d = f.deferrable();
        CountDownLatch never = new CountDownLatch(1);
        SagaHandle<SignUp> signUp = d.saga("timeout", SignUp.class)
                .step("hang", (ctx, args) -> never.await(), undoes("hang"), SagaStepOptions.builder()
                        .timeout(Duration.ofMillis(100)).executeRetry(RetryPolicy.builder().maxAttempts(1).build())
                        .build())
                .register();

        assertThatThrownBy(() -> signUp.run(new SignUp("jo"))).isInstanceOfSatisfying(SagaFailedException.class,
                e -> assertThat(e.saga().steps().get(0).execute().lastError())
                        .contains("TimeoutException", "took longer than its timeout of PT0.1S"));
        assertThat(effects).containsExactly("undo hang:jo");
    }

    @Test
    void endedSagasAreRemovedAfterTheirRetention() {
        Deferrable d = f.deferrable();
        SagaHandle<SignUp> short1 = d.saga("short", SignUp.class).step("a", does("a"), undoes("a"))
                .retention(Duration.ofHours(1)).register();
        String old = short1.run(new SignUp("kim")).id();
        f.time.advance(Duration.ofHours(2));

        String fresh = short1.run(new SignUp("lee")).id();

        assertThat(d.sagas().find(old)).isEmpty();
        assertThat(d.sagas().find(fresh)).isPresent();
    }

    @Test
    void misuseIsRefusedWithAClearError() {
        Deferrable d = f.deferrable();
        assertThatThrownBy(() -> d.saga("empty", SignUp.class).register()).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("has no step");
        assertThatThrownBy(() -> d.saga("dup", SignUp.class).step("a", does("a"), undoes("a"))
                .step("a", does("a"), undoes("a"))).isInstanceOf(IllegalArgumentException.class);
        d.saga("taken", SignUp.class).step("a", does("a"), undoes("a")).register();
        assertThatThrownBy(() -> d.saga("taken", SignUp.class).step("a", does("a"), undoes("a")).register())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("already registered");
        assertThatThrownBy(() -> d.saga("bad name!", SignUp.class)).isInstanceOf(IllegalArgumentException.class);

        Backend noStore = new Backend("plain", f.memory.queue(), f.memory.errorQueue());
        Deferrable plain = Deferrable.builder(noStore).build();
        assertThatThrownBy(plain::sagas).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("keeps no saga journals");
    }

    @Test
    void outputsAreSizeLimited() {
        Deferrable d = f.deferrable();
        SagaHandle<SignUp> big = d.saga("big", SignUp.class).step("a", (ctx, args) -> {
            ctx.put("small", "ok");
            assertThatThrownBy(() -> ctx.put("huge", "x".repeat(70_000))).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("over the limit");
            effects.add(ctx.get("small", String.class) + "/" + ctx.get("huge", String.class));
        }, undoes("a")).register();

        big.run(new SignUp("max"));

        assertThat(effects).containsExactly("ok/null");
    }
}
