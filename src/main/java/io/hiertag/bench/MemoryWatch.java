package io.hiertag.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Path;

/**
 * (g) Peak memory of the whole run: heap in use, sampled every 50 ms on a daemon thread (a GC pool's own peak
 * would count garbage), and the resident set's high-water mark from {@code /proc/self/status} (VmHWM), which
 * includes TensorFlow's native memory and the in-JVM broker.
 */
final class MemoryWatch implements AutoCloseable {

    /** Peaks in MiB; RSS is 0 where {@code /proc} is missing. */
    record Peaks(long heapMb, long heapMaxMb, long rssMb) {}

    private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    private final Thread sampler;
    private volatile long peakHeap;
    private volatile boolean running = true;

    MemoryWatch() {
        sampler = new Thread(() -> {
            while (running) {
                peakHeap = Math.max(peakHeap, memory.getHeapMemoryUsage().getUsed());
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "bench-memory-watch");
        sampler.setDaemon(true);
        sampler.start();
    }

    Peaks peaks() {
        peakHeap = Math.max(peakHeap, memory.getHeapMemoryUsage().getUsed());
        long rssKb = MachineInfo.line(Path.of("/proc/self/status"), "VmHWM:").map(MachineInfo::kilobytes).orElse(0L);
        return new Peaks(peakHeap >> 20, memory.getHeapMemoryUsage().getMax() >> 20, rssKb >> 10);
    }

    @Override
    public void close() {
        running = false;
        sampler.interrupt();
    }
}
