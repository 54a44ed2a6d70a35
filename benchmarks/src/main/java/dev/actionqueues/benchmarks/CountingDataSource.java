package dev.actionqueues.benchmarks;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.concurrent.atomic.LongAdder;
import javax.sql.DataSource;

/**
 * A data source that counts what its callers send to PostgreSQL: statements executed (each an
 * execute call: one round trip, and one transaction in auto-commit mode), explicit commits, and
 * connections taken from the pool. For the benchmark's "round trips per job"; the server has no
 * pg_stat_statements loaded, and counting on the client sees only this process's calls.
 */
final class CountingDataSource {

    final LongAdder executes = new LongAdder();
    final LongAdder commits = new LongAdder();
    final LongAdder connections = new LongAdder();
    /** Time spent inside execute calls (the round trip and the server's work), in nanoseconds. */
    final LongAdder executeNanos = new LongAdder();
    private final DataSource target;

    CountingDataSource(DataSource target) {
        this.target = target;
    }

    /** The counting data source. */
    DataSource dataSource() {
        return proxy(DataSource.class, target, (method, result) -> {
            if (method.equals("getConnection")) {
                connections.increment();
                return proxy(Connection.class, result, this::connectionCall);
            }
            return result;
        });
    }

    /** Zeroes the counters. */
    void reset() {
        executes.reset();
        commits.reset();
        connections.reset();
        executeNanos.reset();
    }

    private Object connectionCall(String method, Object result) {
        if (method.equals("commit")) {
            commits.increment();
        }
        if (result instanceof PreparedStatement ps) {
            return proxy(PreparedStatement.class, ps, (name, r) -> r);
        }
        if (result instanceof Statement s) {
            return proxy(Statement.class, s, (name, r) -> r);
        }
        return result;
    }

    @FunctionalInterface
    private interface After {
        Object apply(String method, Object result);
    }

    private <T> T proxy(Class<T> type, Object target, After after) {
        InvocationHandler handler = (p, method, args) -> {
            boolean execute = method.getName().startsWith("execute");
            long t0 = execute ? System.nanoTime() : 0;
            try {
                return after.apply(method.getName(), method.invoke(target, args));
            } catch (InvocationTargetException e) {
                throw e.getCause();
            } finally {
                if (execute) {
                    executes.increment();
                    executeNanos.add(System.nanoTime() - t0);
                }
            }
        };
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, handler));
    }
}
