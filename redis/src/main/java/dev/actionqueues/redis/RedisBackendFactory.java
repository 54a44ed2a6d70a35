package dev.actionqueues.redis;

import dev.actionqueues.deferred.BackendException;
import dev.actionqueues.deferred.spi.Backend;
import dev.actionqueues.deferred.spi.BackendFactory;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * Backends on Redis, standalone or Cluster, through Lettuce: reliable at-least-once queues with
 * leases (server time, fencing tokens), delayed jobs without a limit, atomic debouncing across
 * processes, and an error queue, for as long as Redis keeps its data.
 *
 * <p>Keys are {@code <prefix>:{<group>}:...}; prefix and group must match
 * {@value RedisKeys#NAME_PATTERN_TEXT}, so no name can break or collide with another group's keys,
 * and all keys of a group share one Cluster hash slot. Workers' heartbeats are hashes
 * {@code <prefix>:{<group>}:worker:<name>} that expire unless renewed, indexed by
 * {@code <prefix>:{<group>}:workers}.
 *
 * <p>Delays, leases and debounce windows run on the server's clock, in whole milliseconds: a debounce
 * window is rounded up to the next millisecond (one under 1 ms counts as 1 ms), and one longer than
 * the queue's {@code maxDelay} is refused with an {@link IllegalArgumentException} before anything is
 * written.
 *
 * <p>As {@code JobQueue} promises, payloads (and ids) come back exactly as given, strings that are not
 * well-formed UTF-16 included: what {@code push}, {@code release}, {@code deadLetter} and
 * {@code replayError} store, {@code claim}, {@code find} and {@code list} return unchanged, unpaired
 * surrogates and all (UTF-8 has no bytes for them, and Lettuce's own codec writes {@code '?'}). Such a
 * code unit is stored as the three bytes UTF-8 gives the other code units of its range, as WTF-8 does
 * ({@code U+D800} as {@code ED A0 80}), so only those payloads look like invalid UTF-8 to other tools
 * reading the keys; every other string is stored as plain UTF-8.
 *
 * <p>A factory built from a URI owns its client: it gives commands a {@value #DEFAULT_TIMEOUT_SECONDS}
 * s timeout and, for a standalone Redis, rejects commands while disconnected (so a push during an
 * outage fails at once with a {@link BackendException} instead of waiting; a Cluster client fails
 * after the timeout), and {@link #close()} shuts it down. A factory built from your client uses your
 * client's options and leaves it open.
 * Passwords never appear in {@link #toString()} or in exceptions. Thread-safe.
 */
public final class RedisBackendFactory implements BackendFactory, AutoCloseable {

    /** Key prefix when none is set. */
    public static final String DEFAULT_PREFIX = "aq";
    /** Command timeout of clients this factory creates. */
    public static final int DEFAULT_TIMEOUT_SECONDS = 10;

    private final String prefix;
    private final RedisClient client;
    private final RedisClusterClient clusterClient;
    private final boolean ownsClient;
    private final ClientResources resources;
    private final String description;
    private final ReplyWait replyWait;
    private final ReentrantLock lock = new ReentrantLock();
    private final List<RedisJobQueue> queues = new ArrayList<>();
    private RedisOps shared;
    /** Set by {@link #close()}; guarded by {@code lock}. */
    private boolean closed;

    private RedisBackendFactory(Builder b) {
        this.prefix = RedisKeys.validate("prefix", b.prefix);
        this.replyWait = new ReplyWait(b.replySpin);
        if (b.uri != null) {
            RedisURI uri = RedisURI.create(b.uri);
            this.description = (b.cluster ? "redis-cluster://" : "redis://") + uri.getHost() + ":" + uri.getPort();
            TimeoutOptions timeouts = TimeoutOptions.enabled(Duration.ofSeconds(DEFAULT_TIMEOUT_SECONDS));
            // Reconnect quickly after an outage: 10 ms doubling to at most 1 s between attempts.
            this.resources = ClientResources.builder()
                    .reconnectDelay(Delay.exponential(Duration.ofMillis(10), Duration.ofSeconds(1), 2,
                            TimeUnit.MILLISECONDS))
                    .build();
            if (b.cluster) {
                this.clusterClient = RedisClusterClient.create(resources, uri);
                // Cluster node connections open lazily, so rejecting while disconnected would fail the
                // first command to each node: a Cluster client relies on the command timeout instead.
                this.clusterClient.setOptions(ClusterClientOptions.builder().autoReconnect(true)
                        .timeoutOptions(timeouts).build());
                this.client = null;
            } else {
                this.client = RedisClient.create(resources, uri);
                this.client.setOptions(ClientOptions.builder().autoReconnect(true)
                        .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                        .timeoutOptions(timeouts).build());
                this.clusterClient = null;
            }
            this.ownsClient = true;
        } else {
            this.resources = null;
            this.client = b.client;
            this.clusterClient = b.clusterClient;
            this.ownsClient = false;
            this.description = b.client != null ? "redis (your RedisClient)"
                    : "redis-cluster (your RedisClusterClient)";
        }
    }

    /**
     * A builder; set exactly one of {@link Builder#uri}, {@link Builder#clusterUri},
     * {@link Builder#client} or {@link Builder#clusterClient}.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The factory for a standalone Redis at {@code uri} with the default prefix.
     *
     * @param uri e.g. {@code redis://127.0.0.1:6379}
     * @return the factory
     */
    public static RedisBackendFactory create(String uri) {
        return builder().uri(uri).build();
    }

    /** Returns the key prefix of every key this factory's backends use. */
    public String prefix() {
        return prefix;
    }

    /**
     * The backend of {@code group}: its main queue and its error queue.
     *
     * @throws IllegalArgumentException if {@code group} does not match {@value RedisKeys#NAME_PATTERN_TEXT}
     * @throws BackendException if Redis cannot be reached
     * @throws IllegalStateException if this factory is closed
     */
    @Override
    public Backend createBackendForGroup(String group) {
        RedisKeys keys = RedisKeys.main(prefix, group);
        RedisOps ops = sharedOps();
        Supplier<RedisOps> blocking = this::connect;
        RedisJobQueue main = new RedisJobQueue(keys, ops, blocking, this::forget);
        RedisJobQueue errors = new RedisJobQueue(keys.errorQueue(), ops, blocking, this::forget);
        lock.lock();
        try {
            queues.add(main);
            queues.add(errors);
        } finally {
            lock.unlock();
        }
        return new Backend(group, main, errors, new RedisSagaStore(keys, ops, this::isClosed),
                new RedisWorkerRegistry(keys, ops, this::isClosed));
    }

    private boolean isClosed() {
        lock.lock();
        try {
            return closed;
        } finally {
            lock.unlock();
        }
    }

    private RedisOps sharedOps() {
        lock.lock();
        try {
            checkOpen();
            if (shared == null) {
                shared = connect();
            }
            return shared;
        } finally {
            lock.unlock();
        }
    }

    private RedisOps connect() {
        try {
            return client != null ? RedisOps.of(client.connect(ExactStringCodec.INSTANCE), replyWait)
                    : RedisOps.of(clusterClient.connect(ExactStringCodec.INSTANCE), replyWait);
        } catch (RedisException e) {
            checkOpen();
            throw new BackendException("cannot connect to " + description + ": " + e.getMessage(), e);
        } catch (IllegalStateException | java.util.concurrent.RejectedExecutionException e) {
            // What the client's event loop throws once it is shut down.
            checkOpen();
            throw new BackendException("cannot connect to " + description + ": " + e.getMessage(), e);
        }
    }

    private void checkOpen() {
        lock.lock();
        try {
            if (closed) {
                throw new IllegalStateException("this RedisBackendFactory (" + description + ") is closed");
            }
        } finally {
            lock.unlock();
        }
    }

    /** Drops a closed queue from the queues {@link #close()} closes, so the list does not keep it. */
    private void forget(RedisJobQueue queue) {
        lock.lock();
        try {
            queues.remove(queue);
        } finally {
            lock.unlock();
        }
    }

    /** Returns how many queues this factory made that are not closed yet. */
    int openQueues() {
        lock.lock();
        try {
            return queues.size();
        } finally {
            lock.unlock();
        }
    }

    /** Closes every connection this factory opened, and the client if the factory created it. */
    @Override
    public void close() {
        lock.lock();
        try {
            closed = true;
            // A copy: each queue's close() calls forget(), which changes the list.
            for (RedisJobQueue q : List.copyOf(queues)) {
                q.close();
            }
            queues.clear();
            if (shared != null) {
                shared.close();
                shared = null;
            }
        } finally {
            lock.unlock();
        }
        if (ownsClient) {
            if (client != null) {
                client.shutdown();
            } else {
                clusterClient.shutdown();
            }
            resources.shutdown();
        }
    }

    @Override
    public String toString() {
        return "RedisBackendFactory[" + description + ", prefix=" + prefix + "]";
    }

    /** Builds a {@link RedisBackendFactory}. Not thread-safe. */
    public static final class Builder {
        private String uri;
        private boolean cluster;
        private RedisClient client;
        private RedisClusterClient clusterClient;
        private String prefix = DEFAULT_PREFIX;
        private Duration replySpin = ReplyWait.DEFAULT_LIMIT;

        private Builder() {
        }

        /**
         * A standalone Redis; the factory creates and owns the client.
         *
         * @param uri e.g. {@code redis://:password@host:6379/0}
         * @return this builder
         */
        public Builder uri(String uri) {
            this.uri = Objects.requireNonNull(uri, "uri");
            this.cluster = false;
            return this;
        }

        /**
         * A Redis Cluster reached through any one of its nodes, from which the client discovers the others;
         * the factory creates and owns the client.
         *
         * @param seedUri the URI of that node, e.g. {@code redis://host:7000}
         * @return this builder
         */
        public Builder clusterUri(String seedUri) {
            this.uri = Objects.requireNonNull(seedUri, "seedUri");
            this.cluster = true;
            return this;
        }

        /**
         * Your standalone client; the factory does not shut it down.
         *
         * @param client the client
         * @return this builder
         */
        public Builder client(RedisClient client) {
            this.client = Objects.requireNonNull(client, "client");
            return this;
        }

        /**
         * Your Cluster client; the factory does not shut it down.
         *
         * @param clusterClient the client
         * @return this builder
         */
        public Builder clusterClient(RedisClusterClient clusterClient) {
            this.clusterClient = Objects.requireNonNull(clusterClient, "clusterClient");
            return this;
        }

        /**
         * Sets the key prefix.
         *
         * @param prefix matching {@value RedisKeys#NAME_PATTERN_TEXT}
         * @return this builder
         * @throws IllegalArgumentException if it does not match
         */
        public Builder keyPrefix(String prefix) {
            this.prefix = RedisKeys.validate("prefix", prefix);
            return this;
        }

        /**
         * Sets how long a platform thread making a synchronous call (a {@code later()}, say) may spin for
         * Redis's reply before it parks; 100 µs unless set. On a Redis on the same host or network the
         * reply often lands within that, and a thread that spins sees it at once where a parked one
         * waits to be woken: one thread's enqueues run at 1.5–2 times the rate on loopback. It spins only
         * while recent replies came that quickly (never against a distant Redis), never on a virtual
         * thread, and in at most one thread fewer than the machine has processors at a time. The cost is
         * the caller's CPU while it waits.
         *
         * @param limit the longest spin per call; {@link Duration#ZERO} parks at once
         * @return this builder
         * @throws IllegalArgumentException if it is negative or over 10 ms
         */
        public Builder replySpin(Duration limit) {
            Objects.requireNonNull(limit, "limit");
            if (limit.isNegative() || limit.compareTo(Duration.ofMillis(10)) > 0) {
                throw new IllegalArgumentException("replySpin must be between 0 and 10 ms, got " + limit);
            }
            this.replySpin = limit;
            return this;
        }

        /**
         * Creates the factory; connections open on first use.
         *
         * @return the factory
         * @throws IllegalStateException unless exactly one connection source was set
         */
        public RedisBackendFactory build() {
            int sources = (uri != null ? 1 : 0) + (client != null ? 1 : 0) + (clusterClient != null ? 1 : 0);
            if (sources != 1) {
                throw new IllegalStateException("set exactly one of uri, clusterUri, client or clusterClient");
            }
            return new RedisBackendFactory(this);
        }
    }
}
