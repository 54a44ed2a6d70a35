/** Fault-test support: an independent execution ledger and child worker JVMs to SIGKILL. */
package dev.actionqueues.redis.fault;
