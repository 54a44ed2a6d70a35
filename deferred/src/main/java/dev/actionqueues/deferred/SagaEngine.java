package dev.actionqueues.deferred;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import dev.actionqueues.ActionRetryException;
import dev.actionqueues.deferred.SagaContext.Direction;
import dev.actionqueues.deferred.SagaJournal.Entry;
import dev.actionqueues.deferred.SagaJournal.Run;
import dev.actionqueues.deferred.SagaView.RunStatus;
import dev.actionqueues.deferred.spi.SagaRecord;
import dev.actionqueues.deferred.spi.SagaStore;
import dev.actionqueues.retry.RetryDecision;
import dev.actionqueues.retry.RetryPolicy;
import java.time.Duration;
import java.time.InstantSource;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Advances durable sagas: leases one from the {@link SagaStore}, then runs its steps from the
 * journal, forwards or backwards, journaling "started" before each attempt and its end after, until
 * the saga ends or must wait (a retry's backoff). Every journal write checks the lease's token, so
 * a runner that lost the saga stops at its next write. Thread-safe; each call works on one saga.
 */
final class SagaEngine {

    private static final Logger LOG = LoggerFactory.getLogger(Sagas.class);
    /** The lease of a saga of no registered definition, while this runner reads it. */
    private static final Duration DEFAULT_LEASE = Duration.ofSeconds(30);
    /** How soon a saga whose definition is missing or differs is looked at again. */
    static final Duration REFUSED_RETRY = Duration.ofMinutes(1);

    /** What one call did. */
    sealed interface Result {
    }

    /** The saga has ended (or had already). */
    record Ended(SagaView saga) implements Result {
    }

    /** The saga waits: look again after {@code delay}. */
    record Wait(Duration delay) implements Result {
    }

    /** Another runner holds the saga. */
    record Held() implements Result {
    }

    /** There is no such saga. */
    record Missing() implements Result {
    }

    /** The lease was lost while this runner worked: another runner has the saga now. */
    record Stale() implements Result {
    }

    private static final class LostLease extends RuntimeException {
        private static final long serialVersionUID = 1L;

        LostLease() {
            super(null, null, false, false);
        }
    }

    /** The saga a call holds: its record's token and the journal being advanced. */
    private static final class Holder {
        final String id;
        final long token;
        final SagaJournal journal;
        Duration lease;
        boolean cancelRequested;
        /** Whether the last write ended the lease (a saga that ended or waits). */
        boolean released;

        Holder(String id, long token, SagaJournal journal, Duration lease) {
            this.id = id;
            this.token = token;
            this.journal = journal;
            this.lease = lease;
        }
    }

    private final SagaStore store;
    private final Map<String, SagaDefinition<?>> definitions;
    private final ObjectWriter journalWriter;
    private final ObjectReader journalReader;
    private final Codec codec;
    private final JobEvents events;
    private final InstantSource clock;
    private final ExecutorService stepThreads = Executors.newVirtualThreadPerTaskExecutor();

    SagaEngine(SagaStore store, Map<String, SagaDefinition<?>> definitions, ObjectMapper journalMapper, Codec codec,
            JobEvents events, InstantSource clock) {
        this.store = store;
        this.definitions = definitions;
        this.journalWriter = journalMapper.writerFor(SagaJournal.class);
        this.journalReader = journalMapper.readerFor(SagaJournal.class);
        this.codec = codec;
        this.events = events;
        this.clock = clock;
    }

    /** Advances saga {@code id} as far as it goes now. */
    Result advance(String id) throws InterruptedException {
        // The definition is known only once the saga is read: take the longest lease of any.
        Duration first = definitions.values().stream().map(SagaDefinition::lease).max(Duration::compareTo)
                .orElse(DEFAULT_LEASE);
        Optional<SagaRecord> acquired = store.acquire(id, first);
        if (acquired.isEmpty()) {
            return store.find(id).isPresent() ? new Held() : new Missing();
        }
        SagaRecord record = acquired.get();
        Holder h = new Holder(id, record.token(), read(record.journal()), first);
        h.cancelRequested = record.cancelRequested();
        boolean lost = false;
        try {
            return drive(h, record);
        } catch (LostLease e) {
            lost = true;
            LOG.warn("Saga {} {}: its lease was lost (another runner has it); this runner stops", record.name(), id);
            return new Stale();
        } finally {
            if (!lost && !h.released) {
                store.release(id, h.token);
            }
        }
    }

    private Result drive(Holder h, SagaRecord record) throws InterruptedException {
        SagaJournal j = h.journal;
        if (j.status().isTerminal()) {
            return new Ended(j.view(h.id, record.cancelRequested()));
        }
        SagaDefinition<?> def = definitions.get(record.name());
        String refusal = def == null ? "no saga named '" + record.name() + "' is registered in this worker"
                : !def.stepNames().equals(j.steps) ? "the registered saga '" + def.name() + "' has the steps "
                        + def.stepNames() + ", but this saga was started with " + j.steps + "; it is not advanced"
                        : null;
        if (refusal != null) {
            if (!refusal.equals(j.error)) {
                LOG.warn("Saga {} {}: {}", record.name(), h.id, refusal);
                j.error = refusal;
                write(h);
            }
            return new Wait(REFUSED_RETRY);
        }
        h.lease = def.lease();
        return drive(h, def);
    }

    private <A> Result drive(Holder h, SagaDefinition<A> def) throws InterruptedException {
        SagaJournal j = h.journal;
        A args = args(j, def);
        while (true) {
            long now = clock.millis();
            switch (j.status()) {
                case RUNNING -> {
                    boolean cancel = h.cancelRequested;
                    if (cancel || j.deadlineAt != null && now >= j.deadlineAt) {
                        compensate(h, cancel ? "cancelled" : "its deadline passed", cancel);
                        continue;
                    }
                    int i = 0;
                    while (i < j.entries.size() && j.entries.get(i).execute.status == RunStatus.SUCCEEDED) {
                        i++;
                    }
                    if (i == j.entries.size()) {
                        status(h, SagaStatus.SUCCEEDED);
                        continue;
                    }
                    Entry e = j.entries.get(i);
                    SagaDefinition.Step<A> step = def.steps().get(i);
                    if (e.execute.status == RunStatus.STARTED && !step.options().idempotent()) {
                        e.execute.status = RunStatus.FAILED;
                        e.execute.endedAt = now;
                        e.execute.lastError = "its runner stopped while it ran, and it is not idempotent";
                        compensate(h, "step '" + step.name() + "' was interrupted (its runner stopped) and is not"
                                + " idempotent", false);
                        continue;
                    }
                    Result wait = attempt(h, step, e.execute, Direction.EXECUTE, args, now);
                    if (wait != null) {
                        return wait;
                    }
                    if (e.execute.status == RunStatus.FAILED) {
                        compensate(h, "step '" + step.name() + "' failed: " + e.execute.lastError, false);
                    }
                }
                case COMPENSATING -> {
                    int k = j.entries.size() - 1;
                    while (k >= 0 && (j.entries.get(k).execute.status == RunStatus.PENDING
                            || j.entries.get(k).compensate.status == RunStatus.SUCCEEDED
                            || j.entries.get(k).compensate.status == RunStatus.FAILED)) {
                        k--;
                    }
                    if (k < 0) {
                        boolean failed = j.entries.stream().anyMatch(x -> x.compensate.status == RunStatus.FAILED);
                        status(h, failed ? SagaStatus.COMPENSATION_FAILED
                                : j.cancelled ? SagaStatus.CANCELLED : SagaStatus.COMPENSATED);
                        continue;
                    }
                    Entry e = j.entries.get(k);
                    SagaDefinition.Step<A> step = def.steps().get(k);
                    Result wait = attempt(h, step, e.compensate, Direction.COMPENSATE, args, now);
                    if (wait != null) {
                        return wait;
                    }
                    if (e.compensate.status == RunStatus.FAILED) {
                        j.error = "compensating step '" + step.name() + "' failed: " + e.compensate.lastError;
                        if (def.stopCompensatingOnFailure()) {
                            status(h, SagaStatus.COMPENSATION_FAILED);
                        } else {
                            write(h);
                        }
                    }
                }
                default -> {
                    return new Ended(j.view(h.id, h.cancelRequested));
                }
            }
        }
    }

    /**
     * One attempt of one direction of a step, journaled before and after; returns a wait if it
     * failed and is retried later, else null (the run is then SUCCEEDED or FAILED, or RETRYING now).
     */
    private <A> Result attempt(Holder h, SagaDefinition.Step<A> step, Run run, Direction direction, A args, long now)
            throws InterruptedException {
        if (run.status == RunStatus.RETRYING && run.nextAt != null && run.nextAt > now) {
            return new Wait(Duration.ofMillis(run.nextAt - now));
        }
        run.status = RunStatus.STARTED;
        run.attempts++;
        run.startedAt = now;
        run.nextAt = null;
        write(h);
        emit(EventType.SAGA_STEP_STARTED, h, step.name(), direction, run.attempts, Duration.ZERO, null);
        // The step writes to a copy of the outputs: a lease renewal may write the journal meanwhile.
        Map<String, JsonNode> outputs = new LinkedHashMap<>(h.journal.outputs);
        SagaContext ctx = new SagaContext(h.id, step.name(), direction, run.attempts, outputs, codec.mapper());
        Throwable failure = runStep(h, direction == Direction.EXECUTE ? step.execute() : step.compensate(), ctx,
                args, step.options().timeout(), step.name());
        h.journal.outputs = outputs;
        long end = clock.millis();
        if (failure == null) {
            // Journaled with the next write, which always comes before the next step starts or the
            // saga ends: a crash before it finds the step started, as a crash just after its effect.
            run.status = RunStatus.SUCCEEDED;
            run.endedAt = end;
            emit(EventType.SAGA_STEP_SUCCEEDED, h, step.name(), direction, run.attempts, Duration.ZERO, null);
            return null;
        }
        run.lastError = failure.getClass().getName() + (failure.getMessage() == null ? "" : ": " + failure.getMessage());
        RetryPolicy policy = direction == Direction.EXECUTE ? step.options().executeRetry()
                : step.options().compensateRetry();
        RetryDecision decision = failure instanceof ActionRetryException retry
                ? RetryDecision.retryAfter(Duration.ofMillis(retry.msBackoff()))
                : policy.decide(run.attempts, failure);
        if (decision.retry()) {
            run.status = RunStatus.RETRYING;
            run.nextAt = end + decision.delay().toMillis();
            // A wait ends the lease in the same write; a retry at once keeps it.
            write(h, decision.delay().isZero() ? h.lease : Duration.ZERO);
            emit(EventType.SAGA_STEP_FAILED, h, step.name(), direction, run.attempts, decision.delay(), failure);
            LOG.debug("Saga {} {}: {} of step '{}' failed on attempt {}; again in {}: {}", h.journal.name, h.id,
                    direction, step.name(), run.attempts, decision.delay(), run.lastError);
            return decision.delay().isZero() ? null : new Wait(decision.delay());
        }
        run.status = RunStatus.FAILED;
        run.endedAt = end;
        write(h);
        emit(EventType.SAGA_STEP_FAILED, h, step.name(), direction, run.attempts, Duration.ZERO, failure);
        LOG.warn("Saga {} {}: {} of step '{}' failed for good after {} attempts: {}", h.journal.name, h.id,
                direction, step.name(), run.attempts, run.lastError);
        return null;
    }

    /**
     * Runs a step on a virtual thread, waiting up to its timeout and renewing the saga's lease every
     * third of it meanwhile; returns its failure or null. If a renewal finds the lease lost, the
     * step is interrupted and {@link LostLease} thrown.
     */
    private <A> Throwable runStep(Holder h, SagaStep<A> code, SagaContext ctx, A args, Duration timeout,
            String name) throws InterruptedException {
        Future<Void> f = stepThreads.submit(() -> {
            code.run(ctx, args);
            return null;
        });
        long deadline = System.nanoTime() + timeout.toNanos();
        long beat = Math.max(1_000_000L, h.lease.toNanos() / 3);
        try {
            while (true) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    f.cancel(true);
                    return new TimeoutException("step '" + name + "' took longer than its timeout of " + timeout);
                }
                try {
                    f.get(Math.min(left, beat), TimeUnit.NANOSECONDS);
                    return null;
                } catch (TimeoutException e) {
                    if (System.nanoTime() - deadline < 0) {
                        write(h);
                    }
                }
            }
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (InterruptedException | LostLease e) {
            f.cancel(true);
            throw e;
        }
    }

    private void compensate(Holder h, String reason, boolean cancelled) {
        h.journal.error = reason;
        h.journal.cancelled = cancelled;
        status(h, SagaStatus.COMPENSATING);
    }

    private void status(Holder h, SagaStatus status) {
        h.journal.status = status.name();
        // An ended saga is released in the same write.
        write(h, status.isTerminal() ? Duration.ZERO : h.lease);
        events.emit(EventType.SAGA_STATUS, h.id, h.journal.name, 0, Duration.ZERO, Map.of("status", status.name()),
                null);
        if (status == SagaStatus.COMPENSATION_FAILED) {
            LOG.warn("Saga {} {} ended COMPENSATION_FAILED: {}", h.journal.name, h.id, h.journal.error);
        } else if (status.isTerminal()) {
            LOG.debug("Saga {} {} ended {}", h.journal.name, h.id, status);
        }
    }

    private void emit(EventType type, Holder h, String step, Direction direction, int attempt, Duration delay,
            Throwable failure) {
        events.emit(type, h.id, h.journal.name, attempt, delay,
                Map.of("step", step, "direction", direction.name()), failure);
    }

    /** Writes the journal under the lease and renews it; throws {@link LostLease} if the lease is gone. */
    private void write(Holder h) {
        write(h, h.lease);
    }

    /** Writes the journal; {@code lease} zero releases the saga. */
    private void write(Holder h, Duration lease) {
        h.journal.updatedAt = clock.millis();
        SagaStore.Write w = store.update(h.id, h.token, h.journal.status, json(h.journal), lease);
        if (w == SagaStore.Write.STALE) {
            throw new LostLease();
        }
        h.cancelRequested |= w == SagaStore.Write.WRITTEN_CANCEL_REQUESTED;
        h.released = lease.isZero();
    }

    private <A> A args(SagaJournal j, SagaDefinition<A> def) {
        try {
            return codec.mapper().readerFor(def.argsType()).readValue(j.args);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("the arguments of saga '" + def.name() + "' do not fit "
                    + def.argsType().toCanonical() + ": " + e.getMessage(), e);
        }
    }

    String json(SagaJournal journal) {
        try {
            return journalWriter.writeValueAsString(journal);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a saga journal: " + e.getOriginalMessage(), e);
        }
    }

    SagaJournal read(String json) {
        try {
            return journalReader.readValue(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a saga journal does not parse: " + e.getOriginalMessage(), e);
        }
    }
}
