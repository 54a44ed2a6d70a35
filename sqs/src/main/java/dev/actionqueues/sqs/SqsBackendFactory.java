package dev.actionqueues.sqs;

import dev.actionqueues.deferred.BackendException;
import dev.actionqueues.deferred.spi.Backend;
import dev.actionqueues.deferred.spi.BackendFactory;
import dev.actionqueues.deferred.spi.DebounceStore;
import dev.actionqueues.deferred.spi.NewJob;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.regex.Pattern;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueDoesNotExistException;

/**
 * Backends on Amazon SQS standard queues, through a synchronous {@link SqsClient} of the AWS SDK for
 * Java v2, an {@link SqsAsyncClient}, or both (the engine's {@code laterAsync} then sends its batches
 * through the asynchronous client without holding a thread while SQS answers): at-least-once delivery, leases that are SQS visibility timeouts (extended by the worker's
 * heartbeat while a job runs), delays of any length (SQS's native limit of 15 minutes is bridged by
 * sending the job again until it is due), and an error queue that the library fills itself with the
 * error attached.
 *
 * <p>A group's queues are {@code deferrable_<group>} and {@code deferrable_<group>_error}, or with a
 * {@link Builder#nameSuffix(String) suffix} {@code deferrable_<group>_<suffix>} and
 * {@code deferrable_<group>_<suffix>_error}, as the seed names them. With
 * {@link Builder#createQueues(boolean)} missing queues are created, the main one with a redrive
 * policy to the error queue; queues that exist are checked when a backend is created, and a missing
 * or mismatched redrive policy, an error queue that keeps messages less long than the main queue, or
 * a queue of the wrong type (FIFO or standard) is reported with an {@link IllegalStateException}.
 *
 * <p>With {@link Builder#fifo(boolean)} the queues are SQS FIFO queues, named with SQS's
 * {@code .fifo} ending ({@code deferrable_<group>.fifo} and {@code deferrable_<group>_error.fifo}):
 * jobs of one message group are handed out in the order they were sent, and none of a group while an
 * earlier one of that group is in flight. The message group is the job's
 * {@link Builder#orderingKey(Function) ordering key}: by default the backend's group name, so a whole
 * group runs in order, one receive batch at a time; choose a finer key (a customer, an order) to run
 * groups in parallel. A job's id is its deduplication id, so {@code pushIfAbsent} (a
 * {@code LaterOptions.jobId}) maps to SQS's deduplication, <b>which lasts only 5 minutes</b>: a second
 * push of an id within 5 minutes of the first is dropped (and reported as stored: SQS does not say),
 * one after that is stored even if the first job still waits or runs. FIFO queues have no
 * per-message delay, so delays are not offered (retries run again at once). Content-based
 * deduplication is turned off on created queues.
 *
 * <p>Debouncing needs a store SQS does not have: with {@link Builder#debouncer(DebounceStore)} (a
 * {@code RedisDebounceStore}, or an {@code InMemoryDebounceStore} when one process pushes) standard
 * queues debounce; without one, a debounced push is refused with an {@link UnsupportedOperationException}
 * (and the engine refuses a debounced task when it is registered).
 *
 * <p>What SQS cannot do, this backend does not offer: no debouncing without a store, no unique job ids on standard
 * queues (only FIFO deduplication's 5 minutes), no listing, finding or removing of the main queue's
 * waiting jobs (the error queue's entries can: it reads them all), no order on standard queues. Payloads are limited to {@link Builder#maxMessageBytes(int)} less 1 KiB kept for
 * the header this backend puts before the payload in the message body; larger ones are refused before any call. Counts are SQS's approximate ones.
 *
 * <p>The client's credentials never appear in {@link #toString()}, in exceptions or in logs. The
 * factory does not close the client. Thread-safe.
 */
public final class SqsBackendFactory implements BackendFactory {

    /** The prefix of every queue name, as the seed has it. */
    public static final String PREFIX = "deferrable_";
    /** Receives after which SQS's redrive policy moves a message to the error queue. */
    public static final int DEFAULT_MAX_RECEIVE_COUNT = 10;
    /** SQS's message size limit today (it was 256 KiB until 2025; some emulators still have that). */
    public static final int DEFAULT_MAX_MESSAGE_BYTES = 1024 * 1024;
    /** How long created main queues keep messages: SQS's default, 4 days. */
    public static final Duration DEFAULT_RETENTION = Duration.ofDays(4);
    /** How long created error queues keep messages: SQS's maximum, 14 days. */
    public static final Duration DEFAULT_ERROR_RETENTION = Duration.ofDays(14);
    /** How long a scan of the error queue waits to be sure it is at its end. */
    public static final Duration DEFAULT_SCAN_WAIT = Duration.ofSeconds(1);

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]+");
    private static final int MAX_QUEUE_NAME = 80;
    /** The ending SQS requires of a FIFO queue's name. */
    private static final String FIFO_ENDING = ".fifo";

    private final SqsClient client;
    /** For pushes that do not wait ({@code laterAsync}), or null. */
    private final SqsAsyncClient asyncClient;
    private final String suffix;
    private final boolean createQueues;
    private final int maxReceiveCount;
    private final Duration retention;
    private final Duration errorRetention;
    private final int maxMessageBytes;
    private final int scanWaitSeconds;
    private final InstantSource clock;
    private final boolean fifo;
    private final Function<NewJob, String> orderingKey;
    private final DebounceStore debouncer;
    private final Map<String, Backend> backends = new ConcurrentHashMap<>();

    private SqsBackendFactory(Builder b) {
        this.client = b.client != null ? b.client : new BlockingSqsClient(b.asyncClient);
        this.asyncClient = b.asyncClient;
        this.suffix = b.suffix;
        this.createQueues = b.createQueues;
        this.maxReceiveCount = b.maxReceiveCount;
        this.retention = b.retention;
        this.errorRetention = b.errorRetention;
        this.maxMessageBytes = b.maxMessageBytes;
        this.scanWaitSeconds = (int) SqsMessages.ceilSeconds(b.scanWait);
        this.clock = b.clock;
        this.fifo = b.fifo;
        this.orderingKey = b.orderingKey;
        this.debouncer = b.debouncer;
    }

    /**
     * A builder; {@link Builder#client(SqsClient)} or {@link Builder#asyncClient(SqsAsyncClient)} (or
     * both) is required.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The name of a group's main queue.
     *
     * @param group the group
     * @return {@code deferrable_<group>}, with {@code _<suffix>} if a suffix is set, and {@code .fifo}
     *     for FIFO queues
     * @throws IllegalArgumentException if the group is not 1 or more of {@code A-Z a-z 0-9 _ -}, or the
     *     name would be longer than SQS allows
     */
    public String queueName(String group) {
        return baseName(group) + (fifo ? FIFO_ENDING : "");
    }

    private String baseName(String group) {
        Objects.requireNonNull(group, "group");
        if (!NAME.matcher(group).matches()) {
            throw new IllegalArgumentException("an SQS group name is letters, digits, '_' and '-', was '" + group + "'");
        }
        String name = PREFIX + group + (suffix == null ? "" : "_" + suffix);
        if (name.length() + "_error".length() + (fifo ? FIFO_ENDING.length() : 0) > MAX_QUEUE_NAME) {
            throw new IllegalArgumentException("the queue names of group '" + group + "' would be longer than SQS's "
                    + MAX_QUEUE_NAME + " characters");
        }
        return name;
    }

    /**
     * The name of a group's error queue.
     *
     * @param group the group
     * @return the main queue's name followed by {@code _error} (before {@code .fifo} for FIFO queues)
     * @throws IllegalArgumentException as {@link #queueName(String)}
     */
    public String errorQueueName(String group) {
        return baseName(group) + "_error" + (fifo ? FIFO_ENDING : "");
    }

    /**
     * The backend of {@code group}: the queues are looked up (and created if so configured) and
     * checked on the first call for a group; later calls return the same backend.
     *
     * @param group letters, digits, {@code _} and {@code -}
     * @return the backend
     * @throws IllegalArgumentException if the group name is not accepted
     * @throws IllegalStateException if a queue is missing and {@code createQueues} is off, or the
     *     queues do not fit (redrive policy, retention, FIFO); the message says what to change
     * @throws BackendException if SQS could not be reached
     */
    @Override
    public Backend createBackendForGroup(String group) {
        Backend existing = backends.get(queueName(group));
        if (existing != null) {
            return existing;
        }
        Backend created = open(group);
        Backend raced = backends.putIfAbsent(queueName(group), created);
        return raced != null ? raced : created;
    }

    private Backend open(String group) {
        String mainName = queueName(group);
        String errorName = errorQueueName(group);
        String errorUrl = resolve(errorName, created(Map.of(QueueAttributeName.MESSAGE_RETENTION_PERIOD,
                Long.toString(errorRetention.toSeconds()))));
        Map<String, String> errorAttributes = attributes(errorUrl, errorName);
        String policy = "{\"deadLetterTargetArn\":\"" + errorAttributes.get("QueueArn") + "\",\"maxReceiveCount\":\""
                + maxReceiveCount + "\"}";
        String mainUrl = resolve(mainName, created(Map.of(QueueAttributeName.MESSAGE_RETENTION_PERIOD,
                Long.toString(retention.toSeconds()), QueueAttributeName.REDRIVE_POLICY, policy)));
        List<String> problems = QueueCheck.problems(mainName, attributes(mainUrl, mainName), errorName,
                errorAttributes, maxReceiveCount, fifo);
        if (!problems.isEmpty()) {
            throw new IllegalStateException("the SQS queues of group '" + group + "' do not fit the backend: "
                    + String.join("; ", problems));
        }
        int maxBody = maxMessageBytes - SqsMessages.HEADER_RESERVE;
        SqsFifo fifoIds = fifo ? new SqsFifo(orderingKey != null ? orderingKey : job -> group) : null;
        SqsJobQueue errors = new SqsJobQueue(new SqsCalls(client, errorUrl, errorName), null, clock, maxBody,
                scanWaitSeconds, fifoIds, null);
        SqsJobQueue main = new SqsJobQueue(new SqsCalls(client, asyncClient, mainUrl, mainName), errors, clock, maxBody,
                scanWaitSeconds, fifoIds, debouncer);
        return new Backend(group, main, errors);
    }

    /** The attributes of a created queue: {@code base}, and for FIFO the type without content-based dedup. */
    private Map<QueueAttributeName, String> created(Map<QueueAttributeName, String> base) {
        if (!fifo) {
            return base;
        }
        Map<QueueAttributeName, String> all = new java.util.HashMap<>(base);
        all.put(QueueAttributeName.FIFO_QUEUE, "true");
        all.put(QueueAttributeName.CONTENT_BASED_DEDUPLICATION, "false");
        return all;
    }

    /** The queue's URL; creates the queue with {@code attributes} if it is missing and creation is on. */
    private String resolve(String name, Map<QueueAttributeName, String> attributes) {
        try {
            return client.getQueueUrl(b -> b.queueName(name)).queueUrl();
        } catch (QueueDoesNotExistException e) {
            if (!createQueues) {
                throw new IllegalStateException("the SQS queue '" + name + "' does not exist: create it (the main "
                        + "queue with a redrive policy to its _error queue) or build the factory with createQueues(true)");
            }
        } catch (SdkException e) {
            throw SqsFailures.wrap("GetQueueUrl for " + name, e);
        }
        try {
            return client.createQueue(b -> b.queueName(name).attributes(attributes)).queueUrl();
        } catch (SdkException e) {
            throw SqsFailures.wrap("CreateQueue " + name, e);
        }
    }

    private Map<String, String> attributes(String url, String name) {
        try {
            return client.getQueueAttributes(b -> b.queueUrl(url).attributeNames(QueueAttributeName.ALL))
                    .attributesAsStrings();
        } catch (SdkException e) {
            throw SqsFailures.wrap("GetQueueAttributes on " + name, e);
        }
    }

    @Override
    public String toString() {
        return "SqsBackendFactory[suffix=" + suffix + ", fifo=" + fifo + ", createQueues=" + createQueues
                + ", maxReceiveCount=" + maxReceiveCount + ", maxMessageBytes=" + maxMessageBytes + "]";
    }

    /**
     * Builds an {@link SqsBackendFactory}. Each setter checks its argument; {@link #build()} copies,
     * so a builder can be reused. Not thread-safe.
     */
    public static final class Builder {
        private SqsClient client;
        private SqsAsyncClient asyncClient;
        private String suffix;
        private boolean createQueues;
        private int maxReceiveCount = DEFAULT_MAX_RECEIVE_COUNT;
        private Duration retention = DEFAULT_RETENTION;
        private Duration errorRetention = DEFAULT_ERROR_RETENTION;
        private int maxMessageBytes = DEFAULT_MAX_MESSAGE_BYTES;
        private Duration scanWait = DEFAULT_SCAN_WAIT;
        private InstantSource clock = InstantSource.system();
        private boolean fifo;
        private Function<NewJob, String> orderingKey;
        private DebounceStore debouncer;

        private Builder() {
        }

        /**
         * Where debounce keys are kept, since SQS has no store for them: a {@code RedisDebounceStore}
         * (producers in several processes), an {@code InMemoryDebounceStore} (one process), or any
         * {@link DebounceStore}. The store decides each debounced push, the job carries its (hashed)
         * key, and its claim tells the store it started; see {@link DebounceStore} for what the split
         * between store and queue means when a process dies between the two. Not for FIFO queues,
         * which have no delays. Not closed by the factory.
         *
         * @param debouncer the store
         * @return this builder
         */
        public Builder debouncer(DebounceStore debouncer) {
            this.debouncer = Objects.requireNonNull(debouncer, "debouncer");
            return this;
        }

        /**
         * Whether the queues are SQS FIFO queues (names ending in {@code .fifo}); off by default.
         * FIFO queues hand out the jobs of one {@link #orderingKey(Function) message group} in order,
         * offer {@code pushIfAbsent} through SQS's deduplication by job id, which lasts <b>only 5
         * minutes</b> from the first push, and have no delays (SQS has no per-message delay on FIFO
         * queues: a delayed push is refused, and retries run again at once). SQS also allows fewer
         * calls per second on FIFO queues than on standard ones.
         *
         * @param fifo true for FIFO queues
         * @return this builder
         */
        public Builder fifo(boolean fifo) {
            this.fifo = fifo;
            return this;
        }

        /**
         * The ordering key of a job on FIFO queues: its SQS message group id. Jobs with the same key are
         * handed out in the order they were pushed, and none while an earlier one with that key is
         * being run; different keys run in parallel. By default every job's key is the backend's group
         * name: the whole group runs in order, one receive batch at a time. A retry is pushed again at
         * the end of its key's line. Ignored for standard queues.
         *
         * @param orderingKey gives a job's key: 1 to 128 letters, digits and punctuation (a push whose
         *     key is not is refused with an {@link IllegalArgumentException})
         * @return this builder
         */
        public Builder orderingKey(Function<NewJob, String> orderingKey) {
            this.orderingKey = Objects.requireNonNull(orderingKey, "orderingKey");
            return this;
        }

        /**
         * The client to call SQS with (its region, credentials and endpoint); this or
         * {@link #asyncClient(SqsAsyncClient)} is required. Not closed by the factory.
         *
         * @param client the client
         * @return this builder
         */
        public Builder client(SqsClient client) {
            this.client = Objects.requireNonNull(client, "client");
            return this;
        }

        /**
         * An asynchronous client: the main queue's {@code pushBatchAsync} (the engine's {@code laterAsync})
         * sends through it without waiting, several batches under way at once. Without a
         * {@link #client(SqsClient) synchronous client}, every other call goes through this one too,
         * each waiting for its answer (cheap on virtual threads). Not closed by the factory.
         *
         * @param asyncClient the client
         * @return this builder
         */
        public Builder asyncClient(SqsAsyncClient asyncClient) {
            this.asyncClient = Objects.requireNonNull(asyncClient, "asyncClient");
            return this;
        }

        /**
         * A suffix for every queue name, as the seed's {@code name_suffix}: {@code deferrable_<group>_<suffix>}.
         *
         * @param suffix letters, digits, {@code _} and {@code -}; null for none
         * @return this builder
         * @throws IllegalArgumentException if the suffix has other characters
         */
        public Builder nameSuffix(String suffix) {
            if (suffix != null && !NAME.matcher(suffix).matches()) {
                throw new IllegalArgumentException("a queue name suffix is letters, digits, '_' and '-', was '"
                        + suffix + "'");
            }
            this.suffix = suffix;
            return this;
        }

        /**
         * Whether missing queues are created (the error queue first, then the main queue with a redrive
         * policy to it); off by default, when a missing queue is an error.
         *
         * @param createQueues true to create
         * @return this builder
         */
        public Builder createQueues(boolean createQueues) {
            this.createQueues = createQueues;
            return this;
        }

        /**
         * The redrive policy's {@code maxReceiveCount}, set on created queues and expected on existing
         * ones. Keep it above the tasks' {@code maxAttempts}: the engine then dead-letters a job with its
         * error before SQS moves it without one. Default {@value SqsBackendFactory#DEFAULT_MAX_RECEIVE_COUNT}.
         *
         * @param maxReceiveCount between 1 and 1000
         * @return this builder
         * @throws IllegalArgumentException if out of range
         */
        public Builder maxReceiveCount(int maxReceiveCount) {
            if (maxReceiveCount < 1 || maxReceiveCount > 1000) {
                throw new IllegalArgumentException("maxReceiveCount must be between 1 and 1000, was " + maxReceiveCount);
            }
            this.maxReceiveCount = maxReceiveCount;
            return this;
        }

        /**
         * How long created queues keep messages: the main queue and the error queue.
         *
         * @param main for the main queue; default 4 days
         * @param error for the error queue, at least {@code main}; default 14 days
         * @return this builder
         * @throws IllegalArgumentException if a period is outside SQS's 60 s to 14 days, or
         *     {@code error < main}
         */
        public Builder retention(Duration main, Duration error) {
            checkRetention(main, "main");
            checkRetention(error, "error");
            if (error.compareTo(main) < 0) {
                throw new IllegalArgumentException("the error queue must keep messages at least as long as the main"
                        + " queue: " + error + " < " + main);
            }
            this.retention = main;
            this.errorRetention = error;
            return this;
        }

        /**
         * The largest SQS message; payloads get it less 1 KiB, kept for the header this backend puts before them in the body.
         *
         * @param maxMessageBytes between 2 KiB and 1 MiB; default 1 MiB (use 262,144 where SQS, or an
         *     emulator, still has the old 256 KiB limit)
         * @return this builder
         * @throws IllegalArgumentException if out of range
         */
        public Builder maxMessageBytes(int maxMessageBytes) {
            if (maxMessageBytes < 2048 || maxMessageBytes > DEFAULT_MAX_MESSAGE_BYTES) {
                throw new IllegalArgumentException("maxMessageBytes must be between 2048 and "
                        + DEFAULT_MAX_MESSAGE_BYTES + ", was " + maxMessageBytes);
            }
            this.maxMessageBytes = maxMessageBytes;
            return this;
        }

        /**
         * How long a read of the error queue (to list, find, remove or replay an entry) waits for more
         * before it takes the queue as read to its end; SQS's short polls may miss messages, so keep
         * at least 1 s against AWS.
         *
         * @param scanWait between 0 and 20 s, in whole seconds (rounded up)
         * @return this builder
         * @throws IllegalArgumentException if out of range
         */
        public Builder scanWait(Duration scanWait) {
            Objects.requireNonNull(scanWait, "scanWait");
            if (scanWait.isNegative() || scanWait.compareTo(Duration.ofSeconds(20)) > 0) {
                throw new IllegalArgumentException("scanWait must be between 0 and 20 s, was " + scanWait);
            }
            this.scanWait = scanWait;
            return this;
        }

        /**
         * The clock of lease deadlines and long delays' due times; the system clock by default.
         *
         * @param clock the clock
         * @return this builder
         */
        public Builder clock(InstantSource clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * Builds the factory; no call is made until a backend is created.
         *
         * @return the factory
         * @throws IllegalStateException if neither client was set, or a debouncer is set for FIFO queues
         */
        public SqsBackendFactory build() {
            if (client == null && asyncClient == null) {
                throw new IllegalStateException("an SQS client is required: call client(..), asyncClient(..) or both");
            }
            if (fifo && debouncer != null) {
                throw new IllegalStateException("SQS FIFO queues have no per-message delay, which debouncing needs: "
                        + "use a debouncer with standard queues only");
            }
            return new SqsBackendFactory(this);
        }

        private static void checkRetention(Duration d, String which) {
            Objects.requireNonNull(d, which);
            if (d.compareTo(Duration.ofSeconds(60)) < 0 || d.compareTo(Duration.ofDays(14)) > 0) {
                throw new IllegalArgumentException("the " + which + " retention must be between 60 s and 14 days, was "
                        + d);
            }
        }
    }
}
