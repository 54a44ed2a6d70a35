package dev.actionqueues.sqs;

import dev.actionqueues.deferred.BackendException;
import dev.actionqueues.deferred.spi.Debounce;
import dev.actionqueues.deferred.spi.DebounceDecision;
import dev.actionqueues.deferred.spi.DebounceResult;
import dev.actionqueues.deferred.spi.DebounceStore;
import dev.actionqueues.deferred.spi.NewJob;
import dev.actionqueues.sqs.SqsMessages.Incoming;
import dev.actionqueues.sqs.SqsMessages.Outgoing;
import java.time.Duration;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A main queue's debounced pushes through a {@link DebounceStore} beside SQS: the store decides (its
 * scope is the queue's name, the key its SHA-256), the job is sent carrying the hashed key, a failed
 * send gives the key back, and a claim of such a job tells the store it started. Thread-safe.
 */
final class SqsDebouncing {

    private static final Logger LOG = LoggerFactory.getLogger(SqsJobQueue.class);

    private final SqsCalls calls;
    private final DebounceStore store;

    SqsDebouncing(SqsCalls calls, DebounceStore store) {
        this.calls = calls;
        this.store = store;
    }

    /**
     * Decides and, unless it is a skip, sends the job: {@code now} if it is not delayed, else the
     * message {@code delayed} makes for the decided delay.
     */
    DebounceResult push(NewJob job, Debounce debounce, Outgoing now, Function<Duration, Outgoing> delayed) {
        String key = SqsFifo.sha256(debounce.key());
        DebounceResult decided = store.decide(calls.name(), new Debounce(key, debounce.window(),
                debounce.alwaysDelay()), job.id());
        if (decided.decision() == DebounceDecision.SKIP) {
            return decided;
        }
        try {
            Outgoing m = decided.delay().isZero() ? now : delayed.apply(decided.delay());
            calls.send(m.withDebounceKey(key));
        } catch (RuntimeException e) {
            try {
                store.abandoned(calls.name(), key, job.id());
            } catch (RuntimeException again) {
                e.addSuppressed(again);
            }
            throw e;
        }
        return decided;
    }

    /**
     * Tells the store that a debounced job started. A store failure is logged, not thrown: the job
     * is claimed, and the key stays pending until the store gives it up.
     */
    void started(Incoming in) {
        try {
            store.started(calls.name(), in.debounceKey(), in.jobId());
        } catch (BackendException e) {
            LOG.warn("Queue {}: the debounce store could not be told that job {} started; its key stays pending "
                    + "until the store gives it up", calls.name(), in.jobId(), e);
        }
    }

    /** Forgets the queue's keys. */
    void flush() {
        store.flush(calls.name());
    }
}
