package dev.actionqueues.deferred;

import com.fasterxml.jackson.databind.JavaType;
import java.time.Duration;
import java.util.List;

/**
 * A registered saga: its steps in order and its rules. Immutable.
 *
 * @param name the saga's name
 * @param argsType the type of its arguments
 * @param steps the steps, in order
 * @param deadline how long it may run before it is compensated, or null for no deadline
 * @param stopCompensatingOnFailure whether a compensation that fails for good stops the others
 * @param retention how long its journal is kept once it ended
 * @param lease how long a runner holds the saga without renewing it (it renews every third of it
 *     while a step runs), so how soon another runner resumes a saga whose runner died
 */
record SagaDefinition<A>(String name, JavaType argsType, List<Step<A>> steps, Duration deadline,
        boolean stopCompensatingOnFailure, Duration retention, Duration lease) {

    /** One step: its name, both directions and its options. */
    record Step<A>(String name, SagaStep<A> execute, SagaStep<A> compensate, SagaStepOptions options) {
    }

    List<String> stepNames() {
        return steps.stream().map(Step::name).toList();
    }

}
