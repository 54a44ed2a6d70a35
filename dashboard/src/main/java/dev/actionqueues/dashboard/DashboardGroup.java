package dev.actionqueues.dashboard;

import dev.actionqueues.deferred.Deferrable;

/** A group shown by the dashboard, and its throughput recorder if this process runs its jobs. */
record DashboardGroup(Deferrable deferrable, ThroughputRecorder throughput) {
}
