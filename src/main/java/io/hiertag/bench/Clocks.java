package io.hiertag.bench;

import java.lang.management.ManagementFactory;

/**
 * Wall time and this process's CPU time (all threads, TensorFlow's included), read together. On a machine shared
 * with other processes wall time depends on their load; CPU time much less, so every rate is given per CPU second
 * as well.
 */
record Clocks(long wallNanos, long cpuNanos) {

    private static final com.sun.management.OperatingSystemMXBean OS =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    static Clocks now() {
        return new Clocks(System.nanoTime(), OS.getProcessCpuTime());
    }

    /** The time from this reading to now. */
    Clocks elapsed() {
        Clocks now = now();
        return new Clocks(now.wallNanos - wallNanos, now.cpuNanos - cpuNanos);
    }

    Clocks plus(Clocks other) {
        return new Clocks(wallNanos + other.wallNanos, cpuNanos + other.cpuNanos);
    }

    double wallSeconds() {
        return wallNanos / 1e9;
    }

    double cpuSeconds() {
        return cpuNanos / 1e9;
    }
}
