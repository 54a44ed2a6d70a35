package dev.actionqueues.micrometer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.actionqueues.deferred.Deferrable;
import dev.actionqueues.deferred.RunOutcome;
import dev.actionqueues.deferred.SagaFailedException;
import dev.actionqueues.deferred.SagaStep;
import dev.actionqueues.deferred.SagaStepOptions;
import dev.actionqueues.deferred.TaskHandle;
import dev.actionqueues.deferred.TaskOptions;
import dev.actionqueues.deferred.memory.InMemoryBackendFactory;
import dev.actionqueues.deferred.spi.Backend;
import dev.actionqueues.retry.Backoff;
import dev.actionqueues.retry.RetryPolicy;
import dev.actionqueues.testkit.FakeTime;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MockClock;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A scripted run on the in-memory backend and fake time (successes, a retry, an error, an expiry, a
 * debounce, two sagas) and then every meter with its exact value.
 */
class DeferrableMetricsTest {

    record Order(String id) {
    }

    private final FakeTime time = new FakeTime();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry(SimpleConfig.DEFAULT, new MockClock());
    private final Backend backend = InMemoryBackendFactory.create(time).createBackendForGroup("shop");
    private final DeferrableMetrics metrics = DeferrableMetrics.builder(backend).clock(time).build();
    private final Deferrable deferrable = Deferrable.builder(backend).clock(time).sleeper(time).hostName("test")
            .listener(metrics).build();

    private double count(String name, String... tags) {
        return registry.get(name).tags(tags).counter().count();
    }

    private Timer timer(String name, String... tags) {
        return registry.get(name).tags(tags).timer();
    }

    private double gauge(String name, String... tags) {
        return registry.get(name).tags(tags).gauge().value();
    }

    private void drain() {
        while (deferrable.runOnce().status() != RunOutcome.Status.EMPTY) {
            // next
        }
    }

    @Test
    void aScriptedRunShowsInEveryMeterWithExactCounts() {
        metrics.bindTo(registry);
        AtomicInteger activeDuringRun = new AtomicInteger(-1);
        TaskHandle<Order> email = deferrable.register("email", Order.class, o -> {
            activeDuringRun.set(registry.get(MeterNames.JOBS_ACTIVE).tags("task", "email").longTaskTimer()
                    .activeTasks());
            time.advance(Duration.ofSeconds(2));
        });
        AtomicInteger flakyRuns = new AtomicInteger();
        TaskHandle<Order> flaky = deferrable.register("flaky", Order.class,
                TaskOptions.builder().backoff(Backoff.constant(Duration.ofSeconds(10))).build(), o -> {
                    if (flakyRuns.incrementAndGet() == 1) {
                        throw new IllegalStateException("first attempt fails");
                    }
                });
        TaskHandle<Order> broken = deferrable.register("broken", Order.class,
                TaskOptions.builder().maxAttempts(1).build(), o -> {
                    throw new IllegalArgumentException("never works");
                });
        TaskHandle<Order> expiring = deferrable.register("expiring", Order.class,
                TaskOptions.builder().ttl(Duration.ofSeconds(5)).build(), o -> { });
        TaskHandle<Order> debounced = deferrable.register("debounced", Order.class,
                TaskOptions.builder().debounce(Duration.ofSeconds(30)).debounceAlwaysDelay(true).build(), o -> { });

        // t=0: four jobs; the first scrape reads the depth.
        email.later(new Order("a"));
        email.later(new Order("b"));
        flaky.later(new Order("c"));
        broken.later(new Order("d"));
        assertThat(gauge(MeterNames.QUEUE_DEPTH, "state", "waiting")).isEqualTo(4);
        assertThat(registry.get(MeterNames.QUEUE_OLDEST_AGE).timeGauge().value(TimeUnit.SECONDS)).isZero();

        // t=1: two emails of 2 s each, then the flaky job fails (retry due at t=15), then broken errs.
        time.advance(Duration.ofSeconds(1));
        assertThat(deferrable.runOnce().status()).isEqualTo(RunOutcome.Status.RAN);
        assertThat(deferrable.runOnce().status()).isEqualTo(RunOutcome.Status.RAN);
        assertThat(deferrable.runOnce().status()).isEqualTo(RunOutcome.Status.RETRIED);
        assertThat(deferrable.runOnce().status()).isEqualTo(RunOutcome.Status.ERRORED);

        // t=5: a job that will expire, and two debounced calls that make one job (due at t=35).
        expiring.later(new Order("e"));
        debounced.later(new Order("f"));
        assertThat(debounced.later(new Order("f")).debounced()).isTrue();

        // t=15: the expiring job is claimed too late, the retry succeeds; t=45: the debounced job runs.
        time.advance(Duration.ofSeconds(10));
        drain();
        time.advance(Duration.ofSeconds(30));
        drain();

        assertThat(count(MeterNames.JOBS_ENQUEUED, "group", "shop", "task", "email", "backend", "memory"))
                .isEqualTo(2);
        assertThat(count(MeterNames.JOBS_ENQUEUED, "task", "flaky")).isEqualTo(1);
        assertThat(count(MeterNames.JOBS_ENQUEUED, "task", "broken")).isEqualTo(1);
        assertThat(count(MeterNames.JOBS_ENQUEUED, "task", "expiring")).isEqualTo(1);
        assertThat(count(MeterNames.JOBS_ENQUEUED, "task", "debounced")).as("the debounced call is no job")
                .isEqualTo(1);

        assertThat(count(MeterNames.JOBS_COMPLETED, "task", "email", "outcome", "success")).isEqualTo(2);
        assertThat(count(MeterNames.JOBS_COMPLETED, "task", "flaky", "outcome", "retry")).isEqualTo(1);
        assertThat(count(MeterNames.JOBS_COMPLETED, "task", "flaky", "outcome", "success")).isEqualTo(1);
        assertThat(count(MeterNames.JOBS_COMPLETED, "task", "broken", "outcome", "error")).isEqualTo(1);
        assertThat(count(MeterNames.JOBS_COMPLETED, "task", "expiring", "outcome", "expired")).isEqualTo(1);
        assertThat(count(MeterNames.JOBS_COMPLETED, "task", "debounced", "outcome", "debounced")).isEqualTo(1);
        assertThat(count(MeterNames.JOBS_COMPLETED, "task", "debounced", "outcome", "success")).isEqualTo(1);
        assertThat(registry.get(MeterNames.JOBS_COMPLETED).counters()).as("no other outcome was counted")
                .hasSize(7);

        Timer emailRuns = timer(MeterNames.JOBS_EXECUTION, "task", "email", "outcome", "success");
        assertThat(emailRuns.count()).isEqualTo(2);
        assertThat(emailRuns.totalTime(TimeUnit.SECONDS)).isEqualTo(4);
        assertThat(timer(MeterNames.JOBS_EXECUTION, "task", "flaky", "outcome", "retry").count()).isEqualTo(1);
        assertThat(timer(MeterNames.JOBS_EXECUTION, "task", "flaky", "outcome", "success").count()).isEqualTo(1);
        assertThat(timer(MeterNames.JOBS_EXECUTION, "task", "broken", "outcome", "error").count()).isEqualTo(1);
        assertThat(registry.find(MeterNames.JOBS_EXECUTION).tags("outcome", "expired").timer())
                .as("an expired job does not run").isNull();

        // Waits: emails pushed at 0, claimed at 1 and 3; flaky claimed at 5, its retry due and claimed at 15;
        // broken claimed at 5; the debounced job pushed at 5 and claimed at 45 (its 30 s window included).
        Timer emailWaits = timer(MeterNames.JOBS_WAIT, "task", "email");
        assertThat(emailWaits.count()).isEqualTo(2);
        assertThat(emailWaits.totalTime(TimeUnit.SECONDS)).isEqualTo(1 + 3);
        Timer flakyWaits = timer(MeterNames.JOBS_WAIT, "task", "flaky");
        assertThat(flakyWaits.count()).isEqualTo(2);
        assertThat(flakyWaits.totalTime(TimeUnit.SECONDS)).isEqualTo(5 + 0);
        assertThat(timer(MeterNames.JOBS_WAIT, "task", "broken").totalTime(TimeUnit.SECONDS)).isEqualTo(5);
        assertThat(timer(MeterNames.JOBS_WAIT, "task", "expiring").totalTime(TimeUnit.SECONDS)).isEqualTo(10);
        assertThat(timer(MeterNames.JOBS_WAIT, "task", "debounced").totalTime(TimeUnit.SECONDS)).isEqualTo(40);

        assertThat(activeDuringRun).as("the email run saw itself active").hasValue(1);
        assertThat(registry.get(MeterNames.JOBS_ACTIVE).longTaskTimers())
                .allSatisfy(t -> assertThat(t.activeTasks()).isZero());

        // t=45: 40 s since the last read, so the gauges read again: only the error queue holds a job.
        assertThat(gauge(MeterNames.QUEUE_DEPTH, "state", "waiting")).isZero();
        assertThat(gauge(MeterNames.QUEUE_DEPTH, "state", "delayed")).isZero();
        assertThat(gauge(MeterNames.QUEUE_DEPTH, "state", "in_flight")).isZero();
        assertThat(gauge(MeterNames.QUEUE_DEPTH, "state", "error")).isEqualTo(1);
        assertThat(count(MeterNames.LEASE_LOST, "group", "shop")).isZero();

        Set<String> names = new TreeSet<>();
        for (Meter m : registry.getMeters()) {
            names.add(m.getId().getName());
            assertThat(m.getId().getTag("group")).isEqualTo("shop");
            assertThat(m.getId().getTags()).as("low-cardinality tags only, no job id")
                    .allMatch(t -> Set.of("group", "task", "backend", "outcome", "state").contains(t.getKey()));
        }
        assertThat(names).containsExactlyInAnyOrder(MeterNames.JOBS_ENQUEUED, MeterNames.JOBS_COMPLETED,
                MeterNames.JOBS_EXECUTION, MeterNames.JOBS_WAIT, MeterNames.JOBS_ACTIVE, MeterNames.QUEUE_DEPTH,
                MeterNames.QUEUE_OLDEST_AGE, MeterNames.LEASE_LOST);
    }

    @Test
    void theDepthIsReadAtMostOncePerRefreshAndTheOldestAgeComesFromThePushTime() {
        metrics.bindTo(registry);
        TaskHandle<Order> t = deferrable.register("t", Order.class, o -> { });
        t.later(new Order("1"));
        assertThat(gauge(MeterNames.QUEUE_DEPTH, "state", "waiting")).isEqualTo(1);

        time.advance(Duration.ofSeconds(3));
        t.later(new Order("2"));
        t.later(new Order("3"), dev.actionqueues.deferred.LaterOptions.delay(Duration.ofMinutes(1)));
        assertThat(gauge(MeterNames.QUEUE_DEPTH, "state", "waiting")).as("3 s after the read: cached").isEqualTo(1);
        assertThat(gauge(MeterNames.QUEUE_DEPTH, "state", "delayed")).isZero();

        time.advance(Duration.ofSeconds(2));
        assertThat(gauge(MeterNames.QUEUE_DEPTH, "state", "waiting")).as("5 s: read again").isEqualTo(2);
        assertThat(gauge(MeterNames.QUEUE_DEPTH, "state", "delayed")).isEqualTo(1);
        assertThat(registry.get(MeterNames.QUEUE_OLDEST_AGE).timeGauge().value(TimeUnit.SECONDS))
                .as("the first job, pushed 5 s ago").isEqualTo(5);
    }

    @Test
    void sagaStatusesAndStepAttemptsAreCountedBySagaAndStep() {
        metrics.bindTo(registry);
        RetryPolicy twice = RetryPolicy.builder().maxAttempts(2).backoff(Backoff.constant(Duration.ofSeconds(1)))
                .build();
        var signUp = deferrable.saga("signup", String.class)
                .step("account", SagaStep.nothing(), SagaStep.nothing())
                .step("payment", (ctx, user) -> {
                    if (user.startsWith("bad")) {
                        throw new IllegalStateException("declined");
                    }
                }, SagaStep.nothing(), SagaStepOptions.builder().executeRetry(twice).build())
                .register();

        signUp.run("ada");
        assertThatThrownBy(() -> signUp.run("bad-bob")).isInstanceOf(SagaFailedException.class);

        assertThat(count(MeterNames.SAGAS_STATUS, "saga", "signup", "status", "RUNNING")).isEqualTo(2);
        assertThat(count(MeterNames.SAGAS_STATUS, "saga", "signup", "status", "SUCCEEDED")).isEqualTo(1);
        assertThat(count(MeterNames.SAGAS_STATUS, "saga", "signup", "status", "COMPENSATING")).isEqualTo(1);
        assertThat(count(MeterNames.SAGAS_STATUS, "saga", "signup", "status", "COMPENSATED")).isEqualTo(1);
        assertThat(count(MeterNames.SAGAS_STEPS, "step", "account", "direction", "execute", "outcome", "success"))
                .isEqualTo(2);
        assertThat(count(MeterNames.SAGAS_STEPS, "step", "payment", "direction", "execute", "outcome", "success"))
                .isEqualTo(1);
        assertThat(count(MeterNames.SAGAS_STEPS, "step", "payment", "direction", "execute", "outcome", "retry"))
                .isEqualTo(1);
        assertThat(count(MeterNames.SAGAS_STEPS, "step", "payment", "direction", "execute", "outcome", "failure"))
                .isEqualTo(1);
        assertThat(count(MeterNames.SAGAS_STEPS, "step", "account", "direction", "compensate", "outcome",
                "success")).isEqualTo(1);
    }

    @Test
    void aJobFinishedAfterItsLeaseWasHandedOnCountsALostLease() {
        metrics.bindTo(registry);
        Deferrable shortLease = Deferrable.builder(backend).clock(time).leaseDuration(Duration.ofSeconds(5))
                .listener(metrics).build();
        shortLease.register("slow", Order.class, o -> {
            time.advance(Duration.ofSeconds(6));
            assertThat(backend.queue().claim(Duration.ofSeconds(5), Duration.ZERO)).as("another consumer")
                    .isPresent();
        }).later(new Order("x"));

        shortLease.runOnce();

        assertThat(count(MeterNames.LEASE_LOST, "group", "shop")).isEqualTo(1);
        assertThat(count(MeterNames.JOBS_COMPLETED, "task", "slow", "outcome", "success")).isEqualTo(1);
    }

    @Test
    void eventsBeforeBindingAreNotCountedAndASecondBindingIsRefused() {
        deferrable.register("early", Order.class, o -> { }).later(new Order("x"));
        metrics.bindTo(registry);

        assertThat(registry.find(MeterNames.JOBS_ENQUEUED).counter()).isNull();
        assertThatThrownBy(() -> metrics.bindTo(new SimpleMeterRegistry())).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void theBackendTagIsNamedByTheBuilderOrAfterTheQueuesPackage() {
        assertThat(DeferrableMetrics.backendNameOf(backend.queue())).isEqualTo("memory");
        DeferrableMetrics named = DeferrableMetrics.builder(backend).backendName("primary").clock(time).build();
        named.bindTo(registry);
        Deferrable d = Deferrable.builder(backend).clock(time).listener(named).build();
        d.register("n", Order.class, o -> { }).later(new Order("x"));

        assertThat(count(MeterNames.JOBS_ENQUEUED, "backend", "primary")).isEqualTo(1);
        assertThatThrownBy(() -> DeferrableMetrics.builder(backend).depthRefresh(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> DeferrableMetrics.builder(backend).backendName(" "))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
