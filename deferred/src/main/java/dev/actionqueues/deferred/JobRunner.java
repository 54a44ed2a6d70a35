package dev.actionqueues.deferred;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.actionqueues.deferred.JobPayload.ErrorJson;
import dev.actionqueues.deferred.spi.JobQueue;
import dev.actionqueues.deferred.spi.Lease;
import dev.actionqueues.retry.RetryDecision;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Map;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The consumer's side of a Deferrable: runs one claimed job to its end (decode, TTL, delivery
 * count, the handler) and then acts on the outcome: completes the job, puts it back for a retry as
 * its task's {@link dev.actionqueues.retry.RetryPolicy} decides, or moves it to the error queue
 * with the reason. It returns what happened and whether the caller still has to complete the job
 * (see {@link Completion}).
 *
 * <p>Whatever the handler throws fails the attempt, {@link Error}s included ({@link AssertionError},
 * {@link LinkageError}, {@link StackOverflowError}): retried only if its class is one the task
 * retries, else sent to the error queue with its type, message and stack trace. The other
 * {@link VirtualMachineError}s ({@link OutOfMemoryError}, {@link InternalError}, ...) say the JVM
 * itself is in trouble, not the job: the job is given back (no attempt counted) and the error
 * rethrown. Thread-safe.
 */
final class JobRunner {

    private static final Logger LOG = LoggerFactory.getLogger(Deferrable.class);
    /** Line breaks in a reason (Jackson's messages have them), so that a malformed job is one log line. */
    private static final Pattern LINE_BREAKS = Pattern.compile("\\s*\\R\\s*");

    /** Who completes a job that is done (it ran, or its TTL had passed). */
    enum Completion {
        /** The runner completes it before it reports {@code COMPLETE}. */
        HERE,
        /** The caller does, so that it can complete it together with claiming the next job. */
        BY_CALLER
    }

    /**
     * What a run did, and whether the job is done and waits for the caller to complete it (only
     * with {@link Completion#BY_CALLER}; a retried, dead-lettered or released job never does).
     */
    record Result(RunOutcome outcome, boolean awaitsCompletion) {
    }

    private final JobQueue queue;
    private final String group;
    private final TaskRegistry tasks;
    private final Codec codec;
    private final JobEvents events;
    private final InstantSource clock;
    private final Supplier<String> host;

    JobRunner(JobQueue queue, String group, TaskRegistry tasks, Codec codec, JobEvents events, InstantSource clock,
            Supplier<String> host) {
        this.queue = queue;
        this.group = group;
        this.tasks = tasks;
        this.codec = codec;
        this.events = events;
        this.clock = clock;
        this.host = host;
    }

    /** Runs one leased job to its end. */
    Result run(Lease lease, Completion completion) {
        Codec.RunView view = codec.readForRun(lease.payload(), tasks::argsReader);
        if (view != null) {
            JobPayload p = view.job();
            Map<String, Object> md = events.decode(p);
            events.emit(EventType.POP, lease.jobId(), p.task(), p.attempts(), Duration.ZERO, md, null, enqueuedAt(p));
            return run(lease, p, tasks.get(p.task()), md, true, view.args(), completion);
        }
        JobPayload p;
        try {
            p = codec.read(lease.payload());
            if (p.task() == null) {
                throw new IllegalArgumentException("no task name");
            }
            if (p.args() == null && p.raw() == null) {
                throw new IllegalArgumentException("no args");
            }
        } catch (Exception e) {
            events.emit(EventType.POP, lease.jobId(), null, 0, Duration.ZERO, Map.of(), null);
            String reason = "the payload does not parse as a job: " + e.getMessage();
            JobPayload raw = new JobPayload(JobPayload.VERSION, null, null, group, 0, 0, 0, null, null, null, null,
                    lease.payload());
            return rejectMalformed(lease, raw, null, reason, e, 0, Map.of());
        }
        Map<String, Object> md = events.decode(p);
        events.emit(EventType.POP, lease.jobId(), p.task(), p.attempts(), Duration.ZERO, md, null, enqueuedAt(p));
        RegisteredTask<?> task = tasks.get(p.task());
        if (task == null) {
            return rejectMalformed(lease, p, null, "unknown task '" + p.task() + "'", null, p.attempts(), md);
        }
        return run(lease, p, task, md, false, null, completion);
    }

    /**
     * Runs a job. {@code p} is either the whole payload, or ({@code streamed}) the payload without
     * its arguments, with {@code decodedArgs} the arguments already in the task's type.
     */
    private <A> Result run(Lease lease, JobPayload p, RegisteredTask<A> task, Map<String, Object> md,
            boolean streamed, Object decodedArgs, Completion completion) {
        int execution = p.attempts() == Integer.MAX_VALUE ? Integer.MAX_VALUE : p.attempts() + 1;
        try {
            events.consume(md);
            if (p.ttlMillis() != null && p.queuedAt() != null && clock.millis() - p.queuedAt() > p.ttlMillis()) {
                LOG.info("Job {} of task '{}' expired: claimed more than {} ms after it was deferred", lease.jobId(),
                        task.name(), p.ttlMillis());
                events.emit(EventType.EXPIRE, lease.jobId(), task.name(), p.attempts(), Duration.ZERO, md, null);
                return done(lease, completion, md, new RunOutcome(RunOutcome.Status.EXPIRED, lease.jobId(),
                        task.name(), p.attempts(), null));
            }
            // In long: a stored count near Integer.MAX_VALUE must not wrap around and let the job run.
            long used = (long) p.attempts() + lease.deliveries();
            if (used > task.maxAttempts()) {
                String reason = "delivered " + lease.deliveries() + " times without finishing (a worker died or its"
                        + " lease ran out); " + task.maxAttempts() + " attempts allowed";
                return sendToErrorQueue(lease, whole(lease, p, streamed), task, reason, null,
                        (int) Math.min(Integer.MAX_VALUE, used - 1), md);
            }
            A args;
            if (streamed) {
                @SuppressWarnings("unchecked")
                A decoded = (A) decodedArgs;
                args = decoded;
            } else {
                try {
                    args = task.argsReader().readValue(p.args());
                } catch (Exception e) {
                    String reason = "the arguments do not fit " + task.type().toCanonical() + ": " + e.getMessage();
                    return rejectMalformed(lease, p, task, reason, e, p.attempts(), md);
                }
            }
            JobContext context = new JobContext(lease, task.name(), group, execution, queue);
            JobContext previous = JobContext.enter(context);
            try {
                task.handler().run(args);
            } finally {
                JobContext.restore(previous);
            }
            if (context.completedInTransaction()) {
                // The handler's transaction completed the job; nothing is left to complete here.
                events.emit(EventType.COMPLETE, lease.jobId(), task.name(), execution, Duration.ZERO, md, null);
                return new Result(new RunOutcome(RunOutcome.Status.RAN, lease.jobId(), task.name(), execution, null),
                        false);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            queue.release(lease, lease.payload(), Duration.ZERO);
            LOG.warn("Job {} of task '{}' was interrupted and given back to the queue", lease.jobId(), task.name());
            return new Result(new RunOutcome(RunOutcome.Status.RELEASED, lease.jobId(), task.name(), p.attempts(),
                    "interrupted"), false);
        } catch (StackOverflowError e) {
            // A VirtualMachineError, but the handler's frames are gone by now: a failure like any other.
            return failed(lease, whole(lease, p, streamed), task, e, execution, md);
        } catch (VirtualMachineError e) {
            throw givenBack(lease, e);
        } catch (Throwable e) {
            // Exceptions and the other Errors (AssertionError, LinkageError, ...) fail the attempt.
            return failed(lease, whole(lease, p, streamed), task, e, execution, md);
        }
        return done(lease, completion, md,
                new RunOutcome(RunOutcome.Status.RAN, lease.jobId(), task.name(), execution, null));
    }

    /** Completes a job that is done (or leaves that to the caller), then reports {@code COMPLETE}. */
    private Result done(Lease lease, Completion completion, Map<String, Object> md, RunOutcome outcome) {
        if (completion == Completion.HERE && !queue.complete(lease)) {
            LOG.warn("Job {}: the lease ran out and the job was handed to another consumer; it may run twice",
                    lease.jobId());
            leaseLost(lease, outcome.task(), outcome.attempts(), md);
        }
        events.emit(EventType.COMPLETE, lease.jobId(), outcome.task(), outcome.attempts(), Duration.ZERO, md, null);
        return new Result(outcome, completion == Completion.BY_CALLER);
    }

    /** The whole payload, arguments included, for a path that re-encodes the job. */
    private JobPayload whole(Lease lease, JobPayload p, boolean streamed) {
        if (!streamed) {
            return p;
        }
        try {
            return codec.read(lease.payload());
        } catch (JsonProcessingException e) {
            // Cannot happen for a payload the streaming path accepted (it is stricter); if it does,
            // the job is kept verbatim and goes to the error queue rather than looping.
            LOG.debug("Job {}: the payload ran but does not parse as a whole: {}", lease.jobId(),
                    e.getOriginalMessage());
            return new JobPayload(JobPayload.VERSION, p.task(), null, group, p.attempts(), 0, 0, null, null, null,
                    null, lease.payload());
        }
    }

    /**
     * Gives a job back to the queue, available at once and no attempt counted, before the JVM error
     * that stopped it is rethrown; a failure to give it back rides along, suppressed (the job then
     * runs again when its lease runs out).
     */
    private VirtualMachineError givenBack(Lease lease, VirtualMachineError fatal) {
        try {
            queue.release(lease, lease.payload(), Duration.ZERO);
        } catch (RuntimeException e) {
            fatal.addSuppressed(e);
        }
        return fatal;
    }

    /** Acts on the task's retry decision for a failed execution: a delayed retry, or the error queue. */
    private Result failed(Lease lease, JobPayload p, RegisteredTask<?> task, Throwable e, int execution,
            Map<String, Object> md) {
        if (p.raw() != null) {
            return rejectMalformed(lease, p, task, "the payload does not parse as a job", e, execution, md);
        }
        RetryDecision decision = task.retryPolicy().decide(execution, e);
        if (!decision.retry()) {
            String reason = task.retryPolicy().isRetryable(e) ? "failed " + execution + " times, the maximum"
                    : "failed with " + e.getClass().getName() + ", which is not retried";
            return sendToErrorQueue(lease, p, task, reason, e, execution, md);
        }
        Duration delay = decision.delay();
        Duration max = queue.capabilities().maxDelay();
        if (delay.compareTo(max) > 0) {
            delay = max;
        }
        String next = codec.write(p.withRetry(execution, clock.millis() + delay.toMillis()));
        LOG.info("Job {} of task '{}' failed on attempt {} of {}; retrying in {}: {}", lease.jobId(), task.name(),
                execution, task.maxAttempts(), delay, e.toString());
        if (!queue.release(lease, next, delay)) {
            LOG.warn("Job {} of task '{}': the lease was lost before the retry; another consumer has it",
                    lease.jobId(), task.name());
            leaseLost(lease, task.name(), execution, md);
        }
        events.emit(EventType.RETRY, lease.jobId(), task.name(), execution, delay, md, e);
        events.emit(EventType.COMPLETE, lease.jobId(), task.name(), execution, Duration.ZERO, md, null);
        return new Result(new RunOutcome(RunOutcome.Status.RETRIED, lease.jobId(), task.name(), execution, null),
                false);
    }

    /** Sends a job that failed, or kept losing its lease, to the error queue: a WARN with the stack trace. */
    private Result sendToErrorQueue(Lease lease, JobPayload p, RegisteredTask<?> task, String reason, Throwable e,
            int executions, Map<String, Object> md) {
        String taskName = task != null ? task.name() : p.task();
        if (e != null) {
            LOG.warn("Job {} of task '{}' sent to the error queue: {}", lease.jobId(), taskName, reason, e);
        } else {
            LOG.warn("Job {} of task '{}' sent to the error queue: {}", lease.jobId(), taskName, reason);
        }
        return moveToErrorQueue(lease, p, taskName, reason, e, executions, md);
    }

    /**
     * Sends a job that cannot run as it is stored (a payload that does not parse, an unknown task,
     * arguments that do not fit) to the error queue: one WARN line with the reason and no stack
     * trace, since a bad producer can write thousands of them; the entry keeps the stack trace.
     */
    private Result rejectMalformed(Lease lease, JobPayload p, RegisteredTask<?> task, String reason, Throwable e,
            int executions, Map<String, Object> md) {
        String taskName = task != null ? task.name() : p.task();
        String line = LINE_BREAKS.matcher(reason).replaceAll(" ");
        if (taskName == null) {
            LOG.warn("Job {} is malformed, sent to the error queue: {}", lease.jobId(), line);
        } else {
            LOG.warn("Job {} of task '{}' is malformed, sent to the error queue: {}", lease.jobId(), taskName, line);
        }
        return moveToErrorQueue(lease, p, taskName, reason, e, executions, md);
    }

    private Result moveToErrorQueue(Lease lease, JobPayload p, String taskName, String reason, Throwable e,
            int executions, Map<String, Object> md) {
        long now = clock.millis();
        ErrorJson error = new ErrorJson(e == null ? null : e.getClass().getName(), e == null ? null : e.getMessage(),
                e == null ? null : Codec.stackTrace(e), host.get(), now, reason, executions);
        if (!queue.deadLetter(lease, codec.write(p.withError(error, now)))) {
            LOG.warn("Job {} of task '{}': the lease was lost before the move to the error queue", lease.jobId(),
                    taskName);
            leaseLost(lease, taskName, executions, md);
        }
        events.emit(EventType.ERROR, lease.jobId(), taskName, executions, Duration.ZERO, md, e);
        events.emit(EventType.COMPLETE, lease.jobId(), taskName, executions, Duration.ZERO, md, null);
        return new Result(new RunOutcome(RunOutcome.Status.ERRORED, lease.jobId(), taskName, executions, reason),
                false);
    }

    /** The push time a job carries ({@link JobEvent#enqueuedAt()}), or null if it carries none. */
    private static Instant enqueuedAt(JobPayload p) {
        return p.lastPushTime() > 0 ? Instant.ofEpochMilli(p.lastPushTime()) : null;
    }

    /** Reports {@link EventType#LEASE_LOST} for a job this runner was finishing. */
    private void leaseLost(Lease lease, String taskName, int attempts, Map<String, Object> md) {
        events.emit(EventType.LEASE_LOST, lease.jobId(), taskName, attempts, Duration.ZERO, md, null);
    }

    /**
     * Reports {@link EventType#LEASE_LOST} for a job a worker completed itself (alone, with its next
     * claim, or in a batch) and found handed to another consumer; the task is not decoded again.
     */
    void leaseLost(Lease lease) {
        events.emit(EventType.LEASE_LOST, lease.jobId(), null, 0, Duration.ZERO, Map.of(), null);
    }
}
