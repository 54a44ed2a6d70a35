package dev.actionqueues.jdbc;

import dev.actionqueues.deferred.BackendException;
import dev.actionqueues.deferred.spi.Backend;
import dev.actionqueues.deferred.spi.BackendFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Objects;
import java.util.regex.Pattern;
import javax.sql.DataSource;

/**
 * Creates deferred-job backends whose queues live in a PostgreSQL table, over a {@link DataSource}
 * the caller supplies and owns (a pool such as HikariCP is recommended; the PostgreSQL JDBC driver
 * must be on the class path). PostgreSQL only: the SQL uses {@code FOR UPDATE SKIP LOCKED},
 * {@code ON CONFLICT} and partial indexes.
 *
 * <p>Every group's jobs share one table, {@code <prefix>jobs}, in the connections' current schema,
 * plus a sequence {@code <prefix>job_tokens} for fencing tokens. The schema is created on demand
 * by {@link #build()} unless {@link Builder#createSchema(boolean) createSchema(false)}; the same
 * script is shipped as {@code dev/actionqueues/jdbc/schema.sql} (default prefix {@code aq_}) for
 * those who manage schemas themselves. Due times and leases use the database's clock, never the
 * JVM's. Group names travel only as bind parameters, so any non-blank name is accepted; table names
 * come only from the validated prefix.
 *
 * <p>Idle workers wait on {@code LISTEN/NOTIFY}: statements that make a job available send one
 * {@code NOTIFY} on the channel {@code <prefix>jobs} (coalesced: at most one per statement, folded
 * by PostgreSQL into one per transaction), and one connection of the data source listens while
 * workers wait (it is returned after a minute without waiting claims, or by {@link #close()}). A
 * claim that listens also wakes when a delayed job falls due or a lease runs out, and looks again at
 * least every {@link Builder#safetyPoll(Duration) safety poll}. Behind a pooler in transaction mode
 * (PgBouncer), where {@code LISTEN} does not work, turn notifications off: claims then poll every
 * {@link Builder#pollInterval(Duration) poll interval}.
 *
 * <p>Thread-safe: one factory and its backends may be shared by every thread.
 */
public final class JdbcBackendFactory implements BackendFactory, AutoCloseable {

    /** The prefix of the shipped script and the builder's default. */
    public static final String DEFAULT_TABLE_PREFIX = "aq_";

    /** Lower-case letters, digits and underscores, starting with a letter, at most 40 characters. */
    static final Pattern TABLE_PREFIX = Pattern.compile("[a-z][a-z0-9_]{0,39}");

    static final String SCHEMA_RESOURCE = "/dev/actionqueues/jdbc/schema.sql";

    /** Serialises concurrent schema creation across processes (an arbitrary advisory-lock key). */
    private static final long SCHEMA_LOCK_KEY = 0x6171_6a64_6263L;

    private final DataSource dataSource;
    private final String tablePrefix;
    private final JdbcQueueConfig config;

    private JdbcBackendFactory(Builder builder) {
        this.dataSource = builder.dataSource;
        this.tablePrefix = builder.tablePrefix;
        String channel = tablePrefix + "jobs";
        JdbcListener listener = builder.notifications ? new JdbcListener(dataSource, channel) : null;
        this.config = new JdbcQueueConfig(dataSource, tablePrefix, listener, channel, builder.pollInterval,
                builder.safetyPoll);
    }

    /**
     * A builder; {@link Builder#dataSource(DataSource)} is required.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The backend of {@code group}: a main and an error queue in the shared jobs table, its saga
     * journals in the sagas table, and its workers' heartbeats in the workers table.
     *
     * @param group the group name; any non-blank string of at most 200 characters
     * @return the backend
     * @throws NullPointerException if {@code group} is null
     * @throws IllegalArgumentException if {@code group} is blank or too long
     */
    @Override
    public Backend createBackendForGroup(String group) {
        Objects.requireNonNull(group, "group");
        if (group.isBlank() || group.length() > 200) {
            throw new IllegalArgumentException("group must be non-blank and at most 200 characters");
        }
        JdbcJobQueue main = new JdbcJobQueue(config, group, true);
        JdbcJobQueue errors = new JdbcJobQueue(config, group, false);
        return new Backend(group, main, errors, new JdbcSagaStore(config, group),
                new JdbcWorkerRegistry(config, group));
    }

    /**
     * The table prefix in use.
     *
     * @return the prefix
     */
    public String tablePrefix() {
        return tablePrefix;
    }

    /** The listener, or null when notifications are off; for tests. */
    JdbcListener listener() {
        return config.listener();
    }

    /**
     * Stops listening for notifications and returns the listening connection to the data source;
     * claims made afterwards poll. Close it after the workers stopped and before the data source.
     */
    @Override
    public void close() {
        if (config.listener() != null) {
            config.listener().close();
        }
    }

    /** The schema script with {@code prefix} in place of the default one. */
    static String schemaSql(String prefix) {
        try (InputStream in = JdbcBackendFactory.class.getResourceAsStream(SCHEMA_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + SCHEMA_RESOURCE);
            }
            String sql = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            return sql.replaceAll("\\b" + DEFAULT_TABLE_PREFIX, prefix);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + SCHEMA_RESOURCE, e);
        }
    }

    private void createSchema() {
        String sql = schemaSql(tablePrefix);
        try (Connection c = dataSource.getConnection()) {
            boolean autoCommit = c.getAutoCommit();
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                s.execute("SELECT pg_advisory_xact_lock(" + SCHEMA_LOCK_KEY + ")");
                s.execute(sql);
                c.commit();
            } catch (SQLException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(autoCommit);
            }
        } catch (SQLException e) {
            throw new BackendException("PostgreSQL backend: creating the schema (tables " + tablePrefix
                    + "jobs, sequence " + tablePrefix + "job_tokens) failed: " + JdbcSession.describe(e), e);
        }
    }

    /**
     * Builds a {@link JdbcBackendFactory}. Not thread-safe; use from one thread.
     */
    public static final class Builder {

        private DataSource dataSource;
        private String tablePrefix = DEFAULT_TABLE_PREFIX;
        private boolean createSchema = true;
        private boolean notifications = true;
        private Duration pollInterval = Duration.ofMillis(50);
        private Duration safetyPoll = Duration.ofSeconds(1);

        private Builder() {
        }

        /**
         * Whether producers send {@code NOTIFY} and idle claims wait on {@code LISTEN} (true unless
         * set). Turn it off behind a connection pooler in transaction mode (PgBouncer), which does not
         * carry {@code LISTEN}; idle claims then poll every {@link #pollInterval(Duration)}.
         *
         * @param notifications whether to use {@code LISTEN/NOTIFY}
         * @return this builder
         */
        public Builder notifications(boolean notifications) {
            this.notifications = notifications;
            return this;
        }

        /**
         * How often an idle claim polls when it does not listen (notifications off, or the listening
         * connection down); 50 ms unless set. Each poll is one query per waiting consumer thread.
         *
         * @param pollInterval between 1 ms and 1 minute
         * @return this builder
         * @throws NullPointerException if {@code pollInterval} is null
         * @throws IllegalArgumentException if it is out of range
         */
        public Builder pollInterval(Duration pollInterval) {
            this.pollInterval = range(pollInterval, "pollInterval");
            return this;
        }

        /**
         * How long an idle claim that listens waits at most before it looks again even without a
         * notification (a notification sent while the listening connection reconnected is lost);
         * 1 s unless set.
         *
         * @param safetyPoll between 1 ms and 1 minute
         * @return this builder
         * @throws NullPointerException if {@code safetyPoll} is null
         * @throws IllegalArgumentException if it is out of range
         */
        public Builder safetyPoll(Duration safetyPoll) {
            this.safetyPoll = range(safetyPoll, "safetyPoll");
            return this;
        }

        private static Duration range(Duration d, String name) {
            Objects.requireNonNull(d, name);
            if (d.compareTo(Duration.ofMillis(1)) < 0 || d.compareTo(Duration.ofMinutes(1)) > 0) {
                throw new IllegalArgumentException(name + " must be between 1 ms and 1 minute, was " + d);
            }
            return d;
        }

        /**
         * The data source the queues take their connections from, one per call, returned at once.
         * The caller owns it and closes it after the workers stopped.
         *
         * @param dataSource a data source of PostgreSQL connections
         * @return this builder
         * @throws NullPointerException if {@code dataSource} is null
         */
        public Builder dataSource(DataSource dataSource) {
            this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
            return this;
        }

        /**
         * The prefix of the table and sequence names; {@value JdbcBackendFactory#DEFAULT_TABLE_PREFIX}
         * unless set.
         *
         * @param tablePrefix a lower-case letter, then up to 39 lower-case letters, digits or
         *     underscores
         * @return this builder
         * @throws NullPointerException if {@code tablePrefix} is null
         * @throws IllegalArgumentException if it does not match that pattern
         */
        public Builder tablePrefix(String tablePrefix) {
            Objects.requireNonNull(tablePrefix, "tablePrefix");
            if (!TABLE_PREFIX.matcher(tablePrefix).matches()) {
                throw new IllegalArgumentException("tablePrefix must match " + TABLE_PREFIX.pattern()
                        + " (it becomes part of SQL identifiers), was '" + tablePrefix + "'");
            }
            this.tablePrefix = tablePrefix;
            return this;
        }

        /**
         * Whether {@link #build()} creates the table, indexes and sequence if they are missing
         * (true unless set). With false, run {@code dev/actionqueues/jdbc/schema.sql} beforehand.
         *
         * @param createSchema whether to create the schema on demand
         * @return this builder
         */
        public Builder createSchema(boolean createSchema) {
            this.createSchema = createSchema;
            return this;
        }

        /**
         * Builds the factory, creating the schema first if asked.
         *
         * @return the factory
         * @throws IllegalStateException if no data source was set
         * @throws BackendException if creating the schema failed
         */
        public JdbcBackendFactory build() {
            if (dataSource == null) {
                throw new IllegalStateException("dataSource is required");
            }
            JdbcBackendFactory factory = new JdbcBackendFactory(this);
            if (createSchema) {
                factory.createSchema();
            }
            return factory;
        }
    }
}
