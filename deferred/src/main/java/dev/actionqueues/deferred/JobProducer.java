package dev.actionqueues.deferred;

import com.fasterxml.jackson.databind.JsonNode;
import dev.actionqueues.deferred.spi.Debounce;
import dev.actionqueues.deferred.spi.DebounceDecision;
import dev.actionqueues.deferred.spi.DebounceResult;
import dev.actionqueues.deferred.spi.JobQueue;
import dev.actionqueues.deferred.spi.NewJob;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The producer's side of a Deferrable: turns a {@code later} call into a job (options evaluated
 * and checked, arguments and metadata encoded, size limited) and pushes it, debounced or not.
 * Thread-safe.
 */
final class JobProducer {

    private static final Logger LOG = LoggerFactory.getLogger(Deferrable.class);

    private final JobQueue queue;
    private final String group;
    private final Codec codec;
    private final JobEvents events;
    private final InstantSource clock;
    private final int maxPayloadBytes;

    JobProducer(JobQueue queue, String group, Codec codec, JobEvents events, InstantSource clock, int maxPayloadBytes) {
        this.queue = queue;
        this.group = group;
        this.codec = codec;
        this.events = events;
        this.clock = clock;
        this.maxPayloadBytes = Math.min(maxPayloadBytes, queue.capabilities().maxPayloadBytes());
    }

    /** Defers one call of {@code task}; see {@link TaskHandle#later(Object)}. */
    <A> LaterResult later(RegisteredTask<A> task, A arguments, String explicitKey) {
        TaskOptions o = task.options();
        Duration delay = eval(o.delaySupplier());
        Duration window = eval(o.debounceSupplier());
        Duration ttl = eval(o.ttlSupplier());
        TaskOptions.checkCall(delay, window, ttl);
        if (!delay.isZero() && !window.isZero()) {
            throw new IllegalArgumentException(
                    "You cannot delay and debounce at the same time (debounce uses delay internally).");
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
        String id = Ids.newId();
        if (!window.isZero()) {
            String key = Codec.debounceKey(task.name(), group, args, explicitKey);
            return pushDebounced(task.name(), id, json, new Debounce(key, window, o.debounceAlwaysDelay()),
                    produced.values());
        }
        queue.push(new NewJob(id, json, delay));
        events.emit(EventType.PUSH, id, task.name(), 0, delay, produced.values(), null);
        return new LaterResult(id, false, delay);
    }

    /**
     * Pushes under debouncing; if the backend fails to debounce, pushes at once without it (a run
     * too many is better than a lost one).
     */
    private LaterResult pushDebounced(String taskName, String id, String json, Debounce debounce,
            Map<String, Object> md) {
        DebounceResult r;
        try {
            r = queue.pushDebounced(new NewJob(id, json, Duration.ZERO), debounce);
        } catch (BackendException e) {
            LOG.warn("Debouncing a job of task '{}' failed; pushing it at once without debouncing", taskName, e);
            events.emit(EventType.DEBOUNCE_ERROR, id, taskName, 0, Duration.ZERO, md, e);
            queue.push(NewJob.of(id, json));
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
