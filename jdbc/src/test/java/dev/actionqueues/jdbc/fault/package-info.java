/** Fault-test support for the PostgreSQL backend: a worker JVM to SIGKILL and an execution ledger table. */
package dev.actionqueues.jdbc.fault;
