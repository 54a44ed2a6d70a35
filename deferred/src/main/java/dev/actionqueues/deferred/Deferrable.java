package dev.actionqueues.deferred;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.actionqueues.deferred.JobPayload.ErrorJson;
import dev.actionqueues.deferred.spi.Backend;
import dev.actionqueues.deferred.spi.Debounce;
import dev.actionqueues.deferred.spi.DebounceDecision;
import dev.actionqueues.deferred.spi.DebounceResult;
import dev.actionqueues.deferred.spi.JobQueue;
import dev.actionqueues.deferred.spi.JobRecord;
import dev.actionqueues.deferred.spi.Lease;
import dev.actionqueues.deferred.spi.NewJob;
import dev.actionqueues.deferred.spi.QueueStats;
import dev.actionqueues.retry.Backoff;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Calls tasks later, through the queues of a {@link Backend}: the producer side
 * ({@link #register} a task, then {@link TaskHandle#later}) and the consumer side
 * ({@link #runOnce()}, or a {@link Worker}) of the seed's {@code Deferrable}.
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
 * listeners, in the seed's order.
 *
 * <p>Thread-safe: producers may call {@code later} and consumers {@code runOnce} from any number
 * of threads; tasks may be registered at any time.
 */
public final class Deferrable {

    /** Executions allowed per job, counting the first, unless the task says otherwise (as the seed). */
    public static final int DEFAULT_MAX_ATTEMPTS = 5;
    /** The largest encoded job, in UTF-8 bytes, unless the builder says otherwise: 256 KiB. */
    public static final int DEFAULT_MAX_PAYLOAD_BYTES = 256 * 1024;
    /** The lease {@link #runOnce()} takes on a job: long, since nothing renews it. */
    public static final Duration DEFAULT_RUN_ONCE_LEASE_DURATION = Duration.ofMinutes(5);
    /** The seed's retry backoff: {@code min(2 + 2^failures, 900)} seconds, so 4, 6, 10, 18, …, 900. */
    public static final Backoff DEFAULT_BACKOFF = Deferrable::seedBackoff;

    private static final Logger LOG = LoggerFactory.getLogger(Deferrable.class);
    private static final Pattern TASK_NAME = Pattern.compile("[A-Za-z0-9_.:$/-]{1,200}");

    private final Backend backend;
    private final JobQueue queue;
    private final InstantSource clock;
    private final Codec codec;
    private final List<Class<? extends Throwable>> defaultRetryOn;
    private final int defaultMaxAttempts;
    private final Backoff defaultBackoff;
    private final List<MetadataProducerConsumer<?>> metadata;
    private final List<DeferrableListener> listeners;
    private final int maxPayloadBytes;
    private final Duration leaseDuration;
    private final Supplier<String> host;
    private final ConcurrentMap<String, Task<?>> tasks = new ConcurrentHashMap<>();

    private Deferrable(Builder b) {
        this.backend = b.backend;
        this.queue = b.backend.queue();
        this.clock = b.clock;
        this.codec = new Codec(b.mapper == null ? new ObjectMapper() : b.mapper.copy());
        this.defaultRetryOn = List.copyOf(b.retryOn);
        this.defaultMaxAttempts = b.maxAttempts;
        this.defaultBackoff = b.backoff;
        this.metadata = List.copyOf(b.metadata.values());
        this.listeners = List.copyOf(b.listeners);
        this.maxPayloadBytes = Math.min(b.maxPayloadBytes, queue.capabilities().maxPayloadBytes());
        this.leaseDuration = b.leaseDuration;
        String fixedHost = b.hostName;
        this.host = fixedHost != null ? () -> fixedHost : new LocalHost();
    }

    /**
     * A builder for a Deferrable over {@code backend}.
     *
     * @param backend the queues to use
     * @return the builder
     * @throws NullPointerException if {@code backend} is null
     */
    public static Builder builder(Backend backend) {
        return new Builder(backend);
    }

    private static Duration seedBackoff(int failures) {
        if (failures < 1) {
            throw new IllegalArgumentException("failures must be >= 1, was " + failures);
        }
        return failures >= 10 ? Duration.ofSeconds(900) : Duration.ofSeconds(Math.min(2 + (1L << failures), 900));
    }

    /** A registered task with its options resolved against the Deferrable's defaults. */
    record Task<A>(String name, Class<A> type, TaskHandler<A> handler, TaskOptions options, int maxAttempts,
            List<Class<? extends Throwable>> retryOn, Backoff backoff, ObjectReader argsReader) {
    }

    /** Returns the backend this Deferrable pushes to and claims from. */
    Backend backend() {
        return backend;
    }

    /** @return the lease {@link #runOnce()} takes on a job */
    Duration leaseDuration() {
        return leaseDuration;
    }

    /**
     * Registers a task with the default options.
     *
     * @param name a stable name, 1 to 200 of {@code A-Z a-z 0-9 _ . : $ / -}; jobs carry it
     * @param type the arguments' type, decoded from JSON with Jackson
     * @param handler the code to run
     * @param <A> the arguments' type
     * @return the handle producers call {@code later} on
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if the name is invalid or already registered
     */
    public <A> TaskHandle<A> register(String name, Class<A> type, TaskHandler<A> handler) {
        return register(name, type, TaskOptions.DEFAULTS, handler);
    }

    /**
     * Registers a task.
     *
     * @param name a stable name, 1 to 200 of {@code A-Z a-z 0-9 _ . : $ / -}; jobs carry it
     * @param type the arguments' type, decoded from JSON with Jackson
     * @param options delay, TTL, debounce and retry options
     * @param handler the code to run
     * @param <A> the arguments' type
     * @return the handle producers call {@code later} on
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if the name is invalid or already registered, if the
     *     options ask for debouncing and the backend cannot debounce, or a fixed delay or debounce
     *     window is longer than the backend can hold
     */
    public <A> TaskHandle<A> register(String name, Class<A> type, TaskOptions options, TaskHandler<A> handler) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(handler, "handler");
        if (!TASK_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("task name must match " + TASK_NAME.pattern() + ", was '" + name + "'");
        }
        if (options.debounceSupplier() != null && !queue.capabilities().debounce()) {
            throw new IllegalArgumentException("the backend of group '" + backend.group() + "' cannot debounce");
        }
        TaskOptions.fixedValue(options.delaySupplier()).ifPresent(this::checkMaxDelay);
        TaskOptions.fixedValue(options.debounceSupplier()).ifPresent(this::checkMaxDelay);
        Task<A> task = new Task<>(name, type, handler, options, options.maxAttempts().orElse(defaultMaxAttempts),
                options.retryOn().orElse(defaultRetryOn), options.backoff().orElse(defaultBackoff),
                codec.mapper().readerFor(type));
        if (tasks.putIfAbsent(name, task) != null) {
            throw new IllegalArgumentException("a task named '" + name + "' is already registered");
        }
        return new TaskHandle<>(this, task);
    }

    private void checkMaxDelay(Duration d) {
        Duration max = queue.capabilities().maxDelay();
        if (d.compareTo(max) > 0) {
            throw new IllegalArgumentException("a delay or debounce window of " + d
                    + " is longer than the backend can hold (" + max + ")");
        }
    }

    private static Duration eval(Supplier<Duration> s) {
        if (s == null) {
            return Duration.ZERO;
        }
        Duration d = s.get();
        if (d == null) {
            throw new IllegalArgumentException("a delay, TTL or debounce supplier returned null");
        }
        return d;
    }

    <A> LaterResult later(Task<A> task, A arguments, String explicitKey) {
        TaskOptions o = task.options();
        Duration delay = eval(o.delaySupplier());
        Duration window = eval(o.debounceSupplier());
        Duration ttl = eval(o.ttlSupplier());
        TaskOptions.checkCall(delay, window, ttl);
        if (!delay.isZero() && !window.isZero()) {
            throw new IllegalArgumentException(
                    "You cannot delay and debounce at the same time (debounce uses delay internally).");
        }
        checkMaxDelay(delay);
        checkMaxDelay(window);
        JsonNode args;
        try {
            args = codec.toTree(arguments);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the arguments of task '" + task.name() + "' do not serialise to JSON: "
                    + e.getMessage(), e);
        }
        Map<String, Object> produced = Map.of();
        Map<String, JsonNode> md = null;
        if (!metadata.isEmpty()) {
            produced = new LinkedHashMap<>();
            md = new LinkedHashMap<>();
            for (MetadataProducerConsumer<?> pc : metadata) {
                Object value = pc.produce();
                if (value != null) {
                    produced.put(pc.namespace(), value);
                    md.put(pc.namespace(), codec.toTree(value));
                }
            }
        }
        long now = clock.millis();
        JobPayload payload = new JobPayload(JobPayload.VERSION, task.name(), args, backend.group(), 0, now, now,
                ttl.isZero() ? null : ttl.toMillis(), ttl.isZero() ? null : now, md, null, null);
        byte[] bytes = codec.writeBytes(payload);
        if (bytes.length > maxPayloadBytes) {
            throw new IllegalArgumentException("a job of task '" + task.name() + "' encodes to " + bytes.length
                    + " bytes, over the limit of " + maxPayloadBytes + " bytes");
        }
        String json = new String(bytes, StandardCharsets.UTF_8);
        String id = Ids.newId();
        if (!window.isZero()) {
            return debouncedPush(task, id, json, args, explicitKey, window, o.debounceAlwaysDelay(), produced);
        }
        queue.push(new NewJob(id, json, delay));
        emit(EventType.PUSH, id, task.name(), 0, delay, produced, null);
        return new LaterResult(id, false, delay);
    }

    private LaterResult debouncedPush(Task<?> task, String id, String json, JsonNode args, String explicitKey,
            Duration window, boolean alwaysDelay, Map<String, Object> produced) {
        String key = Codec.debounceKey(task.name(), backend.group(), args, explicitKey);
        DebounceResult r;
        try {
            r = queue.pushDebounced(new NewJob(id, json, Duration.ZERO), new Debounce(key, window, alwaysDelay));
        } catch (BackendException e) {
            LOG.warn("Debouncing a job of task '{}' failed; pushing it at once without debouncing", task.name(), e);
            emit(EventType.DEBOUNCE_ERROR, id, task.name(), 0, Duration.ZERO, produced, e);
            queue.push(NewJob.of(id, json));
            emit(EventType.PUSH, id, task.name(), 0, Duration.ZERO, produced, null);
            return new LaterResult(id, false, Duration.ZERO);
        }
        if (r.decision() == DebounceDecision.SKIP) {
            emit(EventType.DEBOUNCE_HIT, r.jobId(), task.name(), 0, Duration.ZERO, produced, null);
            return new LaterResult(r.jobId(), true, Duration.ZERO);
        }
        emit(EventType.DEBOUNCE_MISS, id, task.name(), 0, r.delay(), produced, null);
        emit(EventType.PUSH, id, task.name(), 0, r.delay(), produced, null);
        return new LaterResult(id, false, r.delay());
    }

    /**
     * Claims one available job, if any, and runs it on the calling thread: completes it, retries it
     * or sends it to the error queue, and says which. Does not wait for a job to become available.
     * The job is leased for {@link Builder#leaseDuration(Duration)} and the lease is not renewed.
     *
     * <p>If the backend fails while finishing the job, the exception propagates and the job stays
     * leased until its lease runs out, then runs again. If the thread is interrupted, the job is
     * given back and {@link RunOutcome.Status#RELEASED} returned with the interrupt flag set.
     *
     * @return what happened
     * @throws dev.actionqueues.deferred.BackendException if the backend failed
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
            emit(EventType.EMPTY, null, null, 0, Duration.ZERO, Map.of(), null);
            return RunOutcome.EMPTY;
        }
        return process(lease.get());
    }

    /** Runs one leased job to its end. */
    RunOutcome process(Lease lease) {
        return process(lease, null);
    }

    /**
     * Runs one leased job to its end; the worker's path. If {@code completer} is not null, a job
     * that is done (ran, or expired) is handed to it instead of being completed here, so that the
     * worker can complete it together with claiming its next job; events are the same.
     */
    RunOutcome process(Lease lease, Consumer<Lease> completer) {
        Codec.RunView view = codec.readForRun(lease.payload(), this::argsReader);
        if (view != null) {
            JobPayload p = view.job();
            Map<String, Object> md = decodeMetadata(p);
            emit(EventType.POP, lease.jobId(), p.task(), p.attempts(), Duration.ZERO, md, null);
            return run(lease, p, tasks.get(p.task()), md, true, view.args(), completer);
        }
        JobPayload p;
        try {
            p = codec.read(lease.payload());
            if (p.task() == null) {
                throw new IllegalArgumentException("no task name");
            }
        } catch (Exception e) {
            emit(EventType.POP, lease.jobId(), null, 0, Duration.ZERO, Map.of(), null);
            String reason = "the payload does not parse as a job: " + e.getMessage();
            JobPayload raw = new JobPayload(JobPayload.VERSION, null, null, backend.group(), 0, 0, 0, null, null, null,
                    null, lease.payload());
            return sendToErrorQueue(lease, raw, null, reason, e, 0, Map.of());
        }
        Map<String, Object> md = decodeMetadata(p);
        emit(EventType.POP, lease.jobId(), p.task(), p.attempts(), Duration.ZERO, md, null);
        Task<?> task = tasks.get(p.task());
        if (task == null) {
            return sendToErrorQueue(lease, p, null, "unknown task '" + p.task() + "'", null, p.attempts(), md);
        }
        return run(lease, p, task, md, false, null, completer);
    }

    private ObjectReader argsReader(String taskName) {
        Task<?> task = tasks.get(taskName);
        return task == null ? null : task.argsReader();
    }

    /**
     * Runs a job. {@code p} is either the whole payload, or ({@code streamed}) the payload without
     * its arguments, with {@code decodedArgs} the arguments already in the task's type.
     */
    private <A> RunOutcome run(Lease lease, JobPayload p, Task<A> task, Map<String, Object> md, boolean streamed,
            Object decodedArgs, Consumer<Lease> completer) {
        int execution = p.attempts() + 1;
        try {
            consumeMetadata(md);
            if (p.ttlMillis() != null && p.queuedAt() != null && clock.millis() - p.queuedAt() > p.ttlMillis()) {
                LOG.warn("Job {} of task '{}' expired: claimed more than {} ms after it was deferred", lease.jobId(),
                        task.name(), p.ttlMillis());
                emit(EventType.EXPIRE, lease.jobId(), task.name(), p.attempts(), Duration.ZERO, md, null);
                finish(lease, completer);
                emit(EventType.COMPLETE, lease.jobId(), task.name(), p.attempts(), Duration.ZERO, md, null);
                return new RunOutcome(RunOutcome.Status.EXPIRED, lease.jobId(), task.name(), p.attempts(), null);
            }
            if (p.attempts() + lease.deliveries() > task.maxAttempts()) {
                String reason = "delivered " + lease.deliveries() + " times without finishing (a worker died or its"
                        + " lease ran out); " + task.maxAttempts() + " attempts allowed";
                return sendToErrorQueue(lease, whole(lease, p, streamed), task, reason, null,
                        p.attempts() + lease.deliveries() - 1, md);
            }
            A args;
            if (streamed) {
                args = task.type().cast(decodedArgs);
            } else {
                try {
                    args = codec.mapper().treeToValue(p.args(), task.type());
                } catch (Exception e) {
                    String reason = "the arguments do not fit " + task.type().getName() + ": " + e.getMessage();
                    return sendToErrorQueue(lease, p, task, reason, e, p.attempts(), md);
                }
            }
            task.handler().run(args);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            queue.release(lease, lease.payload(), Duration.ZERO);
            LOG.warn("Job {} of task '{}' was interrupted and given back to the queue", lease.jobId(), task.name());
            return new RunOutcome(RunOutcome.Status.RELEASED, lease.jobId(), task.name(), p.attempts(), "interrupted");
        } catch (Exception e) {
            return failed(lease, whole(lease, p, streamed), task, e, execution, md);
        }
        finish(lease, completer);
        emit(EventType.COMPLETE, lease.jobId(), task.name(), execution, Duration.ZERO, md, null);
        return new RunOutcome(RunOutcome.Status.RAN, lease.jobId(), task.name(), execution, null);
    }

    /** The whole payload, arguments included, for a path that re-encodes the job. */
    private JobPayload whole(Lease lease, JobPayload p, boolean streamed) {
        if (!streamed) {
            return p;
        }
        try {
            return codec.read(lease.payload());
        } catch (JsonProcessingException e) {
            // Cannot happen for a payload the streaming path accepted (it is stricter); if it does,
            // the job is kept verbatim and goes to the error queue rather than looping.
            LOG.warn("Job {}: the payload ran but does not parse as a whole: {}", lease.jobId(), e.getOriginalMessage());
            return new JobPayload(JobPayload.VERSION, p.task(), null, backend.group(), p.attempts(), 0, 0, null, null,
                    null, null, lease.payload());
        }
    }

    private RunOutcome failed(Lease lease, JobPayload p, Task<?> task, Exception e, int execution,
            Map<String, Object> md) {
        if (p.raw() != null) {
            return sendToErrorQueue(lease, p, task, "the payload does not parse as a job", e, execution, md);
        }
        boolean retried = isRetried(task, e);
        if (retried && p.attempts() < task.maxAttempts() - 1) {
            int attempts = p.attempts() + 1;
            Duration delay = task.backoff().delayAfter(attempts);
            Duration max = queue.capabilities().maxDelay();
            if (delay.compareTo(max) > 0) {
                delay = max;
            }
            long now = clock.millis();
            String next = codec.write(p.withRetry(attempts, now + delay.toMillis()));
            LOG.warn("Job {} of task '{}' failed on attempt {} of {}; retrying in {}: {}", lease.jobId(), task.name(),
                    execution, task.maxAttempts(), delay, e.toString());
            if (!queue.release(lease, next, delay)) {
                LOG.warn("Job {} of task '{}': the lease was lost before the retry; another consumer has it",
                        lease.jobId(), task.name());
            }
            emit(EventType.RETRY, lease.jobId(), task.name(), attempts, delay, md, e);
            emit(EventType.COMPLETE, lease.jobId(), task.name(), attempts, Duration.ZERO, md, null);
            return new RunOutcome(RunOutcome.Status.RETRIED, lease.jobId(), task.name(), execution, null);
        }
        String reason = retried ? "failed " + execution + " times, the maximum"
                : "failed with " + e.getClass().getName() + ", which is not retried";
        return sendToErrorQueue(lease, p, task, reason, e, execution, md);
    }

    private static boolean isRetried(Task<?> task, Throwable e) {
        for (Class<? extends Throwable> c : task.retryOn()) {
            if (c.isInstance(e)) {
                return true;
            }
        }
        return false;
    }

    private RunOutcome sendToErrorQueue(Lease lease, JobPayload p, Task<?> task, String reason, Throwable e,
            int executions, Map<String, Object> md) {
        long now = clock.millis();
        ErrorJson error = new ErrorJson(e == null ? null : e.getClass().getName(), e == null ? null : e.getMessage(),
                e == null ? null : Codec.stackTrace(e), host.get(), now, reason, executions);
        String taskName = task != null ? task.name() : p.task();
        if (e != null) {
            LOG.warn("Job {} of task '{}' sent to the error queue: {}", lease.jobId(), taskName, reason, e);
        } else {
            LOG.warn("Job {} of task '{}' sent to the error queue: {}", lease.jobId(), taskName, reason);
        }
        if (!queue.deadLetter(lease, codec.write(p.withError(error, now)))) {
            LOG.warn("Job {} of task '{}': the lease was lost before the move to the error queue", lease.jobId(),
                    taskName);
        }
        emit(EventType.ERROR, lease.jobId(), taskName, executions, Duration.ZERO, md, e);
        emit(EventType.COMPLETE, lease.jobId(), taskName, executions, Duration.ZERO, md, null);
        return new RunOutcome(RunOutcome.Status.ERRORED, lease.jobId(), taskName, executions, reason);
    }

    private void finish(Lease lease, Consumer<Lease> completer) {
        if (completer != null) {
            completer.accept(lease);
        } else if (!queue.complete(lease)) {
            LOG.warn("Job {}: the lease ran out and the job was handed to another consumer; it may run twice",
                    lease.jobId());
        }
    }

    private Map<String, Object> decodeMetadata(JobPayload p) {
        if (metadata.isEmpty()) {
            return Map.of();
        }
        Map<String, Object> out = new HashMap<>();
        Map<String, JsonNode> stored = p.metadata() == null ? Map.of() : p.metadata();
        for (MetadataProducerConsumer<?> pc : metadata) {
            JsonNode node = stored.get(pc.namespace());
            if (node != null && !node.isNull()) {
                try {
                    out.put(pc.namespace(), codec.mapper().treeToValue(node, pc.type()));
                } catch (Exception e) {
                    LOG.warn("Metadata of namespace '{}' does not decode as {}; the consumer gets null",
                            pc.namespace(), pc.type().getName(), e);
                }
            }
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    private void consumeMetadata(Map<String, Object> md) {
        for (MetadataProducerConsumer<?> pc : metadata) {
            ((MetadataProducerConsumer<Object>) pc).consume(md.get(pc.namespace()));
        }
    }

    private void emit(EventType type, String jobId, String task, int attempts, Duration delay,
            Map<String, Object> md, Throwable failure) {
        if (listeners.isEmpty()) {
            return;
        }
        JobEvent event = new JobEvent(type, jobId, task, attempts, delay, md, failure);
        for (DeferrableListener l : listeners) {
            try {
                l.onEvent(event);
            } catch (RuntimeException e) {
                LOG.warn("A listener threw on {} of job {}; ignored", type, jobId, e);
            }
        }
    }

    /**
     * Lists entries of the error queue, oldest first.
     *
     * @param offset how many to skip, at least 0
     * @param limit how many at most, at least 1
     * @return the entries
     * @throws IllegalArgumentException if an argument is out of range
     * @throws dev.actionqueues.deferred.BackendException if the backend failed
     */
    public List<ErrorEntry> errors(int offset, int limit) {
        List<ErrorEntry> out = new ArrayList<>();
        for (JobRecord r : backend.errorQueue().list(offset, limit)) {
            out.add(toErrorEntry(r));
        }
        return out;
    }

    private ErrorEntry toErrorEntry(JobRecord r) {
        try {
            JobPayload p = codec.read(r.payload());
            ErrorJson e = p.error();
            JobError error = e == null ? null : new JobError(e.type(), e.text(), e.traceback(), e.hostname(),
                    Instant.ofEpochMilli(e.ts()), e.reason(), e.attempts());
            return new ErrorEntry(r.id(), p.task(), p.raw() != null ? null : String.valueOf(p.args()), error,
                    r.payload());
        } catch (Exception e) {
            return new ErrorEntry(r.id(), null, null, null, r.payload());
        }
    }

    /**
     * Moves one entry of the error queue back into the main queue, available at once, with its
     * attempts reset and its TTL counted from now. An entry whose job never parsed is replayed as
     * it was first received.
     *
     * @param jobId the entry's job id
     * @return true if replayed; false if the error queue has no such entry
     * @throws dev.actionqueues.deferred.BackendException if the backend failed
     */
    public boolean replayError(String jobId) {
        Objects.requireNonNull(jobId, "jobId");
        Optional<JobRecord> entry = backend.errorQueue().find(jobId);
        if (entry.isEmpty()) {
            return false;
        }
        String payload;
        try {
            JobPayload p = codec.read(entry.get().payload());
            payload = p.raw() != null ? p.raw() : codec.write(p.replayed(clock.millis()));
        } catch (Exception e) {
            payload = entry.get().payload();
        }
        return queue.replayError(jobId, payload);
    }

    /**
     * Replays every entry that is in the error queue when the call starts; see
     * {@link #replayError(String)}.
     *
     * @return how many entries were replayed
     * @throws dev.actionqueues.deferred.BackendException if the backend failed
     */
    public int replayAllErrors() {
        List<String> ids = new ArrayList<>();
        for (int offset = 0;; offset += 500) {
            List<JobRecord> page = backend.errorQueue().list(offset, 500);
            page.forEach(r -> ids.add(r.id()));
            if (page.size() < 500) {
                break;
            }
        }
        int replayed = 0;
        for (String id : ids) {
            if (replayError(id)) {
                replayed++;
            }
        }
        return replayed;
    }

    /**
     * Deletes every entry of the error queue.
     *
     * @throws dev.actionqueues.deferred.BackendException if the backend failed
     */
    public void purgeErrors() {
        backend.errorQueue().flush();
    }

    /**
     * The current counts of the main queue and the error queue.
     *
     * @return the counts
     * @throws dev.actionqueues.deferred.BackendException if the backend failed
     */
    public DeferrableStats stats() {
        QueueStats main = queue.stats();
        QueueStats errors = backend.errorQueue().stats();
        return new DeferrableStats(main.available(), main.inFlight(), main.delayed(), errors.total());
    }

    @Override
    public String toString() {
        return "Deferrable[group=" + backend.group() + ", tasks=" + tasks.keySet() + "]";
    }

    /** The host name for error entries, looked up once, on first use. */
    private static final class LocalHost implements Supplier<String> {
        private volatile String name;

        @Override
        public String get() {
            String n = name;
            if (n == null) {
                try {
                    n = InetAddress.getLocalHost().getHostName();
                } catch (UnknownHostException e) {
                    LOG.debug("Local host name unknown; error entries say 'unknown'", e);
                    n = "unknown";
                }
                name = n;
            }
            return n;
        }
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

        private Builder(Backend backend) {
            this.backend = Objects.requireNonNull(backend, "backend");
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
         * Sets the Jackson mapper for arguments and metadata (a copy is used), for example one with
         * extra modules. The default is a plain {@link ObjectMapper}.
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
         * Sets the exception classes retried by tasks that do not set their own (the seed's
         * {@code default_error_classes}). Default: every {@link Exception}. No classes: never retry.
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
