package io.hiertag.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where the CPU of a phase went, by thread group (thread names with their numbers and ids taken out): the
 * profile behind the pipeline's gap to the first pass. TensorFlow's own threads are not Java threads; their share
 * is the process's CPU time minus all Java threads'. Groups are also summed by owner: the application (stream
 * and decoding threads, TensorFlow), the in-JVM broker, and the harness that publishes and reads.
 */
final class ThreadCpu {

    static final String NATIVE = "native (TensorFlow intra-op threads, JIT, GC)";

    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    private final Map<Long, Long> start = new HashMap<>();
    private final Clocks started;
    private final long gcStart = gcMillis();
    private final long jitStart = jitMillis();

    ThreadCpu() {
        for (long id : threads.getAllThreadIds()) {
            start.put(id, Math.max(0, threads.getThreadCpuTime(id)));
        }
        started = Clocks.now();
    }

    /**
     * @param byGroup CPU ms per image by thread group, largest first
     * @param application, broker, harness the same summed by owner
     * @param gcPauseMs, jitMs garbage-collection pauses and JIT compilation per image (wall ms, as the JVM counts
     *     them): the parts of the native share that are not TensorFlow's
     */
    record Profile(Map<String, Double> byGroup, double application, double broker, double harness,
            double gcPauseMs, double jitMs) {}

    /** @return CPU per image since construction */
    Profile msPerImage(int images) {
        Clocks elapsed = started.elapsed();
        Map<String, Long> byGroup = new HashMap<>();
        long java = 0;
        for (long id : threads.getAllThreadIds()) {
            long now = threads.getThreadCpuTime(id);
            var info = threads.getThreadInfo(id);
            if (now < 0 || info == null) {
                continue;
            }
            long used = now - start.getOrDefault(id, 0L);
            java += used;
            byGroup.merge(group(info.getThreadName()), used, Long::sum);
        }
        byGroup.merge(NATIVE, Math.max(0, elapsed.cpuNanos() - java), Long::sum);
        Map<String, Double> out = new LinkedHashMap<>();
        double[] owners = new double[3];
        byGroup.entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .filter(e -> e.getValue() > 0)
                .forEach(e -> {
                    double ms = e.getValue() / 1e6 / images;
                    owners[owner(e.getKey())] += ms;
                    if (out.size() < 12) {
                        out.put(e.getKey(), ms);
                    }
                });
        return new Profile(out, owners[0], owners[1], owners[2], (gcMillis() - gcStart) / (double) images,
                (jitMillis() - jitStart) / (double) images);
    }

    private static long gcMillis() {
        return ManagementFactory.getGarbageCollectorMXBeans().stream()
                .mapToLong(gc -> Math.max(0, gc.getCollectionTime())).sum();
    }

    private static long jitMillis() {
        var jit = ManagementFactory.getCompilationMXBean();
        return jit != null && jit.isCompilationTimeMonitoringSupported() ? jit.getTotalCompilationTime() : 0;
    }

    /** 0 the application, 1 the broker, 2 the harness. */
    private static int owner(String group) {
        if (group.equals(NATIVE) || group.contains("StreamThread") || group.startsWith("hiertag-decode")
                || group.contains("| bench-")) {
            return 0;
        }
        if (group.equals("main") || group.startsWith("bench-") || group.endsWith("| producer-N")) {
            return 2;
        }
        return 1;
    }

    // "bench-main-1c2…-StreamThread-1" and "data-plane-kafka-request-handler-3" become one group each.
    static String group(String name) {
        return name.replaceAll("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", "*")
                .replaceAll("\\d+", "N");
    }
}
