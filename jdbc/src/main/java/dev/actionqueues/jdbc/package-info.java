/**
 * The PostgreSQL backend over plain JDBC: {@link dev.actionqueues.jdbc.JdbcBackendFactory} makes
 * at-least-once job queues in a PostgreSQL table for the deferred-jobs engine, claimed with
 * {@code FOR UPDATE SKIP LOCKED} on the database's clock.
 */
package dev.actionqueues.jdbc;
