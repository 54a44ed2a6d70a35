package dev.actionqueues.micrometer;

import dev.actionqueues.deferred.DeferrableListener;
import dev.actionqueues.deferred.JobEvent;
import dev.actionqueues.deferred.spi.Backend;
import dev.actionqueues.deferred.spi.JobQueue;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.LongTaskTimer;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.TimeGauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Micrometer meters for one group's deferred jobs and durable sagas, fed by the Deferrable's events:
 * add this object as a {@code DeferrableListener} of the Deferrable and {@link #bindTo bind} it to
 * a registry. Meters (see {@link MeterNames}; every one tagged {@code group}, plus the builder's
 * tags):
 * <ul>
 * <li>{@code actionqueues.jobs.enqueued} (counter; {@code task}, {@code backend}): each job pushed by
 * {@code later}, debounced pushes included, retries not;</li>
 * <li>{@code actionqueues.jobs.completed} (counter; {@code task}, {@code outcome}): each claimed job
 * once done with, {@code success}, {@code retry}, {@code error} or {@code expired}, and each
 * {@code later} call debounced into a waiting job, {@code debounced};</li>
 * <li>{@code actionqueues.jobs.execution} (timer; {@code task}, {@code outcome}): claim to completion
 * of the runs that executed or failed ({@code success}, {@code retry}, {@code error}; an expired job
 * does not run);</li>
 * <li>{@code actionqueues.jobs.wait} (timer; {@code task}): from the job's enqueue time, or a retry's
 * due time, to its claim. The producer's clock sets the enqueue time and this object's clock reads
 * the claim, so clock skew between machines shows in it; a delay given to {@code later} is counted
 * as waiting;</li>
 * <li>{@code actionqueues.jobs.active} (long task timer; {@code task}): jobs running now in this
 * process;</li>
 * <li>{@code actionqueues.queue.depth} (gauge; {@code state} = {@code waiting}, {@code delayed},
 * {@code in_flight}, {@code error}): read from the backend on the first scrape, then at most once
 * per {@link Builder#depthRefresh(Duration) refresh interval}, never once per scrape (NaN until a
 * read succeeds);</li>
 * <li>{@code actionqueues.queue.oldest.age} (time gauge): the age of the next job to be claimed,
 * from its push time, read with the depth; 0 when nothing waits. Registered only for backends that
 * can list their jobs ({@code QueueCapabilities.inspection()}; not SQS);</li>
 * <li>{@code actionqueues.lease.lost} (counter): jobs whose lease was found handed to another
 * consumer while finishing them (they may run twice);</li>
 * <li>{@code actionqueues.sagas.status} (counter; {@code saga}, {@code status}): each status a durable
 * saga took: {@code RUNNING} once per saga started, then {@code SUCCEEDED}, {@code COMPENSATING},
 * {@code COMPENSATED}, {@code COMPENSATION_FAILED} or {@code CANCELLED};</li>
 * <li>{@code actionqueues.sagas.steps} (counter; {@code saga}, {@code step}, {@code direction},
 * {@code outcome} = {@code success}, {@code retry}, {@code failure}): each attempt of a step's execute
 * or compensate.</li>
 * </ul>
 * A job whose payload did not parse is tagged {@code task=unknown}. Events that arrive before
 * {@link #bindTo} are not counted. A run cut short by an interrupt or a JVM error reports no
 * completion: it stays in {@code actionqueues.jobs.active} until the same job is claimed again here.
 *
 * <p>Thread-safe.
 */
public final class DeferrableMetrics implements DeferrableListener, MeterBinder {

    /** How often the queue-depth gauges read the backend at most, unless the builder says otherwise. */
    public static final Duration DEFAULT_DEPTH_REFRESH = Duration.ofSeconds(5);
    /** The {@code task} tag of a job whose payload did not parse. */
    static final String UNKNOWN_TASK = "unknown";

    /** How a run ended, as the {@code outcome} tag says it. */
    private enum Outcome {
        SUCCESS, RETRY, ERROR, EXPIRED, DEBOUNCED;

        final String tag = name().toLowerCase(Locale.ROOT);
    }

    /** A job claimed here and not yet completed. */
    private static final class Run {
        final Instant start;
        final LongTaskTimer.Sample active;
        volatile Outcome outcome = Outcome.SUCCESS;

        Run(Instant start, LongTaskTimer.Sample active) {
            this.start = start;
            this.active = active;
        }
    }

    private final String backendName;
    private final Tags tags;
    private final InstantSource clock;
    private final QueueDepth depth;
    private final AtomicReference<MeterRegistry> registry = new AtomicReference<>();
    private final ConcurrentHashMap<List<String>, Object> meters = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Run> running = new ConcurrentHashMap<>();

    private DeferrableMetrics(Builder b) {
        this.backendName = b.backendName != null ? b.backendName : backendNameOf(b.backend.queue());
        this.tags = Tags.of("group", b.backend.group()).and(b.tags);
        this.clock = b.clock;
        this.depth = new QueueDepth(b.backend.group(), b.backend.queue(), b.backend.errorQueue(), b.clock,
                b.depthRefresh);
    }

    /**
     * Returns a builder for the meters of {@code backend}'s group.
     *
     * @param backend the backend the Deferrable uses: its group names the meters, its queues give
     *     the depth
     * @return the builder
     * @throws NullPointerException if {@code backend} is null
     */
    public static Builder builder(Backend backend) {
        return new Builder(backend);
    }

    /**
     * Registers the gauges and starts counting events into {@code registry}. Bind once; for several
     * registries, bind to a {@code CompositeMeterRegistry}.
     *
     * @param registry the registry
     * @throws NullPointerException if {@code registry} is null
     * @throws IllegalStateException if this object is already bound
     */
    @Override
    public void bindTo(MeterRegistry registry) {
        Objects.requireNonNull(registry, "registry");
        if (!this.registry.compareAndSet(null, registry)) {
            throw new IllegalStateException("already bound to a registry; bind a CompositeMeterRegistry for several");
        }
        for (QueueDepth.State state : QueueDepth.State.values()) {
            Gauge.builder(MeterNames.QUEUE_DEPTH, depth, d -> d.get(state)).tags(tags).tag("state", state.tag)
                    .description("Jobs of the group in this state, read from the backend every few seconds")
                    .strongReference(true).register(registry);
        }
        if (depth.canTellOldest()) {
            TimeGauge.builder(MeterNames.QUEUE_OLDEST_AGE, depth, TimeUnit.MILLISECONDS, QueueDepth::oldestAgeMillis)
                    .tags(tags).description("Age of the next job to be claimed, from its push time")
                    .strongReference(true).register(registry);
        }
        Counter.builder(MeterNames.LEASE_LOST).tags(tags)
                .description("Jobs found handed to another consumer while being finished").register(registry);
    }

    /**
     * Counts one event; called by the Deferrable.
     *
     * @param event the event
     */
    @Override
    public void onEvent(JobEvent event) {
        MeterRegistry r = registry.get();
        if (r == null) {
            return;
        }
        String task = event.task() == null ? UNKNOWN_TASK : event.task();
        switch (event.type()) {
            case PUSH -> counter(r, MeterNames.JOBS_ENQUEUED, "task", task, "backend", backendName).increment();
            case DEBOUNCE_HIT -> completed(r, task, Outcome.DEBOUNCED);
            case POP -> popped(r, event, task);
            case EXPIRE -> mark(event, Outcome.EXPIRED);
            case RETRY -> mark(event, Outcome.RETRY);
            case ERROR -> mark(event, Outcome.ERROR);
            case COMPLETE -> finished(r, event, task);
            case LEASE_LOST -> counter(r, MeterNames.LEASE_LOST).increment();
            case SAGA_STATUS -> counter(r, MeterNames.SAGAS_STATUS, "saga", task, "status",
                    detail(event.metadata(), "status")).increment();
            case SAGA_STEP_SUCCEEDED -> step(r, event, task, "success");
            case SAGA_STEP_FAILED -> step(r, event, task, event.delay().isZero() ? "failure" : "retry");
            default -> {
                // EMPTY, DEBOUNCE_MISS (a PUSH follows), DEBOUNCE_ERROR (a PUSH follows), SAGA_STEP_STARTED
            }
        }
    }

    private void popped(MeterRegistry r, JobEvent event, String task) {
        Instant now = clock.instant();
        if (event.enqueuedAt() != null) {
            Duration waited = Duration.between(event.enqueuedAt(), now);
            timer(r, MeterNames.JOBS_WAIT, "task", task).record(waited.isNegative() ? Duration.ZERO : waited);
        }
        LongTaskTimer.Sample sample = longTaskTimer(r, task).start();
        Run previous = running.put(event.jobId(), new Run(now, sample));
        if (previous != null) {
            // Claimed again here: the earlier run was given back without completing.
            previous.active.stop();
        }
    }

    private void mark(JobEvent event, Outcome outcome) {
        Run run = running.get(event.jobId());
        if (run != null) {
            run.outcome = outcome;
        }
    }

    private void finished(MeterRegistry r, JobEvent event, String task) {
        Run run = running.remove(event.jobId());
        if (run == null) {
            return;
        }
        run.active.stop();
        completed(r, task, run.outcome);
        if (run.outcome != Outcome.EXPIRED) {
            Duration took = Duration.between(run.start, clock.instant());
            timer(r, MeterNames.JOBS_EXECUTION, "task", task, "outcome", run.outcome.tag)
                    .record(took.isNegative() ? Duration.ZERO : took);
        }
    }

    private void completed(MeterRegistry r, String task, Outcome outcome) {
        counter(r, MeterNames.JOBS_COMPLETED, "task", task, "outcome", outcome.tag).increment();
    }

    private void step(MeterRegistry r, JobEvent event, String saga, String outcome) {
        Map<String, Object> md = event.metadata();
        counter(r, MeterNames.SAGAS_STEPS, "saga", saga, "step", detail(md, "step"), "direction",
                detail(md, "direction").toLowerCase(Locale.ROOT), "outcome", outcome).increment();
    }

    private static String detail(Map<String, Object> metadata, String key) {
        Object value = metadata.get(key);
        return value == null ? UNKNOWN_TASK : value.toString();
    }

    private Counter counter(MeterRegistry r, String name, String... keyValues) {
        return (Counter) meters.computeIfAbsent(key(name, keyValues),
                k -> Counter.builder(name).tags(tags).tags(keyValues).register(r));
    }

    private Timer timer(MeterRegistry r, String name, String... keyValues) {
        return (Timer) meters.computeIfAbsent(key(name, keyValues),
                k -> Timer.builder(name).tags(tags).tags(keyValues).register(r));
    }

    private LongTaskTimer longTaskTimer(MeterRegistry r, String task) {
        return (LongTaskTimer) meters.computeIfAbsent(key(MeterNames.JOBS_ACTIVE, "task", task),
                k -> LongTaskTimer.builder(MeterNames.JOBS_ACTIVE).tags(tags).tag("task", task).register(r));
    }

    private static List<String> key(String name, String... keyValues) {
        String[] all = new String[keyValues.length + 1];
        all[0] = name;
        System.arraycopy(keyValues, 0, all, 1, keyValues.length);
        return List.of(all);
    }

    /** The last segment of the queue's package: memory, redis, jdbc, sqs for the bundled backends. */
    static String backendNameOf(JobQueue queue) {
        String pkg = queue.getClass().getPackageName();
        return pkg.substring(pkg.lastIndexOf('.') + 1);
    }

    @Override
    public String toString() {
        return "DeferrableMetrics" + tags;
    }

    /**
     * Builds a {@link DeferrableMetrics}. Each setter validates its argument; {@link #build()}
     * copies, so a builder can be reused. Not thread-safe.
     */
    public static final class Builder {
        private final Backend backend;
        private String backendName;
        private InstantSource clock = InstantSource.system();
        private Duration depthRefresh = DEFAULT_DEPTH_REFRESH;
        private Tags tags = Tags.empty();

        private Builder(Backend backend) {
            this.backend = Objects.requireNonNull(backend, "backend");
        }

        /**
         * Sets the {@code backend} tag of {@code actionqueues.jobs.enqueued}. Default: the last part
         * of the queue class's package ({@code memory}, {@code redis}, {@code jdbc}, {@code sqs}).
         *
         * @param backendName the name, not blank
         * @return this builder
         * @throws NullPointerException if {@code backendName} is null
         * @throws IllegalArgumentException if it is blank
         */
        public Builder backendName(String backendName) {
            Objects.requireNonNull(backendName, "backendName");
            if (backendName.isBlank()) {
                throw new IllegalArgumentException("backendName must not be blank");
            }
            this.backendName = backendName;
            return this;
        }

        /**
         * Sets the clock that times waits and runs and paces the depth reads; the Deferrable's own
         * clock in tests. Default: the system clock.
         *
         * @param clock the clock
         * @return this builder
         * @throws NullPointerException if {@code clock} is null
         */
        public Builder clock(InstantSource clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * Sets how often at most the depth gauges read the backend.
         *
         * @param depthRefresh positive; default {@link #DEFAULT_DEPTH_REFRESH}
         * @return this builder
         * @throws NullPointerException if {@code depthRefresh} is null
         * @throws IllegalArgumentException if it is not positive
         */
        public Builder depthRefresh(Duration depthRefresh) {
            Objects.requireNonNull(depthRefresh, "depthRefresh");
            if (depthRefresh.isZero() || depthRefresh.isNegative()) {
                throw new IllegalArgumentException("depthRefresh must be positive, was " + depthRefresh);
            }
            this.depthRefresh = depthRefresh;
            return this;
        }

        /**
         * Adds tags to every meter, e.g. the service's name. Keep them low-cardinality.
         *
         * @param tags the tags
         * @return this builder
         * @throws NullPointerException if {@code tags} is null
         */
        public Builder tags(Iterable<Tag> tags) {
            this.tags = this.tags.and(Objects.requireNonNull(tags, "tags"));
            return this;
        }

        /**
         * Creates the meters' binder; nothing is registered until {@link DeferrableMetrics#bindTo}.
         *
         * @return the binder
         */
        public DeferrableMetrics build() {
            return new DeferrableMetrics(this);
        }
    }
}
