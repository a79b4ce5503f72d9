package io.hiertag.testing;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs programs outside the JVM (Python with NumPy, PIL and torchvision; Chromium; kcat and Python's Kafka and Avro
 * clients) for tests that check our files or numbers against other implementations, or our topics against clients
 * that are not ours.
 * A developer without the program gets a skipped test; CI (environment variable {@code CI} set) installs them,
 * so there a missing program fails the test instead of hiding it.
 */
public final class ExternalTool {

    /** Debian's Python, which has the Debian packages (python3-numpy, …), not whatever python3 is on the PATH. */
    public static final Path PYTHON = Path.of("/usr/bin/python3");
    /** Debian's kcat (package kcat). */
    public static final Path KCAT = Path.of("/usr/bin/kcat");

    private ExternalTool() {
    }

    /** {@link #require}s {@link #PYTHON} to import every module named. */
    public static void requirePython(Path workDir, String... modules) throws IOException, InterruptedException {
        String imports = String.join(", ", modules);
        require(Files.isExecutable(PYTHON) && run(List.of(PYTHON.toString(), "-c", "import " + imports),
                Duration.ofSeconds(60), workDir).exitCode() == 0, PYTHON + " with " + imports);
    }

    /** Skips the calling test when {@code available} is false, unless on CI, where it fails. */
    public static void require(boolean available, String what) {
        if (System.getenv("CI") != null) {
            assertTrue(available, what + " is required on CI");
        } else {
            assumeTrue(available, what + " is not installed; skipped (on CI this fails)");
        }
    }

    /** What a finished program returned. */
    public record Result(int exitCode, String output) {
    }

    /**
     * Runs {@code command} with stdout and stderr merged into a file (a pipe could fill up and block the
     * program), killing it after {@code timeout}.
     */
    public static Result run(List<String> command, Duration timeout, Path workDir)
            throws IOException, InterruptedException {
        return run(command, Map.of(), timeout, workDir);
    }

    /** {@link #run(List, Duration, Path)} with {@code environment} added to this JVM's. */
    public static Result run(List<String> command, Map<String, String> environment, Duration timeout, Path workDir)
            throws IOException, InterruptedException {
        Path log = Files.createTempFile(workDir, "output", ".log");
        ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().putAll(environment);
        Process p = builder.start();
        if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            p.destroyForcibly().waitFor();
            throw new AssertionError(command.get(0) + " did not finish within " + timeout + ":\n"
                    + Files.readString(log, StandardCharsets.UTF_8));
        }
        return new Result(p.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
    }
}
