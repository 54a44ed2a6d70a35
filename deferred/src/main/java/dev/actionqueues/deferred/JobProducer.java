package dev.actionqueues.deferred;

import com.fasterxml.jackson.databind.JsonNode;
import dev.actionqueues.deferred.spi.Debounce;
import dev.actionqueues.deferred.spi.DebounceDecision;
import dev.actionqueues.deferred.spi.DebounceResult;
import dev.actionqueues.deferred.spi.JobQueue;
import dev.actionqueues.deferred.spi.NewJob;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The producer's side of a Deferrable: turns a {@code later} call into a job (options evaluated
 * and checked, arguments and metadata encoded, size limited, all before any I/O) and pushes it:
 * plain, if its id is absent, debounced, or many in one batch call. Thread-safe.
 */
final class JobProducer {

    private static final Logger LOG = LoggerFactory.getLogger(Deferrable.class);

    private final JobQueue queue;
    private final String group;
    private final Codec codec;
    private final JobEvents events;
    private final InstantSource clock;
    private final int maxPayloadBytes;
    private final AsyncPusher async;

    /** One call, ready to push. {@code debounce} is null unless debounced; {@code unique} for a caller's id. */
    record Prepared(String task, NewJob job, Debounce debounce, boolean unique, Map<String, Object> metadata) {
    }

    JobProducer(JobQueue queue, String group, Codec codec, JobEvents events, InstantSource clock, int maxPayloadBytes) {
        this.queue = queue;
        this.group = group;
        this.codec = codec;
        this.events = events;
        this.clock = clock;
        this.maxPayloadBytes = Math.min(maxPayloadBytes, queue.capabilities().maxPayloadBytes());
        this.async = new AsyncPusher(this, queue.capabilities().maxBatchSize(), queue.capabilities().fifo());
    }

    /** Defers one call of {@code task}; see {@link TaskHandle#later(Object, LaterOptions...)}. */
    <A> LaterResult later(RegisteredTask<A> task, A arguments, LaterOptions options) {
        return push(prepare(task, arguments, options), queue);
    }

    /**
     * Defers one call through {@code target}, a view of the queue bound to the caller's transaction;
     * see {@link TransactionalTaskHandle}.
     */
    <A> LaterResult later(RegisteredTask<A> task, A arguments, LaterOptions options, JobQueue target) {
        return push(prepare(task, arguments, options), target);
    }

    /** The queue as a view bound to the caller's connection. */
    JobQueue joining(Connection connection) {
        try {
            return queue.joining(connection);
        } catch (UnsupportedOperationException e) {
            throw new IllegalStateException("the backend of group '" + group + "' cannot join a caller's"
                    + " transaction (the PostgreSQL backend can): " + e.getMessage(), e);
        }
    }

    /** Defers one call without waiting for the backend; see {@link TaskHandle#laterAsync}. */
    <A> CompletableFuture<LaterResult> laterAsync(RegisteredTask<A> task, A arguments, LaterOptions options) {
        return async.submit(prepare(task, arguments, options));
    }

    /**
     * Defers one call per element, in batches of the backend's batch size (one call each); see
     * {@link TaskHandle#laterAll}.
     */
    <A> List<LaterResult> laterAll(RegisteredTask<A> task, Collection<? extends A> arguments, LaterOptions options) {
        return laterAll(task, arguments, options, queue);
    }

    /** As {@link #laterAll(RegisteredTask, Collection, LaterOptions)}, through {@code target}. */
    <A> List<LaterResult> laterAll(RegisteredTask<A> task, Collection<? extends A> arguments, LaterOptions options,
            JobQueue target) {
        Objects.requireNonNull(arguments, "arguments");
        if (options.jobIdOrNull() != null || options.debounceKeyOrNull() != null) {
            throw new IllegalArgumentException("laterAll takes no job id or debounce key: they belong to one call");
        }
        List<Prepared> prepared = new ArrayList<>(arguments.size());
        for (A a : arguments) {
            prepared.add(prepare(task, a, options));
        }
        List<LaterResult> results = new ArrayList<>(prepared.size());
        if (task.options().debounceSupplier() != null) {
            for (Prepared p : prepared) {
                results.add(push(p, target));
            }
            return results;
        }
        int max = queue.capabilities().maxBatchSize();
        for (int from = 0; from < prepared.size(); from += max) {
            results.addAll(pushBatch(prepared.subList(from, Math.min(prepared.size(), from + max)), target));
        }
        return results;
    }

    /** Checks and encodes one call; no I/O. */
    private <A> Prepared prepare(RegisteredTask<A> task, A arguments, LaterOptions options) {
        TaskOptions o = task.options();
        Duration window = eval(o.debounceSupplier());
        Duration ttl = options.ttlOrNull() != null ? options.ttlOrNull() : eval(o.ttlSupplier());
        Duration delay = callDelay(o, options);
        TaskOptions.checkCall(delay, window, ttl);
        if (!delay.isZero() && !window.isZero()) {
            throw new IllegalArgumentException(
                    "You cannot delay and debounce at the same time (debounce uses delay internally).");
        }
        if (options.debounceKeyOrNull() != null && o.debounceSupplier() == null) {
            throw new IllegalStateException("task '" + task.name() + "' has no debounce window");
        }
        String jobId = options.jobIdOrNull();
        if (jobId != null && !window.isZero()) {
            throw new IllegalArgumentException("a job id cannot be given to a debounced task ('" + task.name() + "')");
        }
        if (jobId != null && !queue.capabilities().uniqueIds()) {
            throw new IllegalArgumentException("the backend of group '" + group + "' cannot take a job id");
        }
        TaskOptions.checkMaxDelay(delay, queue.capabilities());
        TaskOptions.checkMaxDelay(window, queue.capabilities());
        JsonNode args;
        try {
            args = codec.toTree(arguments);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the arguments of task '" + task.name() + "' do not serialise to JSON: "
                    + e.getMessage(), e);
        }
        JobEvents.Produced produced = events.produce();
        long now = clock.millis();
        JobPayload payload = new JobPayload(JobPayload.VERSION, task.name(), args, group, 0, now, now,
                ttl.isZero() ? null : ttl.toMillis(), ttl.isZero() ? null : now, produced.json(), null, null);
        byte[] bytes = codec.writeBytes(payload);
        if (bytes.length > maxPayloadBytes) {
            throw new IllegalArgumentException("a job of task '" + task.name() + "' encodes to " + bytes.length
                    + " bytes, over the limit of " + maxPayloadBytes + " bytes");
        }
        String json = new String(bytes, StandardCharsets.UTF_8);
        NewJob job = new NewJob(jobId != null ? jobId : Ids.newId(), json, delay);
        Debounce debounce = window.isZero() ? null : new Debounce(
                Codec.debounceKey(task.name(), group, args, options.debounceKeyOrNull()), window,
                o.debounceAlwaysDelay());
        return new Prepared(task.name(), job, debounce, jobId != null, produced.values());
    }

    /** The call's delay: its own (a delay, or a time to run at), else the task's. */
    private Duration callDelay(TaskOptions o, LaterOptions options) {
        if (options.delayOrNull() != null) {
            return options.delayOrNull();
        }
        if (options.runAtOrNull() != null) {
            Duration d = Duration.between(clock.instant(), options.runAtOrNull());
            return d.isNegative() ? Duration.ZERO : d;
        }
        return eval(o.delaySupplier());
    }

    /** Pushes one prepared call. */
    LaterResult push(Prepared p) {
        return push(p, queue);
    }

    private LaterResult push(Prepared p, JobQueue target) {
        NewJob job = p.job();
        if (p.debounce() != null) {
            return pushDebounced(p, target);
        }
        if (p.unique() && !target.pushIfAbsent(job)) {
            return new LaterResult(job.id(), false, Duration.ZERO, true);
        }
        if (!p.unique()) {
            target.push(job);
        }
        events.emit(EventType.PUSH, job.id(), p.task(), 0, job.delay(), p.metadata(), null);
        return new LaterResult(job.id(), false, job.delay());
    }

    /** Pushes plain calls (neither debounced nor with an id) in one batch call. */
    List<LaterResult> pushBatch(List<Prepared> batch) {
        return pushBatch(batch, queue);
    }

    private List<LaterResult> pushBatch(List<Prepared> batch, JobQueue target) {
        List<NewJob> jobs = jobs(batch);
        return pushed(batch, jobs, target.pushBatch(jobs));
    }

    /**
     * Pushes plain calls in one batch call without waiting for the backend where it can
     * ({@link JobQueue#pushBatchAsync}); the future fails with the backend's error.
     */
    CompletableFuture<List<LaterResult>> pushBatchAsync(List<Prepared> batch) {
        List<NewJob> jobs = jobs(batch);
        return queue.pushBatchAsync(jobs).thenApply(stored -> pushed(batch, jobs, stored));
    }

    private static List<NewJob> jobs(List<Prepared> batch) {
        List<NewJob> jobs = new ArrayList<>(batch.size());
        for (Prepared p : batch) {
            jobs.add(p.job());
        }
        return jobs;
    }

    /** The results of a batch push, with its events; throws if a job was not stored. */
    private List<LaterResult> pushed(List<Prepared> batch, List<NewJob> jobs, List<Boolean> stored) {
        List<LaterResult> results = new ArrayList<>(batch.size());
        for (int i = 0; i < batch.size(); i++) {
            NewJob job = jobs.get(i);
            if (!stored.get(i)) {
                throw new BackendException("the backend did not store job " + job.id() + " of a batch");
            }
            events.emit(EventType.PUSH, job.id(), batch.get(i).task(), 0, job.delay(), batch.get(i).metadata(), null);
            results.add(new LaterResult(job.id(), false, job.delay()));
        }
        return results;
    }

    /**
     * Pushes under debouncing; if the backend fails to debounce, pushes at once without it (a run
     * too many is better than a lost one), except in a caller's transaction, which the failure
     * has aborted: there it is thrown.
     */
    private LaterResult pushDebounced(Prepared p, JobQueue target) {
        String taskName = p.task();
        String id = p.job().id();
        Map<String, Object> md = p.metadata();
        DebounceResult r;
        try {
            r = target.pushDebounced(p.job(), p.debounce());
        } catch (BackendException e) {
            if (target != queue) {
                throw e;
            }
            LOG.warn("Debouncing a job of task '{}' failed; pushing it at once without debouncing", taskName, e);
            events.emit(EventType.DEBOUNCE_ERROR, id, taskName, 0, Duration.ZERO, md, e);
            queue.push(NewJob.of(id, p.job().payload()));
            events.emit(EventType.PUSH, id, taskName, 0, Duration.ZERO, md, null);
            return new LaterResult(id, false, Duration.ZERO);
        }
        if (r.decision() == DebounceDecision.SKIP) {
            events.emit(EventType.DEBOUNCE_HIT, r.jobId(), taskName, 0, Duration.ZERO, md, null);
            return new LaterResult(r.jobId(), true, Duration.ZERO);
        }
        events.emit(EventType.DEBOUNCE_MISS, id, taskName, 0, r.delay(), md, null);
        events.emit(EventType.PUSH, id, taskName, 0, r.delay(), md, null);
        return new LaterResult(id, false, r.delay());
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
}
