package dev.actionqueues.deferred;

import com.fasterxml.jackson.databind.JavaType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Defines a durable saga, from {@link Deferrable#saga(String, Class)}: its steps in order, each
 * with an execute and a compensate, then {@link #register()}. Not thread-safe.
 *
 * @param <A> the type of the saga's arguments
 */
public final class SagaBuilder<A> {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.:-]{1,100}");

    private final Sagas sagas;
    private final String name;
    private final JavaType argsType;
    private final List<SagaDefinition.Step<A>> steps = new ArrayList<>();
    private final Set<String> stepNames = new HashSet<>();
    private Duration deadline;
    private boolean stopCompensatingOnFailure;
    private Duration retention = Duration.ofDays(7);
    private Duration lease = Duration.ofSeconds(30);

    SagaBuilder(Sagas sagas, String name, JavaType argsType) {
        this.sagas = sagas;
        this.name = checkName(name, "saga name");
        this.argsType = argsType;
    }

    /**
     * Adds a step with the default options.
     *
     * @param stepName the step's name, unique in the saga: 1 to 100 of {@code A-Z a-z 0-9 _ . : -}
     * @param execute what the step does
     * @param compensate what undoes it; {@link SagaStep#nothing()} if nothing needs undoing
     * @return this builder
     */
    public SagaBuilder<A> step(String stepName, SagaStep<A> execute, SagaStep<A> compensate) {
        return step(stepName, execute, compensate, SagaStepOptions.DEFAULTS);
    }

    /**
     * Adds a step.
     *
     * @param stepName the step's name, unique in the saga
     * @param execute what the step does
     * @param compensate what undoes it
     * @param options its retry policies, timeout and idempotence
     * @return this builder
     * @throws IllegalArgumentException if the name is malformed or taken
     */
    public SagaBuilder<A> step(String stepName, SagaStep<A> execute, SagaStep<A> compensate,
            SagaStepOptions options) {
        checkName(stepName, "step name");
        if (!stepNames.add(stepName)) {
            throw new IllegalArgumentException("saga '" + name + "' already has a step '" + stepName + "'");
        }
        steps.add(new SagaDefinition.Step<>(stepName, Objects.requireNonNull(execute, "execute"),
                Objects.requireNonNull(compensate, "compensate"), Objects.requireNonNull(options, "options")));
        return this;
    }

    /**
     * How long a saga may run: once it has run this long, it stops before its next step and
     * compensates (none unless set).
     *
     * @param deadline positive
     * @return this builder
     */
    public SagaBuilder<A> deadline(Duration deadline) {
        Objects.requireNonNull(deadline, "deadline");
        if (deadline.isZero() || deadline.isNegative()) {
            throw new IllegalArgumentException("deadline must be positive, was " + deadline);
        }
        this.deadline = deadline;
        return this;
    }

    /**
     * Whether a compensation that fails for good stops the compensations still to run (false
     * unless set: the others are still attempted, and the saga ends
     * {@link SagaStatus#COMPENSATION_FAILED} either way).
     *
     * @param stop whether to stop there
     * @return this builder
     */
    public SagaBuilder<A> stopCompensatingOnFailure(boolean stop) {
        this.stopCompensatingOnFailure = stop;
        return this;
    }

    /**
     * How long the journal of an ended saga is kept (7 days unless set).
     *
     * @param retention positive
     * @return this builder
     */
    public SagaBuilder<A> retention(Duration retention) {
        Objects.requireNonNull(retention, "retention");
        if (retention.isZero() || retention.isNegative()) {
            throw new IllegalArgumentException("retention must be positive, was " + retention);
        }
        this.retention = retention;
        return this;
    }

    /**
     * How long a runner holds a saga without renewing it (30 s unless set). While a step runs, the
     * runner renews the lease every third of it; if the runner dies, another one resumes the saga
     * once the lease ran out.
     *
     * @param lease between 1 s and 1 hour
     * @return this builder
     */
    public SagaBuilder<A> lease(Duration lease) {
        Objects.requireNonNull(lease, "lease");
        if (lease.compareTo(Duration.ofSeconds(1)) < 0 || lease.compareTo(Duration.ofHours(1)) > 0) {
            throw new IllegalArgumentException("lease must be between 1 s and 1 hour, was " + lease);
        }
        this.lease = lease;
        return this;
    }

    /**
     * Registers the saga with the Deferrable, so that its workers run it.
     *
     * @return the handle to start it with
     * @throws IllegalStateException if it has no step, or a saga of this name is registered
     */
    public SagaHandle<A> register() {
        if (steps.isEmpty()) {
            throw new IllegalStateException("saga '" + name + "' has no step");
        }
        return sagas.register(new SagaDefinition<>(name, argsType, List.copyOf(steps), deadline,
                stopCompensatingOnFailure, retention, lease));
    }

    private static String checkName(String value, String what) {
        Objects.requireNonNull(value, what);
        if (!NAME.matcher(value).matches()) {
            throw new IllegalArgumentException(what + " must be 1 to 100 of A-Z a-z 0-9 _ . : -, was '" + value + "'");
        }
        return value;
    }
}
