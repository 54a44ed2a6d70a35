/**
 * What a Spring Boot application uses from the actionqueues starter: {@link dev.actionqueues.spring.DeferredTask}
 * beans declare the tasks this application runs, {@link dev.actionqueues.spring.TaskHandles} gives producers a
 * typed handle to enqueue jobs, {@link dev.actionqueues.spring.ActionQueuesCustomizer} beans adjust the builders
 * the auto-configuration uses, and {@link dev.actionqueues.spring.ActionQueuesWorker} runs the worker with the
 * application context's lifecycle. The auto-configuration itself lives in
 * {@code dev.actionqueues.spring.autoconfigure}.
 */
package dev.actionqueues.spring;
