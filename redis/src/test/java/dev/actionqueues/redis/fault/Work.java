package dev.actionqueues.redis.fault;

/** The arguments of the fault tests' task: the id the ledger records. */
public record Work(String id) {
}
