package io.hiertag.streams;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * The {@code hiertag} command line in a JVM of its own, on this JVM's class path, with its stdout and stderr in
 * one log file. Crash tests need a real process: {@link #kill9()} leaves no chance to flush, commit or leave the
 * group, unlike anything done inside the test JVM.
 */
final class ChildProcess implements AutoCloseable {

    private static final int SIGKILL_EXIT = 128 + 9;
    private static final int TAIL_LINES = 60;
    /** How TaggingApplication logs its Streams client's move to ERROR, a state it never leaves. */
    private static final String STREAMS_ERROR = "-> ERROR (application.id=";
    /** How every log line starts (slf4j-simple with a date-time), unlike the stack trace lines below one. */
    private static final Pattern LOG_LINE = Pattern.compile("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d");

    private final String name;
    private final Process process;
    private final Path log;

    private ChildProcess(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
    }

    /**
     * Starts {@code java -Xmx<heap> -cp <java.class.path> io.hiertag.cli.Hiertag <args>} with its output in
     * {@code log}, which is replaced if it exists.
     */
    static ChildProcess start(String name, Path log, String heap, List<String> args) {
        return start(name, log, heap, List.of(), args);
    }

    /** As {@link #start(String, Path, String, List)}, with more JVM options (system properties) before the class. */
    static ChildProcess start(String name, Path log, String heap, List<String> jvmOptions, List<String> args) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-Xmx" + heap));
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), "io.hiertag.cli.Hiertag"));
        command.addAll(args);
        try {
            Files.createDirectories(log.toAbsolutePath().getParent());
            Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            return new ChildProcess(name, p, log);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name + ": " + command, e);
        }
    }

    String name() {
        return name;
    }

    /** SIGKILL (Java's forcible destroy on Unix), then waits for the exit; fails if it was not that kill. */
    void kill9() throws InterruptedException {
        process.destroyForcibly();
        int code = waitFor(Duration.ofSeconds(30));
        if (code != SIGKILL_EXIT) {
            throw new AssertionError(name + " exited with " + code + " instead of dying of SIGKILL\n" + tail());
        }
    }

    /** SIGTERM, then waits up to {@code timeout} for the shutdown hooks; returns the exit code. */
    int terminate(Duration timeout) throws InterruptedException {
        process.destroy();
        return waitFor(timeout);
    }

    /** Waits for the exit; fails with the log tail if it has not exited within {@code timeout}. */
    int waitFor(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError(name + " did not exit within " + timeout.toSeconds() + " s\n" + tail());
        }
        return process.exitValue();
    }

    /** Whether any line of the output so far contains {@code fragment}. */
    boolean outputContains(String fragment) {
        return output().contains(fragment);
    }

    /** The lines of the output so far that contain {@code fragment}. */
    List<String> outputLines(String fragment) {
        return output().lines().filter(l -> l.contains(fragment)).toList();
    }

    /**
     * The first log entry whose first line contains {@code fragment}, with its stack trace (every line up to the
     * next one that starts with a timestamp); empty if there is none.
     */
    String firstEntry(String fragment) {
        StringBuilder entry = new StringBuilder();
        for (String line : output().lines().toList()) {
            boolean starts = LOG_LINE.matcher(line).lookingAt();
            if (entry.length() > 0 && starts) {
                break;
            }
            if (entry.length() > 0 || starts && line.contains(fragment)) {
                entry.append(line).append('\n');
            }
        }
        return entry.toString();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /**
     * Waits until the output contains {@code fragment}; fails at once, with the log tail, if the process stops
     * being healthy first, and after {@code timeout} otherwise.
     */
    void awaitOutput(String fragment, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!outputContains(fragment)) {
            assertHealthy();
            if (System.nanoTime() > deadline) {
                throw new AssertionError(name + " did not print '" + fragment + "' within " + timeout.toSeconds()
                        + " s\n" + tail());
            }
            Thread.sleep(100);
        }
    }

    /**
     * Fails with the log tail if the process is no longer running, or if it is the application and its Streams
     * client entered ERROR (it exits soon after, but there is no need to wait for that).
     */
    void assertHealthy() {
        if (!process.isAlive()) {
            throw new AssertionError(name + " died unexpectedly with exit code " + process.exitValue() + "\n" + tail());
        }
        if (outputContains(STREAMS_ERROR)) {
            throw new AssertionError(name + ": the Streams client entered ERROR\n" + tail());
        }
    }

    /** The last lines of the output, for failure messages. */
    String tail() {
        List<String> lines = output().lines().toList();
        return "--- last lines of " + log + " ---\n"
                + String.join("\n", lines.subList(Math.max(0, lines.size() - TAIL_LINES), lines.size()));
    }

    private String output() {
        try {
            // Lenient decoding: a line cut mid-character by a kill must not break the reader.
            return new String(Files.readAllBytes(log), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Kills the process if it still runs, so that no test leaves a JVM behind, whatever its outcome. */
    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
            try {
                process.waitFor(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
