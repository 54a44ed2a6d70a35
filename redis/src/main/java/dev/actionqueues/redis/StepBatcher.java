package dev.actionqueues.redis;

import static dev.actionqueues.redis.RedisOps.call;

import dev.actionqueues.deferred.spi.CallCombiner;
import dev.actionqueues.deferred.spi.Lease;
import dev.actionqueues.redis.RedisEntries.ClaimReply;
import io.lettuce.core.ScriptOutputType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Completes and claims jobs of one queue in combined script calls: each thread's {@link Step} (complete a
 * lease, then claim jobs) joins the steps other threads have pending, through a {@link CallCombiner}, into one
 * call of {@code step.lua}; the claimed jobs are shared out in step order. Thread-safe.
 */
final class StepBatcher {

    /** The most steps sent in one script call. */
    static final int MAX_STEPS = 64;

    /**
     * One thread's part of a combined call: complete a lease, then claim jobs.
     *
     * @param done the lease to complete first, or null for none
     * @param lease the lease duration of the claimed jobs; null when {@code claims} is 0
     * @param claims how many jobs to claim, 0 for none
     */
    record Step(Lease done, Duration lease, int claims) {

        /** Returns a step that only completes {@code done}. */
        static Step complete(Lease done) {
            return new Step(done, null, 0);
        }

        /** Returns a step that only claims up to {@code claims} jobs on a lease of {@code lease}. */
        static Step claim(Duration lease, int claims) {
            return new Step(null, lease, claims);
        }
    }

    /**
     * What one step did.
     *
     * @param completed whether its lease was still held and is now completed (false if it had none)
     * @param claimed the jobs it claimed, at most its {@code claims}
     */
    record StepResult(boolean completed, List<Lease> claimed) {
    }

    private final RedisOps ops;
    private final String[] queueKeys;
    private final Consumer<Optional<Duration>> whenEmpty;
    private final CallCombiner<Step, StepResult> combiner = new CallCombiner<>(MAX_STEPS, this::run);

    /**
     * Creates the batcher of the queue with these {@link RedisKeys#queueKeys()}; {@code whenEmpty} is told,
     * whenever a claim finds nothing, how long until the next delayed job or lease expiry falls due, if any.
     */
    StepBatcher(RedisOps ops, String[] queueKeys, Consumer<Optional<Duration>> whenEmpty) {
        this.ops = Objects.requireNonNull(ops, "ops");
        this.queueKeys = queueKeys.clone();
        this.whenEmpty = Objects.requireNonNull(whenEmpty, "whenEmpty");
    }

    /** Runs {@code step} in one script call together with the steps other threads have pending. */
    StepResult submit(Step step) {
        return combiner.submit(step);
    }

    /**
     * Runs {@code steps} in one script call: first every completion, then one claim for all the jobs wanted,
     * on the longest lease asked for; the jobs go to the steps in order, each taking up to its {@code claims}.
     */
    List<StepResult> run(List<Step> steps) {
        List<String> args = new ArrayList<>(2 + steps.size() * 2);
        Duration lease = null;
        int wanted = 0;
        args.add("");
        args.add("");
        for (Step s : steps) {
            if (s.claims() > 0) {
                wanted += s.claims();
                if (lease == null || s.lease().compareTo(lease) > 0) {
                    lease = s.lease();
                }
            }
            if (s.done() != null) {
                args.add(s.done().jobId());
                args.add(s.done().receipt());
            }
        }
        Duration leaseFinal = lease == null ? Duration.ofSeconds(1) : lease;
        args.set(0, Long.toString(leaseFinal.toMillis()));
        args.set(1, Integer.toString(wanted));
        List<Object> r = call(() -> ops.run(Script.STEP, ScriptOutputType.MULTI, queueKeys,
                args.toArray(String[]::new)), "claim/complete");
        String flags = (String) r.get(0);
        List<Lease> claimed = List.of();
        if (wanted > 0) {
            ClaimReply reply = RedisEntries.parseClaim(r, 1, leaseFinal);
            if (reply.empty()) {
                whenEmpty.accept(reply.nextEvent());
            }
            claimed = reply.leases();
        }
        List<StepResult> out = new ArrayList<>(steps.size());
        int flag = 0;
        int job = 0;
        for (Step s : steps) {
            boolean completed = s.done() != null && flags.charAt(flag++) == '1';
            int n = Math.min(s.claims(), claimed.size() - job);
            out.add(new StepResult(completed, n == 0 ? List.of() : List.copyOf(claimed.subList(job, job + n))));
            job += n;
        }
        return out;
    }
}
