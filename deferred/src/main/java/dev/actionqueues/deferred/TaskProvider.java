package dev.actionqueues.deferred;

/**
 * A set of task handlers packaged in a jar, found with {@link java.util.ServiceLoader}: the
 * {@code actionqueues worker --tasks your.jar} command loads every provider the jar names in
 * {@code META-INF/services/dev.actionqueues.deferred.TaskProvider} and asks each to register its
 * handlers on the group's {@link Deferrable}, then runs a worker for them. Implementations need a
 * public no-argument constructor.
 *
 * <pre>{@code
 * public final class ShopTasks implements TaskProvider {
 *     public void register(Deferrable deferrable) {
 *         deferrable.register("mail.send", Mail.class, mail -> mailer.send(mail));
 *     }
 * }
 * }</pre>
 */
public interface TaskProvider {

    /**
     * Registers this provider's tasks.
     *
     * @param deferrable the group's Deferrable, before its worker starts
     */
    void register(Deferrable deferrable);

    /**
     * Whether this provider has tasks for a group; the default serves every group.
     *
     * @param group the group the worker runs for
     * @return true to be asked to {@link #register}
     */
    default boolean serves(String group) {
        return true;
    }
}
