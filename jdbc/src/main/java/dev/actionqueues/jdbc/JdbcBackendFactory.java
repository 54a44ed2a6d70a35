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
 * <p>Thread-safe: one factory and its backends may be shared by every thread.
 */
public final class JdbcBackendFactory implements BackendFactory {

    /** The prefix of the shipped script and the builder's default. */
    public static final String DEFAULT_TABLE_PREFIX = "aq_";

    /** Lower-case letters, digits and underscores, starting with a letter, at most 40 characters. */
    static final Pattern TABLE_PREFIX = Pattern.compile("[a-z][a-z0-9_]{0,39}");

    static final String SCHEMA_RESOURCE = "/dev/actionqueues/jdbc/schema.sql";

    /** Serialises concurrent schema creation across processes (an arbitrary advisory-lock key). */
    private static final long SCHEMA_LOCK_KEY = 0x6171_6a64_6263L;

    private final DataSource dataSource;
    private final String tablePrefix;

    private JdbcBackendFactory(Builder builder) {
        this.dataSource = builder.dataSource;
        this.tablePrefix = builder.tablePrefix;
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
     * The backend of {@code group}: a main and an error queue in the shared jobs table.
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
        JdbcJobQueue main = new JdbcJobQueue(dataSource, tablePrefix, group, true);
        JdbcJobQueue errors = new JdbcJobQueue(dataSource, tablePrefix, group, false);
        return new Backend(group, main, errors);
    }

    /**
     * The table prefix in use.
     *
     * @return the prefix
     */
    public String tablePrefix() {
        return tablePrefix;
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
                    + "jobs, sequence " + tablePrefix + "job_tokens) failed: " + JdbcJobQueue.describe(e), e);
        }
    }

    /**
     * Builds a {@link JdbcBackendFactory}. Not thread-safe; use from one thread.
     */
    public static final class Builder {

        private DataSource dataSource;
        private String tablePrefix = DEFAULT_TABLE_PREFIX;
        private boolean createSchema = true;

        private Builder() {
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
