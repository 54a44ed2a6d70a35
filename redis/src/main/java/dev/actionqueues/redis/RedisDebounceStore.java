package dev.actionqueues.redis;

import dev.actionqueues.deferred.BackendException;
import dev.actionqueues.deferred.spi.Debounce;
import dev.actionqueues.deferred.spi.DebounceDecision;
import dev.actionqueues.deferred.spi.DebounceResult;
import dev.actionqueues.deferred.spi.DebounceStore;
import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisException;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * A {@link DebounceStore} in a standalone Redis, for brokers that keep no debounce state (SQS): the
 * producers of several processes share it. Each key is one hash ({@code <prefix>:debounce:{<scope>}:<key>}:
 * the pending job, the last start or due time, the window), decided and updated by short Lua scripts
 * on the server's clock, so concurrent producers of a key get one push.
 *
 * <p>A key expires once it decides nothing any more (its last start plus its window has passed and
 * no job is pending), and a pending job is given up {@link #PENDING_GRACE} after its window past its
 * due time: the job of a push that never happened (the process died between the decision and the
 * push) does not block its key for ever, but a job left unclaimed for longer than that no longer
 * collapses later calls (they push again). Cluster mode is not supported. The connection's password
 * never appears in {@link #toString()} or exceptions. Thread-safe.
 */
public final class RedisDebounceStore implements DebounceStore, AutoCloseable {

    /** How long past its due time and window a pending job is kept before its key is given up. */
    public static final Duration PENDING_GRACE = Duration.ofHours(1);

    /** KEYS[1] the key's hash; ARGV job id, window ms, always-delay (1/0), grace ms. */
    private static final String DECIDE = """
            local t = redis.call('TIME')
            local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
            local pending = redis.call('HGET', KEYS[1], 'pending')
            if pending then return {'SKIP', pending, '0'} end
            local window = tonumber(ARGV[2])
            local last = tonumber(redis.call('HGET', KEYS[1], 'last'))
            local delay = 0
            if ARGV[3] == '1' then delay = window
            elseif last ~= nil and now < last + window then delay = last + window - now end
            redis.call('HSET', KEYS[1], 'pending', ARGV[1], 'last', now + delay, 'window', window)
            redis.call('PEXPIRE', KEYS[1], delay + window + tonumber(ARGV[4]))
            if delay == 0 then return {'PUSH_NOW', ARGV[1], '0'} end
            return {'PUSH_DELAYED', ARGV[1], tostring(delay)}
            """;

    /** KEYS[1] the key's hash; ARGV job id, started (1) or abandoned (0). */
    private static final String CLEAR = """
            if redis.call('HGET', KEYS[1], 'pending') ~= ARGV[1] then return 0 end
            redis.call('HDEL', KEYS[1], 'pending')
            local last = tonumber(redis.call('HGET', KEYS[1], 'last')) or 0
            if ARGV[2] == '1' then
              local t = redis.call('TIME')
              local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
              if now > last then
                last = now
                redis.call('HSET', KEYS[1], 'last', last)
              end
            end
            local window = tonumber(redis.call('HGET', KEYS[1], 'window')) or 0
            redis.call('PEXPIREAT', KEYS[1], last + window)
            return 1
            """;

    private final RedisClient client;
    private final StatefulRedisConnection<String, String> connection;
    private final RedisCommands<String, String> redis;
    private final String prefix;

    private RedisDebounceStore(RedisClient client, String prefix) {
        this.client = client;
        this.prefix = prefix;
        try {
            this.connection = client.connect();
        } catch (RedisException e) {
            client.shutdown();
            throw new BackendException("cannot connect to the Redis of the debounce store: " + e.getMessage(), e);
        }
        this.redis = connection.sync();
    }

    /**
     * A store in the standalone Redis at {@code uri}, its keys under the default prefix
     * {@value RedisBackendFactory#DEFAULT_PREFIX}.
     *
     * @param uri e.g. {@code redis://127.0.0.1:6379}
     * @return the store; close it to close its connection
     * @throws BackendException if Redis cannot be reached
     */
    public static RedisDebounceStore create(String uri) {
        return create(uri, RedisBackendFactory.DEFAULT_PREFIX);
    }

    /**
     * A store in the standalone Redis at {@code uri}, its keys under {@code prefix}.
     *
     * @param uri e.g. {@code redis://127.0.0.1:6379}
     * @param prefix the key prefix, not blank
     * @return the store; close it to close its connection
     * @throws IllegalArgumentException if the prefix is blank or the URI does not parse
     * @throws BackendException if Redis cannot be reached
     */
    public static RedisDebounceStore create(String uri, String prefix) {
        Objects.requireNonNull(uri, "uri");
        if (Objects.requireNonNull(prefix, "prefix").isBlank()) {
            throw new IllegalArgumentException("prefix must not be blank");
        }
        RedisClient client;
        try {
            client = RedisClient.create(uri);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("not a Redis URI (redis://host:port)");
        }
        return new RedisDebounceStore(client, prefix);
    }

    @Override
    public DebounceResult decide(String scope, Debounce debounce, String jobId) {
        Objects.requireNonNull(debounce, "debounce");
        Objects.requireNonNull(jobId, "jobId");
        String key = key(scope, debounce.key());
        List<Object> r = call("decide", () -> redis.eval(DECIDE, ScriptOutputType.MULTI, new String[] {key}, jobId,
                Long.toString(Math.max(1, debounce.window().toMillis())), debounce.alwaysDelay() ? "1" : "0",
                Long.toString(PENDING_GRACE.toMillis())));
        return new DebounceResult(DebounceDecision.valueOf((String) r.get(0)), (String) r.get(1),
                Duration.ofMillis(Long.parseLong((String) r.get(2))));
    }

    @Override
    public void started(String scope, String key, String jobId) {
        clear(scope, key, jobId, "1");
    }

    @Override
    public void abandoned(String scope, String key, String jobId) {
        clear(scope, key, jobId, "0");
    }

    private void clear(String scope, String key, String jobId, String started) {
        Objects.requireNonNull(jobId, "jobId");
        String k = key(scope, key);
        call("update", () -> redis.eval(CLEAR, ScriptOutputType.INTEGER, new String[] {k}, jobId, started));
    }

    @Override
    public void flush(String scope) {
        String match = glob(prefix + ":debounce:{" + Objects.requireNonNull(scope, "scope") + "}:") + "*";
        call("flush", () -> {
            ScanCursor cursor = ScanCursor.INITIAL;
            do {
                KeyScanCursor<String> page = redis.scan(cursor, ScanArgs.Builder.matches(match).limit(500));
                if (!page.getKeys().isEmpty()) {
                    redis.unlink(page.getKeys().toArray(String[]::new));
                }
                cursor = page;
            } while (!cursor.isFinished());
            return null;
        });
    }

    /** Closes the connection and the client. */
    @Override
    public void close() {
        connection.close();
        client.shutdown();
    }

    @Override
    public String toString() {
        return "RedisDebounceStore[prefix=" + prefix + "]";
    }

    private String key(String scope, String key) {
        Objects.requireNonNull(scope, "scope");
        Objects.requireNonNull(key, "key");
        return prefix + ":debounce:{" + scope + "}:" + key;
    }

    /** {@code s} with the characters that SCAN's MATCH treats as a pattern escaped. */
    private static String glob(String s) {
        return s.replaceAll("([*?\\[\\]\\\\])", "\\\\$1");
    }

    private <T> T call(String what, Supplier<T> call) {
        try {
            return call.get();
        } catch (RedisException e) {
            throw new BackendException("Redis debounce " + what + " failed: " + e.getMessage(), e);
        }
    }
}
