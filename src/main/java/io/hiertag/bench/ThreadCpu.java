package io.hiertag.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Where the CPU of a phase went, by thread group (thread names with their numbers and ids taken out): the
 * profile behind the pipeline's gap to the first pass. Java threads are timed by the JVM; the JIT compiler and
 * GC threads, which the JVM hides, from {@code /proc/self/task} (Linux); what remains of the process's CPU time
 * is TensorFlow's own threads and other native work. Groups are also summed by owner: the application (stream and
 * decoding threads, TensorFlow, GC), the in-JVM broker, the harness that publishes and reads, and the JIT.
 */
final class ThreadCpu {

    static final String NATIVE = "native (TensorFlow threads, RocksDB)";
    static final String JIT = "JIT compiler threads";
    static final String GC = "GC threads";

    /**
     * @param byGroup CPU ms per image by thread group, largest first
     * @param application, broker, harness, jit the same summed by owner
     */
    record Profile(Map<String, Double> byGroup, double application, double broker, double harness, double jit) {}

    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    private final Map<Long, Long> start = new HashMap<>();
    private final Map<String, Long> jvmStart = jvmThreads();
    private final Clocks started;

    ThreadCpu() {
        for (long id : threads.getAllThreadIds()) {
            start.put(id, Math.max(0, threads.getThreadCpuTime(id)));
        }
        started = Clocks.now();
    }

    /** @return CPU per image since construction */
    Profile msPerImage(int images) {
        Clocks elapsed = started.elapsed();
        Map<String, Long> byGroup = new HashMap<>();
        long accounted = 0;
        for (long id : threads.getAllThreadIds()) {
            long now = threads.getThreadCpuTime(id);
            var info = threads.getThreadInfo(id);
            if (now < 0 || info == null) {
                continue;
            }
            long used = now - start.getOrDefault(id, 0L);
            accounted += used;
            byGroup.merge(group(info.getThreadName()), used, Long::sum);
        }
        for (Map.Entry<String, Long> e : jvmThreads().entrySet()) {
            long used = e.getValue() - jvmStart.getOrDefault(e.getKey(), 0L);
            accounted += used;
            byGroup.merge(e.getKey(), used, Long::sum);
        }
        byGroup.merge(NATIVE, Math.max(0, elapsed.cpuNanos() - accounted), Long::sum);
        Map<String, Double> out = new LinkedHashMap<>();
        double[] owners = new double[4];
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
        return new Profile(out, owners[0], owners[1], owners[2], owners[3]);
    }

    /** 0 the application, 1 the broker, 2 the harness, 3 the JIT. */
    private static int owner(String group) {
        if (group.equals(JIT)) {
            return 3;
        }
        if (group.equals(NATIVE) || group.equals(GC) || group.contains("StreamThread")
                || group.startsWith("hiertag-decode") || group.contains("| bench-")) {
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

    /**
     * CPU nanoseconds of the JVM's compiler and GC threads so far, by {@link #JIT} and {@link #GC}; empty where
     * {@code /proc} is missing. Their names ("C2 CompilerThre", "GC Thread#0", "G1 Conc#0") are set by HotSpot.
     */
    private static Map<String, Long> jvmThreads() {
        Map<String, Long> out = new HashMap<>();
        try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
            tasks.forEach(task -> {
                try {
                    String stat = Files.readString(task.resolve("stat"));
                    String comm = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                    String kind = comm.contains("CompilerThre") ? JIT
                            : comm.startsWith("GC Thread") || comm.startsWith("G1 ") ? GC : null;
                    if (kind != null) {
                        // Fields after the command: state is the 1st, utime the 12th, stime the 13th (clock ticks).
                        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                        long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
                        out.merge(kind, ticks * 10_000_000L, Long::sum); // USER_HZ is 100 on Linux
                    }
                } catch (IOException | RuntimeException e) {
                    // A thread that ended meanwhile: its time is lost to "native", which is only a remainder.
                }
            });
        } catch (IOException e) {
            return Map.of();
        }
        return out;
    }
}
