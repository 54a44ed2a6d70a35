/**
 * OpenTelemetry tracing for deferred jobs, through the Deferrable's metadata and listener
 * mechanisms, so no engine code knows OpenTelemetry: {@link dev.actionqueues.opentelemetry.JobTracing}
 * starts a PRODUCER span {@code send <group>} at {@code later()} and carries its W3C trace context
 * ({@code traceparent}, {@code tracestate}) in the job's metadata, and runs each attempt in a
 * CONSUMER span {@code process <group>} linked to that context, and its child when configured.
 */
package dev.actionqueues.opentelemetry;
