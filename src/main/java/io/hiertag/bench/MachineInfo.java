package io.hiertag.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * What the numbers were measured on. Linux facts come from {@code /proc} and {@code /etc/os-release}; elsewhere
 * they read "unknown".
 *
 * @param loadBefore the 1/5/15-minute load averages when the run started: other processes share the cores
 */
record MachineInfo(String cpu, int cores, long ramMb, String os, String jvm, String loadBefore) {

    static MachineInfo detect() {
        String cpu = line(Path.of("/proc/cpuinfo"), "model name").map(l -> l.substring(l.indexOf(':') + 1).trim())
                .orElse("unknown");
        long ramKb = line(Path.of("/proc/meminfo"), "MemTotal:").map(MachineInfo::kilobytes).orElse(0L);
        String os = line(Path.of("/etc/os-release"), "PRETTY_NAME=")
                .map(l -> l.substring("PRETTY_NAME=".length()).replace("\"", ""))
                .orElse(System.getProperty("os.name")) + ", kernel " + System.getProperty("os.version");
        String jvm = System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version");
        return new MachineInfo(cpu, Runtime.getRuntime().availableProcessors(), ramKb / 1024, os, jvm, load());
    }

    /** The load averages now, as {@code /proc/loadavg} gives them. */
    static String load() {
        try {
            String[] parts = Files.readString(Path.of("/proc/loadavg")).trim().split(" ");
            return parts[0] + " " + parts[1] + " " + parts[2];
        } catch (IOException e) {
            return "unknown";
        }
    }

    /** A {@code /proc/self/status}-style value in kB ("VmHWM:   123456 kB"), 0 when absent. */
    static long kilobytes(String line) {
        String digits = line.replaceAll("[^0-9]", "");
        return digits.isEmpty() ? 0 : Long.parseLong(digits);
    }

    static Optional<String> line(Path file, String prefix) {
        try {
            List<String> lines = Files.readAllLines(file);
            return lines.stream().filter(l -> l.startsWith(prefix)).findFirst();
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
