package dev.actionqueues.exceptionfactory;

/**
 * Decides which exception an action throws when it hits a retryable failure: an
 * {@link dev.actionqueues.ActionRetryException} while retries remain, a final exception once they
 * are used up. An action keeps one factory for {@code execute} and a separate one for
 * {@code rollback}, and calls {@link #raiseException(Exception)} from its {@code catch} block.
 *
 * <p>Implementations keep per-action state (the retries used so far); whether they are thread-safe
 * is up to each one.
 */
@FunctionalInterface
public interface ExceptionFactory {

    /**
     * Always throws: an {@link dev.actionqueues.ActionRetryException} if the action should be
     * retried, otherwise the exception that ends the action.
     *
     * @param original the failure being handled, or null
     * @throws Exception always
     */
    void raiseException(Exception original) throws Exception;

    /**
     * Same as {@code raiseException(null)}.
     *
     * @throws Exception always
     */
    default void raiseException() throws Exception {
        raiseException(null);
    }
}
