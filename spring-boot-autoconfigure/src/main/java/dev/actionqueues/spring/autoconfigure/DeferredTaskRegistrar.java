package dev.actionqueues.spring.autoconfigure;

import dev.actionqueues.deferred.Deferrable;
import dev.actionqueues.spring.DeferredTask;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;

/**
 * Registers every {@link DeferredTask} bean with the Deferrable once all singletons exist: late
 * enough that a task's handler may depend on beans that enqueue (and so on the Deferrable), early
 * enough that the worker, a lifecycle bean, starts with every task known.
 */
final class DeferredTaskRegistrar implements SmartInitializingSingleton {

    private final Deferrable deferrable;
    private final ObjectProvider<DeferredTask<?>> tasks;

    DeferredTaskRegistrar(Deferrable deferrable, ObjectProvider<DeferredTask<?>> tasks) {
        this.deferrable = deferrable;
        this.tasks = tasks;
    }

    @Override
    public void afterSingletonsInstantiated() {
        tasks.orderedStream().forEach(this::register);
    }

    private <A> void register(DeferredTask<A> task) {
        try {
            deferrable.register(task.descriptor(), task.handler());
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("cannot register the DeferredTask bean for task '" + task.name() + "': "
                    + e.getMessage(), e);
        }
    }
}
