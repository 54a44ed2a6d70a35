package dev.actionqueues.deferred;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.actionqueues.deferred.spi.Backend;
import dev.actionqueues.deferred.spi.JobQueue;
import dev.actionqueues.deferred.spi.Lease;
import dev.actionqueues.deferred.spi.QueueStats;
import dev.actionqueues.deferred.spi.WorkerRecord;
import dev.actionqueues.retry.Backoff;
import dev.actionqueues.retry.Sleeper;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Calls tasks later, through the queues of a {@link Backend}: the producer side
 * ({@link #register} a task, then {@link TaskHandle#later}) and the consumer side
 * ({@link #runOnce()}, or a {@link Worker}).
 *
 * <p>A task is registered under a stable name with a typed handler; its arguments travel as JSON
 * (Jackson) and the consumer finds the handler by name, so no class name is ever taken from a
 * payload and nothing uses Java serialisation. A consumer must register the tasks it runs; a job of
 * an unknown task, a payload that does not parse or arguments that do not fit the handler's type
 * go to the error queue with a reason.
 *
 * <p>Delivery is at-least-once: a job may run more than once (a lease that ran out, a crash
 * between running and completing), so handlers should be idempotent. A job that fails with one of
 * its task's retried exception classes runs again after the task's {@link Backoff}, up to
 * {@code maxAttempts} executions in all, without holding a thread while it waits; any other
 * exception, or the last failure, sends it to the error queue. A job claimed more than its TTL after
 * {@code later} is completed without running. Each step reports a {@link JobEvent} to the
 * listeners (see {@link EventType} for their order). The error queue is administered through
 * {@link #errors()}.
 *
 * <p>The work is done by package-private collaborators, one duty each: the task registry, the
 * producer, the runner (one claimed job to its end) and the event and metadata fan-out.
 *
 * <p>Thread-safe: producers may call {@code later} and consumers {@code runOnce} from any number
 * of threads; tasks may be registered at any time.
 */
public final class Deferrable {

    /** Executions allowed per job, counting the first, unless the task says otherwise. */
    public static final int DEFAULT_MAX_ATTEMPTS = 5;
    /** The largest encoded job, in UTF-8 bytes, unless the builder says otherwise: 256 KiB. */
    public static final int DEFAULT_MAX_PAYLOAD_BYTES = 256 * 1024;
    /** The lease {@link #runOnce()} takes on a job: long, since nothing renews it. */
    public static final Duration DEFAULT_RUN_ONCE_LEASE_DURATION = Duration.ofMinutes(5);
    /** The default retry backoff: {@code min(2 + 2^failures, 900)} seconds, so 4, 6, 10, 18, …, 900. */
    public static final Backoff DEFAULT_BACKOFF = DefaultBackoff.INSTANCE;

    private final Backend backend;
    private final JobQueue queue;
    private final Duration leaseDuration;
    private final TaskRegistry tasks;
    private final JobEvents events;
    private final JobProducer producer;
    private final JobRunner runner;
    private final ErrorQueue errors;
    private final QueueAdmin admin;
    private final Codec codec;
    private final InstantSource clock;
    private final Sleeper sleeper;
    private volatile Sagas sagas;

    private Deferrable(Builder b) {
        this.backend = b.backend;
        this.queue = b.backend.queue();
        this.leaseDuration = b.leaseDuration;
        Codec codec = new Codec(Codec.argumentsMapper(b.mapper));
        this.codec = codec;
        this.clock = b.clock;
        this.sleeper = b.sleeper;
        String group = backend.group();
        this.tasks = new TaskRegistry(group, queue.capabilities(), codec, b.retryOn, b.maxAttempts, b.backoff);
        this.events = new JobEvents(b.listeners, List.copyOf(b.metadata.values()), codec);
        this.producer = new JobProducer(queue, group, codec, events, b.clock, b.maxPayloadBytes);
        String fixedHost = b.hostName;
        Supplier<String> host = fixedHost != null ? () -> fixedHost : new LocalHost();
        this.runner = new JobRunner(queue, group, tasks, codec, events, b.clock, host);
        this.errors = new ErrorQueue(queue, backend.errorQueue(), codec, b.clock);
        this.admin = new QueueAdmin(group, queue, errors, backend.workerRegistry(), codec, events, b.clock, "unknown");
    }

    /**
     * Returns a builder for a Deferrable over {@code backend}.
     *
     * @param backend the queues to use
     * @return the builder
     * @throws NullPointerException if {@code backend} is null
     */
    public static Builder builder(Backend backend) {
        return new Builder(backend);
    }

    /** Returns the backend this Deferrable pushes to and claims from. */
    Backend backend() {
        return backend;
    }

    /** Returns the runner that takes a claimed job to its end, for the {@link Worker}. */
    JobRunner runner() {
        return runner;
    }

    /** Registers a task to run: {@code register(TaskDescriptor.of(name, type), handler)}. */
    public <A> TaskHandle<A> register(String name, Class<A> type, TaskHandler<A> handler) {
        return register(TaskDescriptor.of(name, type), handler);
    }

    /** Registers a task to run: {@code register(TaskDescriptor.of(name, type).withOptions(options), handler)}. */
    public <A> TaskHandle<A> register(String name, Class<A> type, TaskOptions options, TaskHandler<A> handler) {
        return register(TaskDescriptor.of(name, type).withOptions(options), handler);
    }

    /**
     * Registers a task to run: this Deferrable's {@link #runOnce()} and workers run its jobs with
     * {@code handler}, retried as its options say.
     *
     * @param task the task
     * @param handler the code to run
     * @param <A> the arguments' type
     * @return a handle to enqueue jobs of the task
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if a task of that name is already registered, the arguments'
     *     type cannot be read from JSON (an interface or abstract class without type information),
     *     the options ask for debouncing and the backend cannot debounce, or a fixed delay or
     *     debounce window is longer than the backend can hold
     */
    public <A> TaskHandle<A> register(TaskDescriptor<A> task, TaskHandler<A> handler) {
        return new TaskHandle<>(producer, tasks.register(task, handler));
    }

    /**
     * Returns a handle to enqueue jobs of a task that other processes run: nothing is registered
     * here, so this Deferrable does not run its jobs. The handle reads the producer's options (delay,
     * TTL, debouncing); the consumers' registration decides the retries.
     *
     * @param task the task
     * @param <A> the arguments' type
     * @return the handle
     * @throws NullPointerException if {@code task} is null
     * @throws IllegalArgumentException as for {@link #register(TaskDescriptor, TaskHandler)}, but a
     *     name registered here too is fine
     */
    public <A> TaskHandle<A> task(TaskDescriptor<A> task) {
        return new TaskHandle<>(producer, tasks.declare(task));
    }

    /**
     * Claims one available job, if any, and runs it on the calling thread: completes it, retries it
     * or sends it to the error queue, and says which. Does not wait for a job to become available.
     * The job is leased for {@link Builder#leaseDuration(Duration)} and the lease is not renewed.
     *
     * <p>If the backend fails while finishing the job, the exception propagates and the job stays
     * leased until its lease runs out, then runs again. If the thread is interrupted, the job is
     * given back and {@link RunOutcome.Status#RELEASED} returned with the interrupt flag set. An
     * {@code Error} from the handler fails the attempt like an exception, except a
     * {@link VirtualMachineError} other than {@link StackOverflowError}: the job is given back (no
     * attempt counted) and the error rethrown.
     *
     * @return what happened
     * @throws BackendException if the backend failed
     */
    public RunOutcome runOnce() {
        Optional<Lease> lease;
        try {
            lease = queue.claim(leaseDuration, Duration.ZERO);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return RunOutcome.EMPTY;
        }
        if (lease.isEmpty()) {
            events.emit(EventType.EMPTY, null, null, 0, Duration.ZERO, Map.of(), null);
            return RunOutcome.EMPTY;
        }
        return runner.run(lease.get(), JobRunner.Completion.HERE).outcome();
    }

    /**
     * Defines a durable saga: a named sequence of steps, each with an execute and a compensate,
     * whose progress is journaled on the backend, so that any worker of this group runs it and a
     * crashed worker's saga is resumed by another one, forwards or backwards. Add the steps, then
     * {@link SagaBuilder#register()}; every process that runs the saga registers it the same way.
     *
     * @param name the saga's stable name: 1 to 100 of {@code A-Z a-z 0-9 _ . : -}
     * @param argsType the type of its arguments (JSON, through this Deferrable's mapper)
     * @param <A> the type of its arguments
     * @return the builder
     * @throws IllegalStateException if the backend keeps no saga journals
     * @throws IllegalArgumentException if the name is malformed, or {@code argsType} cannot be read
     *     from JSON
     */
    public <A> SagaBuilder<A> saga(String name, Class<A> argsType) {
        Objects.requireNonNull(argsType, "argsType");
        Sagas s = sagas();
        com.fasterxml.jackson.databind.JavaType type = s.type(argsType);
        ArgumentTypes.checkDeserializable(codec.mapper(), type, name);
        return new SagaBuilder<>(s, name, type);
    }

    /**
     * Returns the durable sagas of this Deferrable's group: to find, list, cancel, or retry the
     * compensation of one.
     *
     * @return the sagas
     * @throws IllegalStateException if the backend keeps no saga journals
     */
    public Sagas sagas() {
        Sagas s = sagas;
        if (s == null) {
            synchronized (this) {
                s = sagas;
                if (s == null) {
                    if (backend.sagaStore() == null) {
                        throw new IllegalStateException("the backend of group '" + backend.group()
                                + "' keeps no saga journals (the in-memory backend does)");
                    }
                    s = new Sagas(this, backend.sagaStore(), codec, events, clock, sleeper);
                    sagas = s;
                }
            }
        }
        return s;
    }

    /**
     * Returns the error queue of this Deferrable's group: failed jobs with their errors, to list,
     * replay, delete or purge.
     *
     * @return the error queue
     */
    public ErrorQueue errors() {
        return errors;
    }

    /**
     * Returns what operators use on this group's queue: depth, browsing, the error queue by filter
     * and bulk actions, each reported to the listeners.
     *
     * @return the admin, acting as "unknown" until {@link QueueAdmin#actingAs} names the operator
     */
    public QueueAdmin admin() {
        return admin;
    }

    /** Lists entries of the error queue: {@link ErrorQueue#list(int, int)} on {@link #errors()}. */
    public List<ErrorEntry> errors(int offset, int limit) {
        return errors.list(offset, limit);
    }

    /** Replays one entry of the error queue: {@link ErrorQueue#replay(String)} on {@link #errors()}. */
    public boolean replayError(String jobId) {
        return errors.replay(jobId);
    }

    /** Replays every entry of the error queue: {@link ErrorQueue#replayAll()} on {@link #errors()}. */
    public int replayAllErrors() {
        return errors.replayAll();
    }

    /** Deletes every entry of the error queue: {@link ErrorQueue#purge()} on {@link #errors()}. */
    public void purgeErrors() {
        errors.purge();
    }

    /**
     * Returns the current counts of the main queue and the error queue.
     *
     * @return the counts
     * @throws BackendException if the backend failed
     */
    public DeferrableStats stats() {
        QueueStats main = queue.stats();
        return new DeferrableStats(main.available(), main.inFlight(), main.delayed(), errors.count());
    }

    @Override
    public String toString() {
        return "Deferrable[group=" + backend.group() + ", tasks=" + tasks.names() + "]";
    }

    /**
     * Builds a {@link Deferrable}. Each setter validates its argument; {@link #build()} copies, so a
     * builder can be reused. Not thread-safe.
     */
    public static final class Builder {
        private final Backend backend;
        private InstantSource clock = InstantSource.system();
        private ObjectMapper mapper;
        private List<Class<? extends Throwable>> retryOn = List.of(Exception.class);
        private int maxAttempts = DEFAULT_MAX_ATTEMPTS;
        private Backoff backoff = DEFAULT_BACKOFF;
        private final Map<String, MetadataProducerConsumer<?>> metadata = new LinkedHashMap<>();
        private final List<DeferrableListener> listeners = new ArrayList<>();
        private int maxPayloadBytes = DEFAULT_MAX_PAYLOAD_BYTES;
        private Duration leaseDuration = DEFAULT_RUN_ONCE_LEASE_DURATION;
        private String hostName;
        private Sleeper sleeper = Sleeper.system();

        private Builder(Backend backend) {
            this.backend = Objects.requireNonNull(backend, "backend");
        }

        /**
         * Sets how {@link SagaHandle#run(Object)} waits out a step's retry backoff on the calling
         * thread ({@link Sleeper#system()} unless set; a fake one in tests).
         *
         * @param sleeper the sleeper
         * @return this builder
         * @throws NullPointerException if {@code sleeper} is null
         */
        public Builder sleeper(Sleeper sleeper) {
            this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
            return this;
        }

        /**
         * Sets the clock for job timestamps and TTL checks.
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
         * Sets the Jackson mapper for arguments and metadata, for example one with extra modules. A
         * copy is used, set to read and write {@code java.time} values as ISO-8601 strings and to
         * ignore unknown fields (so a field added to a job's arguments does not break consumers not
         * yet updated). The default is a plain {@link ObjectMapper} with those settings.
         *
         * @param mapper the mapper
         * @return this builder
         * @throws NullPointerException if {@code mapper} is null
         */
        public Builder objectMapper(ObjectMapper mapper) {
            this.mapper = Objects.requireNonNull(mapper, "mapper");
            return this;
        }

        /**
         * Sets the exception classes retried by tasks that do not set their own. Default: every
         * {@link Exception}. No classes: never retry.
         *
         * @param classes the classes
         * @return this builder
         * @throws NullPointerException if a class is null
         */
        @SafeVarargs
        public final Builder retryOn(Class<? extends Throwable>... classes) {
            List<Class<? extends Throwable>> list = new ArrayList<>();
            for (Class<? extends Throwable> c : classes) {
                list.add(Objects.requireNonNull(c, "retryOn class"));
            }
            this.retryOn = list;
            return this;
        }

        /**
         * Sets the executions allowed per job for tasks that do not set their own.
         *
         * @param maxAttempts at least 1; default {@value Deferrable#DEFAULT_MAX_ATTEMPTS}
         * @return this builder
         * @throws IllegalArgumentException if {@code maxAttempts < 1}
         */
        public Builder maxAttempts(int maxAttempts) {
            if (maxAttempts < 1) {
                throw new IllegalArgumentException("maxAttempts must be >= 1, was " + maxAttempts);
            }
            this.maxAttempts = maxAttempts;
            return this;
        }

        /**
         * Sets the retry backoff for tasks that do not set their own.
         *
         * @param backoff the backoff; default {@link Deferrable#DEFAULT_BACKOFF}
         * @return this builder
         * @throws NullPointerException if {@code backoff} is null
         */
        public Builder backoff(Backoff backoff) {
            this.backoff = Objects.requireNonNull(backoff, "backoff");
            return this;
        }

        /**
         * Adds a metadata producer-consumer; they run in the order added.
         *
         * @param producerConsumer the producer-consumer
         * @return this builder
         * @throws NullPointerException if {@code producerConsumer} is null
         * @throws IllegalArgumentException if its namespace is already in use
         */
        public Builder metadata(MetadataProducerConsumer<?> producerConsumer) {
            Objects.requireNonNull(producerConsumer, "producerConsumer");
            String ns = Objects.requireNonNull(producerConsumer.namespace(), "namespace");
            if (metadata.containsKey(ns)) {
                throw new IllegalArgumentException("NAMESPACE " + ns + " is already in use");
            }
            metadata.put(ns, producerConsumer);
            return this;
        }

        /**
         * Adds an event listener; they are called in the order added.
         *
         * @param listener the listener
         * @return this builder
         * @throws NullPointerException if {@code listener} is null
         */
        public Builder listener(DeferrableListener listener) {
            listeners.add(Objects.requireNonNull(listener, "listener"));
            return this;
        }

        /**
         * Sets the largest encoded job accepted by {@code later}, in UTF-8 bytes (the backend's
         * own limit applies too).
         *
         * @param maxPayloadBytes at least 1; default 256 KiB
         * @return this builder
         * @throws IllegalArgumentException if {@code maxPayloadBytes < 1}
         */
        public Builder maxPayloadBytes(int maxPayloadBytes) {
            if (maxPayloadBytes < 1) {
                throw new IllegalArgumentException("maxPayloadBytes must be >= 1, was " + maxPayloadBytes);
            }
            this.maxPayloadBytes = maxPayloadBytes;
            return this;
        }

        /**
         * Sets the lease {@link Deferrable#runOnce()} takes on a job; a job running longer may be
         * handed to another consumer.
         *
         * @param leaseDuration positive; default 5 minutes
         * @return this builder
         * @throws IllegalArgumentException if {@code leaseDuration} is not positive
         */
        public Builder leaseDuration(Duration leaseDuration) {
            Objects.requireNonNull(leaseDuration, "leaseDuration");
            if (leaseDuration.isZero() || leaseDuration.isNegative()) {
                throw new IllegalArgumentException("leaseDuration must be positive, was " + leaseDuration);
            }
            this.leaseDuration = leaseDuration;
            return this;
        }

        /**
         * Sets the host name written into error entries. Default: the local host's name.
         *
         * @param hostName the name
         * @return this builder
         * @throws NullPointerException if {@code hostName} is null
         */
        public Builder hostName(String hostName) {
            this.hostName = Objects.requireNonNull(hostName, "hostName");
            return this;
        }

        /**
         * Creates the Deferrable.
         *
         * @return the Deferrable
         */
        public Deferrable build() {
            return new Deferrable(this);
        }
    }
}
