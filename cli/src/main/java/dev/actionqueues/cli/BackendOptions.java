package dev.actionqueues.cli;

import dev.actionqueues.deferred.Deferrable;
import dev.actionqueues.deferred.memory.InMemoryBackendFactory;
import dev.actionqueues.deferred.spi.BackendFactory;
import dev.actionqueues.jdbc.JdbcBackendFactory;
import dev.actionqueues.redis.RedisBackendFactory;
import java.net.URI;
import org.postgresql.ds.PGSimpleDataSource;
import picocli.CommandLine.Option;

/**
 * Which backend and group a command works on: {@code --url} (or {@code ACTIONQUEUES_URL}) is
 * {@code memory:} (this process only), {@code redis://[user:password@]host:port[/db]} or
 * {@code postgresql://[user:password@]host:port/database}; {@code --group}; {@code --prefix} (Redis
 * key prefix or PostgreSQL table prefix).
 */
final class BackendOptions {

    @Option(names = "--url", description = "Backend URL: memory:, redis://host:port[/db], postgresql://host:port/db,"
            + " sqs://REGION or sqs://host:port?region=R (an SQS-compatible endpoint) (default: $ACTIONQUEUES_URL,"
            + " else memory:).", defaultValue = "${env:ACTIONQUEUES_URL:-memory:}")
    String url;

    @Option(names = "--group", description = "The group (default: ${DEFAULT-VALUE}).", defaultValue = "default")
    String group;

    @Option(names = "--prefix", description = "Redis key prefix, PostgreSQL table prefix or SQS queue-name suffix"
            + " (the backend's default unless given).")
    String prefix;

    /** A Deferrable over the group's backend, and what to close after it. */
    record Opened(Deferrable deferrable, AutoCloseable closer) implements AutoCloseable {
        @Override
        public void close() throws Exception {
            closer.close();
        }
    }

    Opened open() {
        return open(null);
    }

    /** Opens the group's backend; {@code listener}, if not null, hears the Deferrable's events. */
    Opened open(dev.actionqueues.deferred.DeferrableListener listener) {
        String scheme = url.contains(":") ? url.substring(0, url.indexOf(':')) : url;
        BackendFactory factory;
        AutoCloseable closer = () -> { };
        switch (scheme) {
            case "memory" -> factory = InMemoryBackendFactory.create();
            case "redis", "rediss" -> {
                RedisBackendFactory.Builder b = RedisBackendFactory.builder().uri(url);
                if (prefix != null) {
                    b.keyPrefix(prefix);
                }
                RedisBackendFactory redis = b.build();
                factory = redis;
                closer = redis::close;
            }
            case "postgresql", "postgres" -> {
                JdbcBackendFactory jdbc = postgres();
                factory = jdbc;
                closer = jdbc::close;
            }
            case "sqs" -> {
                SqsUrl sqs = SqsUrl.parse(url, prefix);
                factory = sqs.factory();
                closer = sqs::close;
            }
            default -> throw new IllegalArgumentException("unknown backend URL '" + Urls.redact(url)
                    + "': use memory:, redis://host:port, postgresql://host:port/database or sqs://region");
        }
        Deferrable.Builder b = Deferrable.builder(factory.createBackendForGroup(group));
        if (listener != null) {
            b.listener(listener);
        }
        return new Opened(b.build(), closer);
    }

    private JdbcBackendFactory postgres() {
        URI uri = URI.create(url);
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setURL("jdbc:postgresql://" + uri.getHost() + ":" + (uri.getPort() > 0 ? uri.getPort() : 5432)
                + (uri.getPath() == null ? "/" : uri.getPath()));
        String info = uri.getUserInfo();
        if (info != null) {
            int colon = info.indexOf(':');
            ds.setUser(colon < 0 ? info : info.substring(0, colon));
            if (colon >= 0) {
                ds.setPassword(info.substring(colon + 1));
            }
        }
        JdbcBackendFactory.Builder b = JdbcBackendFactory.builder().dataSource(ds).notifications(false);
        if (prefix != null) {
            b.tablePrefix(prefix);
        }
        return b.build();
    }
}
