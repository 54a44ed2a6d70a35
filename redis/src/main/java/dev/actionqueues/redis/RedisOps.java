package dev.actionqueues.redis;

import dev.actionqueues.deferred.BackendException;
import io.lettuce.core.LMoveArgs;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisHashCommands;
import io.lettuce.core.api.sync.RedisKeyCommands;
import io.lettuce.core.api.sync.RedisListCommands;
import io.lettuce.core.api.sync.RedisScriptingCommands;
import io.lettuce.core.api.sync.RedisSortedSetCommands;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The few Redis commands the backend uses, over one Lettuce connection, standalone or Cluster
 * (Lettuce routes each command by its first key; all keys of a group share a hash tag).
 * Thread-safe: Lettuce connections are.
 */
final class RedisOps implements AutoCloseable {

    private final StatefulConnection<String, String> connection;
    private final io.lettuce.core.api.async.RedisScriptingAsyncCommands<String, String> asyncScripting;
    private final io.lettuce.core.api.async.RedisListAsyncCommands<String, String> asyncLists;
    private final ReplyWait replyWait;
    private final RedisScriptingCommands<String, String> scripting;
    private final RedisListCommands<String, String> lists;
    private final RedisKeyCommands<String, String> keys;
    private final RedisHashCommands<String, String> hashes;
    private final RedisSortedSetCommands<String, String> zsets;

    private RedisOps(StatefulConnection<String, String> connection, Object sync, Object async, ReplyWait replyWait) {
        this.connection = connection;
        this.replyWait = replyWait;
        @SuppressWarnings("unchecked")
        io.lettuce.core.api.async.RedisScriptingAsyncCommands<String, String> a =
                (io.lettuce.core.api.async.RedisScriptingAsyncCommands<String, String>) async;
        this.asyncScripting = a;
        @SuppressWarnings("unchecked")
        io.lettuce.core.api.async.RedisListAsyncCommands<String, String> al =
                (io.lettuce.core.api.async.RedisListAsyncCommands<String, String>) async;
        this.asyncLists = al;
        @SuppressWarnings("unchecked")
        RedisScriptingCommands<String, String> s = (RedisScriptingCommands<String, String>) sync;
        @SuppressWarnings("unchecked")
        RedisListCommands<String, String> l = (RedisListCommands<String, String>) sync;
        @SuppressWarnings("unchecked")
        RedisKeyCommands<String, String> k = (RedisKeyCommands<String, String>) sync;
        @SuppressWarnings("unchecked")
        RedisHashCommands<String, String> h = (RedisHashCommands<String, String>) sync;
        @SuppressWarnings("unchecked")
        RedisSortedSetCommands<String, String> z = (RedisSortedSetCommands<String, String>) sync;
        this.scripting = s;
        this.lists = l;
        this.keys = k;
        this.hashes = h;
        this.zsets = z;
    }

    static RedisOps of(StatefulRedisConnection<String, String> c) {
        return of(c, new ReplyWait(ReplyWait.DEFAULT_LIMIT));
    }

    static RedisOps of(StatefulRedisConnection<String, String> c, ReplyWait replyWait) {
        return new RedisOps(c, c.sync(), c.async(), replyWait);
    }

    static RedisOps of(StatefulRedisClusterConnection<String, String> c, ReplyWait replyWait) {
        return new RedisOps(c, c.sync(), c.async(), replyWait);
    }

    /** Runs {@code op}, wrapping a Lettuce exception in a {@link BackendException} that names {@code what}. */
    static <T> T call(Supplier<T> op, String what) {
        try {
            return op.get();
        } catch (RedisException e) {
            throw new BackendException("Redis " + what + " failed: " + e.getMessage(), e);
        }
    }

    /**
     * Runs a script by digest, loading it first when the server does not know it (e.g. after a
     * restart). The wait is not interruptible: a state change that was sent is seen through, so its
     * result (a claimed lease, say) is never lost; an interrupt stays pending for the caller.
     */
    <T> T run(Script script, ScriptOutputType type, String[] keyArgs, String... args) {
        try {
            long sentAt = System.nanoTime();
            return await(asyncScripting.<T>evalsha(script.sha(), type, keyArgs, args), sentAt);
        } catch (RedisNoScriptException e) {
            long sentAt = System.nanoTime();
            return await(asyncScripting.<T>eval(script.source(), type, keyArgs, args), sentAt);
        }
    }

    /** Waits for a reply: spinning first where {@link ReplyWait} lets it, then parked, uninterruptibly. */
    private <T> T await(java.util.concurrent.CompletionStage<T> stage, long sentAt) {
        java.util.concurrent.CompletableFuture<T> f = stage.toCompletableFuture();
        replyWait.track(f, sentAt);
        replyWait.spin(f, sentAt);
        long limit = connection.getTimeout().plusSeconds(5).toNanos();
        long deadline = System.nanoTime() + limit;
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return f.get(Math.max(1, deadline - System.nanoTime()),
                            java.util.concurrent.TimeUnit.NANOSECONDS);
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (java.util.concurrent.ExecutionException e) {
                    if (e.getCause() instanceof RuntimeException re) {
                        throw re;
                    }
                    throw new RedisException(e.getCause());
                } catch (java.util.concurrent.TimeoutException e) {
                    throw new io.lettuce.core.RedisCommandTimeoutException(
                            "no reply within " + connection.getTimeout());
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Blocks until the list is non-empty or the timeout passes, without changing it: BLMOVE from the
     * list's tail to its tail is one atomic command, so nothing can be lost if the client dies.
     */
    String awaitNonEmpty(Duration timeout, String key) {
        double seconds = Math.max(0.01, timeout.toMillis() / 1000.0);
        return lists.blmove(key, key, LMoveArgs.Builder.rightRight(), seconds);
    }

    long lpush(String key, String... values) {
        long sentAt = System.nanoTime();
        return await(asyncLists.lpush(key, values), sentAt);
    }

    void setTimeout(Duration timeout) {
        connection.setTimeout(timeout);
    }

    long del(String... k) {
        long n = 0;
        for (String key : k) {
            n += keys.del(key);
        }
        return n;
    }

    /** Every key matching {@code pattern} (SCAN, across all nodes of a Cluster). */
    List<String> scanKeys(String pattern) {
        List<String> out = new java.util.ArrayList<>();
        io.lettuce.core.ScanArgs args = io.lettuce.core.ScanArgs.Builder.matches(pattern).limit(500);
        io.lettuce.core.KeyScanCursor<String> cursor = keys.scan(args);
        out.addAll(cursor.getKeys());
        while (!cursor.isFinished()) {
            cursor = keys.scan(cursor, args);
            out.addAll(cursor.getKeys());
        }
        return out;
    }

    List<String> zrange(String key, long start, long stop) {
        return zsets.zrange(key, start, stop);
    }

    Map<String, String> hmgetAll(String key, List<String> fields) {
        Map<String, String> out = new java.util.LinkedHashMap<>();
        if (fields.isEmpty()) {
            return out;
        }
        for (var kv : hashes.hmget(key, fields.toArray(String[]::new))) {
            if (kv.hasValue()) {
                out.put(kv.getKey(), kv.getValue());
            }
        }
        return out;
    }

    String hget(String key, String field) {
        return hashes.hget(key, field);
    }

    long hlen(String key) {
        return hashes.hlen(key);
    }

    @Override
    public void close() {
        connection.close();
    }
}
