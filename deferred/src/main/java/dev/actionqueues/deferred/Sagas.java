package dev.actionqueues.deferred;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.actionqueues.deferred.spi.SagaRecord;
import dev.actionqueues.deferred.spi.SagaStore;
import dev.actionqueues.retry.Sleeper;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The durable sagas of a {@link Deferrable}, from {@link Deferrable#sagas()}: see what they do
 * ({@link #find}, {@link #list}), {@link #cancel} one, or {@link #retryCompensation} of one whose
 * compensation failed. Sagas are defined with {@link Deferrable#saga(String, Class)}.
 *
 * <p>A saga is driven by jobs of an internal task, {@value #WAKE_TASK}, on the Deferrable's own
 * queue: any {@link Worker} (or {@link Deferrable#runOnce()}) of a Deferrable that registered the
 * saga runs its steps; a job that finds the saga waiting for a retry schedules the next one.
 * Thread-safe.
 */
public final class Sagas {

    /** The internal task whose jobs advance sagas. */
    public static final String WAKE_TASK = "actionqueues.saga";

    private static final Logger LOG = LoggerFactory.getLogger(Sagas.class);
    private static final Pattern SAGA_ID = Pattern.compile("[A-Za-z0-9_.:@/+=-]{1,200}");
    private static final List<String> TERMINAL = List.of(SagaStatus.SUCCEEDED.name(),
            SagaStatus.COMPENSATED.name(), SagaStatus.COMPENSATION_FAILED.name(), SagaStatus.CANCELLED.name());
    private static final Duration PRUNE_EVERY = Duration.ofMinutes(1);

    /** The argument of a wake job: which saga to advance. */
    record Wake(String id) {
    }

    private final SagaStore store;
    private final Codec codec;
    private final JobEvents events;
    private final InstantSource clock;
    private final Sleeper sleeper;
    private final ConcurrentHashMap<String, SagaDefinition<?>> definitions = new ConcurrentHashMap<>();
    private final SagaEngine engine;
    private final TaskHandle<Wake> wake;
    private final AtomicLong nextPrune;

    Sagas(Deferrable deferrable, SagaStore store, Codec codec, JobEvents events, InstantSource clock, Sleeper sleeper) {
        this.store = store;
        this.codec = codec;
        this.events = events;
        this.clock = clock;
        this.sleeper = sleeper;
        this.nextPrune = new AtomicLong(clock.millis());
        ObjectMapper journalMapper = new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        this.engine = new SagaEngine(store, definitions, journalMapper, codec, events, clock);
        this.wake = deferrable.register(WAKE_TASK, Wake.class, TaskOptions.builder().maxAttempts(100).build(),
                this::drive);
    }

    /**
     * A saga with its status and journal.
     *
     * @param id the saga id
     * @return the saga, or empty if there is none (or it ended and its retention passed)
     * @throws BackendException if the backend failed
     */
    public Optional<SagaView> find(String id) {
        Objects.requireNonNull(id, "id");
        return store.find(id).map(this::view);
    }

    /**
     * Sagas, most recently updated first.
     *
     * @param status only those with this status; null for all
     * @param offset how many to skip
     * @param limit at most how many
     * @return the sagas
     * @throws BackendException if the backend failed
     */
    public List<SagaView> list(SagaStatus status, int offset, int limit) {
        if (offset < 0 || limit < 1) {
            throw new IllegalArgumentException("offset must be >= 0 and limit >= 1, were " + offset + ", " + limit);
        }
        return store.list(status == null ? null : status.name(), offset, limit).stream().map(this::view).toList();
    }

    /**
     * Cancels a saga that has not ended: it stops before its next step and compensates what
     * started, in reverse order, then ends {@link SagaStatus#CANCELLED}. A step running now
     * finishes (or fails) first.
     *
     * @param id the saga id
     * @return false if there is no such saga or it has ended
     * @throws BackendException if the backend failed
     */
    public boolean cancel(String id) {
        Optional<SagaRecord> saga = store.find(Objects.requireNonNull(id, "id"));
        if (saga.isEmpty() || SagaStatus.valueOf(saga.get().status()).isTerminal()) {
            return false;
        }
        store.requestCancel(id);
        wake.later(new Wake(id));
        return true;
    }

    /**
     * Compensates again, after the fault was fixed, a saga that ended
     * {@link SagaStatus#COMPENSATION_FAILED}: its failed compensations get their attempts back and
     * run again (in reverse order); it then ends {@code COMPENSATED} or {@code CANCELLED}, or
     * {@code COMPENSATION_FAILED} again.
     *
     * @param id the saga id
     * @return false if there is no such saga, it is not {@code COMPENSATION_FAILED}, or a runner
     *     holds it right now
     * @throws BackendException if the backend failed
     */
    public boolean retryCompensation(String id) {
        Objects.requireNonNull(id, "id");
        Optional<SagaRecord> held = store.acquire(id, Duration.ofMinutes(1));
        if (held.isEmpty()) {
            return false;
        }
        SagaRecord r = held.get();
        try {
            SagaJournal j = engine.read(r.journal());
            if (j.status() != SagaStatus.COMPENSATION_FAILED) {
                return false;
            }
            for (SagaJournal.Entry e : j.entries) {
                if (e.compensate.status == SagaView.RunStatus.FAILED) {
                    e.compensate.status = SagaView.RunStatus.PENDING;
                    e.compensate.attempts = 0;
                    e.compensate.endedAt = null;
                }
            }
            j.status = SagaStatus.COMPENSATING.name();
            j.updatedAt = clock.millis();
            if (store.update(id, r.token(), j.status, engine.json(j), Duration.ofMinutes(1))
                    == SagaStore.Write.STALE) {
                return false;
            }
            events.emit(EventType.SAGA_STATUS, id, j.name, 0, Duration.ZERO,
                    java.util.Map.of("status", j.status), null);
        } finally {
            store.release(id, r.token());
        }
        wake.later(new Wake(id));
        return true;
    }

    <A> SagaHandle<A> register(SagaDefinition<A> definition) {
        if (definitions.putIfAbsent(definition.name(), definition) != null) {
            throw new IllegalStateException("saga '" + definition.name() + "' is already registered");
        }
        return new SagaHandle<>(this, definition);
    }

    JavaType type(Class<?> type) {
        return codec.mapper().constructType(type);
    }

    /** Starts a saga (or finds the one with this id) and makes sure a job will advance it. */
    <A> String start(SagaDefinition<A> definition, A args, String id, Duration wakeDelay) {
        Objects.requireNonNull(id, "sagaId");
        if (!SAGA_ID.matcher(id).matches()) {
            throw new IllegalArgumentException("a saga id must be 1 to 200 of A-Z a-z 0-9 _ . : @ / + = -, was '"
                    + id + "'");
        }
        long now = clock.millis();
        SagaJournal j = new SagaJournal();
        j.name = definition.name();
        j.steps = definition.stepNames();
        try {
            j.args = codec.toTree(args);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the arguments of saga '" + definition.name()
                    + "' do not serialise to JSON: " + e.getMessage(), e);
        }
        j.status = SagaStatus.RUNNING.name();
        j.createdAt = now;
        j.updatedAt = now;
        j.deadlineAt = definition.deadline() == null ? null : now + definition.deadline().toMillis();
        for (String step : j.steps) {
            SagaJournal.Entry e = new SagaJournal.Entry();
            e.step = step;
            j.entries.add(e);
        }
        if (store.create(id, definition.name(), j.status, engine.json(j))) {
            events.emit(EventType.SAGA_STATUS, id, definition.name(), 0, Duration.ZERO,
                    java.util.Map.of("status", j.status), null);
        } else {
            Optional<SagaRecord> existing = store.find(id);
            if (existing.isPresent() && !existing.get().name().equals(definition.name())) {
                throw new IllegalArgumentException("saga id '" + id + "' belongs to a saga of '"
                        + existing.get().name() + "', not '" + definition.name() + "'");
            }
            if (existing.isPresent() && SagaStatus.valueOf(existing.get().status()).isTerminal()) {
                return id;
            }
        }
        // Also on a second start: the saga may have been stored by a call whose push then failed.
        wake.later(new Wake(id), LaterOptions.delay(wakeDelay));
        return id;
    }

    /** Runs a saga on the calling thread; a wake job later resumes it if this JVM stops first. */
    <A> SagaView run(SagaDefinition<A> definition, A args) {
        String id = start(definition, args, Ids.newId(), definition.lease());
        try {
            while (true) {
                SagaEngine.Result r = engine.advance(id);
                switch (r) {
                    case SagaEngine.Ended ended -> {
                        prune();
                        if (ended.saga().status() == SagaStatus.SUCCEEDED) {
                            return ended.saga();
                        }
                        throw new SagaFailedException(ended.saga());
                    }
                    case SagaEngine.Wait w -> sleeper.sleep(w.delay());
                    case SagaEngine.Held h -> sleeper.sleep(Duration.ofSeconds(1));
                    case SagaEngine.Stale s -> sleeper.sleep(Duration.ofSeconds(1));
                    case SagaEngine.Missing m -> throw new IllegalStateException("saga " + id + " vanished");
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running saga " + id + "; a worker resumes it", e);
        }
    }

    /** The handler of wake jobs. */
    private void drive(Wake w) throws InterruptedException {
        SagaEngine.Result r = engine.advance(w.id());
        switch (r) {
            case SagaEngine.Ended ended -> prune();
            case SagaEngine.Wait wait -> wake.later(w, LaterOptions.delay(wait.delay()));
            case SagaEngine.Held held -> wake.later(w, LaterOptions.delay(longestLease()));
            case SagaEngine.Stale stale -> LOG.debug("Saga {}: taken over by another runner", w.id());
            case SagaEngine.Missing missing -> LOG.debug("Saga {}: gone (its retention passed?)", w.id());
        }
    }

    /** When a saga held by another runner is looked at again: once its lease could have run out. */
    private Duration longestLease() {
        return definitions.values().stream().map(SagaDefinition::lease).max(Duration::compareTo)
                .orElse(Duration.ofSeconds(30)).plusSeconds(1);
    }

    /** At most once a minute: deletes ended sagas whose retention passed. */
    private void prune() {
        long now = clock.millis();
        long due = nextPrune.get();
        if (now < due || !nextPrune.compareAndSet(due, now + PRUNE_EVERY.toMillis())) {
            return;
        }
        for (SagaDefinition<?> d : definitions.values()) {
            try {
                store.removeUpdatedBefore(d.name(), TERMINAL, Instant.ofEpochMilli(now).minus(d.retention()), 1000);
            } catch (BackendException e) {
                LOG.debug("Pruning ended sagas of '{}' failed; trying again later", d.name(), e);
            }
        }
    }

    private SagaView view(SagaRecord r) {
        return engine.read(r.journal()).view(r.id(), r.cancelRequested());
    }

    @Override
    public String toString() {
        return "Sagas" + definitions.keySet();
    }
}
