package dev.actionqueues.benchmarks;

import java.lang.management.ManagementFactory;

/** The harnesses' readings of wall time and of this JVM's CPU time. */
final class Clocks {

    private Clocks() {
    }

    /** Seconds since {@code startNanos}, a {@link System#nanoTime()} reading. */
    static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    /** CPU time of this JVM's process (all its threads), in nanoseconds. */
    static long jvmCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    /** This JVM's CPU since the two readings, in % of one core. */
    static double cpuPercent(long cpuStartNanos, long wallStartNanos) {
        return 100.0 * (jvmCpuNanos() - cpuStartNanos) / (System.nanoTime() - wallStartNanos);
    }
}
