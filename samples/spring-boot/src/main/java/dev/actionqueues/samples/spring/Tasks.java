package dev.actionqueues.samples.spring;

import dev.actionqueues.deferred.TaskDescriptor;
import dev.actionqueues.deferred.TaskOptions;

/** The tasks of this application: shared by the producer and the task bean. */
public final class Tasks {

    /** The arguments of a welcome mail. */
    public record Welcome(String email, String name) {
    }

    /** Sends a welcome mail; retried up to 5 times. */
    public static final TaskDescriptor<Welcome> WELCOME = TaskDescriptor.of("send-welcome", Welcome.class)
            .withOptions(TaskOptions.builder().maxAttempts(5).build());

    private Tasks() {
    }
}
