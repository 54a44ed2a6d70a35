package dev.actionqueues.sqs.testing;

import java.lang.reflect.Method;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Skips named tests of a shared contract suite that cannot apply to a queue, each with its reason
 * in the skip message (the suite's own methods are package-private in another package, so they
 * cannot be overridden). Register it with {@code @RegisterExtension} on a static field. Immutable.
 */
public final class Inapplicable implements ExecutionCondition {

    /** Why a test that waits a fraction of a second past a computed delay cannot apply to SQS. */
    public static final String WHOLE_SECOND_DELAYS = "SQS counts delays in whole seconds, rounded up: a job delayed by "
            + "a computed 2.4 s becomes visible after 3 s, later than this test's margin of 0.2 s past the delay";

    private final Map<String, String> reasonByTest;

    private Inapplicable(Map<String, String> reasonByTest) {
        this.reasonByTest = Map.copyOf(reasonByTest);
    }

    /** A condition that skips the tests named as keys, with the values as reasons. */
    public static Inapplicable tests(Map<String, String> reasonByTest) {
        return new Inapplicable(reasonByTest);
    }

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        Optional<String> reason = context.getTestMethod().map(Method::getName).map(reasonByTest::get);
        return reason.map(ConditionEvaluationResult::disabled)
                .orElseGet(() -> ConditionEvaluationResult.enabled("applies"));
    }
}
