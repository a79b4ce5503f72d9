package io.hiertag.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hiertag.config.HiertagConfig;
import io.hiertag.testing.ExternalTool;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The container files without a Docker engine: Compose 1.29 (Debian's {@code docker-compose}) validates
 * {@code docker-compose.yml}, {@code dockerfile-utils} (npm) lints the {@code Dockerfile}, and what neither checks
 * is checked here: the image builds from the sources alone and runs as a non-root user, every {@code HIERTAG_}
 * variable the files set is a setting, and Prometheus scrapes the port the tagger serves.
 */
class DeploymentFilesTest {

    private static final Path COMPOSE_FILE = Path.of("docker-compose.yml");
    private static final Path DOCKERFILE = Path.of("Dockerfile");
    private static final Path COMPOSE = Path.of("/usr/bin/docker-compose");
    /** npm's global install puts it in its prefix's bin/, which is on the PATH. */
    private static final Path LINTER = onPath("dockerfile-utils");

    @Test
    void composeFileValidates(@TempDir Path dir) throws Exception {
        ExternalTool.require(Files.isExecutable(COMPOSE), COMPOSE + " (Debian's docker-compose)");
        ExternalTool.Result r = ExternalTool.run(List.of(COMPOSE.toString(), "-f",
                COMPOSE_FILE.toAbsolutePath().toString(), "config", "-q"), Duration.ofSeconds(60), dir);
        assertEquals(0, r.exitCode(), r.output());
        // The check must be able to fail: the same file with a misspelt condition is refused.
        Path broken = COMPOSE_FILE.toAbsolutePath().resolveSibling("docker-compose.broken-test.yml");
        try {
            Files.writeString(broken, Files.readString(COMPOSE_FILE).replace("service_healthy", "service_heathy"));
            ExternalTool.Result bad = ExternalTool.run(List.of(COMPOSE.toString(), "-f", broken.toString(), "config",
                    "-q"), Duration.ofSeconds(60), dir);
            assertEquals(1, bad.exitCode(), bad.output());
        } finally {
            Files.deleteIfExists(broken);
        }
    }

    @Test
    void dockerfilePassesTheLinter(@TempDir Path dir) throws Exception {
        ExternalTool.require(LINTER != null, "dockerfile-utils (npm install -g dockerfile-utils)");
        ExternalTool.Result r = ExternalTool.run(List.of(LINTER.toString(), "lint",
                DOCKERFILE.toAbsolutePath().toString()), Duration.ofSeconds(60), dir);
        assertEquals(0, r.exitCode(), r.output());
        assertTrue(r.output().isBlank(), "no warning either:\n" + r.output());
    }

    private static Path onPath(String program) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            Path p = Path.of(dir, program);
            if (!dir.isEmpty() && Files.isExecutable(p)) {
                return p;
            }
        }
        return null;
    }

    @Test
    void imageIsBuiltInsideAndRunsAsAnUnprivilegedUser() throws IOException {
        List<String> lines = Files.readAllLines(DOCKERFILE).stream().map(String::strip)
                .filter(l -> !l.startsWith("#")).toList();
        List<String> stages = lines.stream().filter(l -> l.startsWith("FROM ")).toList();
        assertEquals(2, stages.size(), stages.toString());
        assertTrue(stages.get(0).matches("FROM maven:[0-9][^ ]* AS build"), stages.get(0));
        for (String from : stages) {
            assertTrue(from.matches("FROM [^: ]+:[0-9][^ ]*( AS \\w+)?"), "pin a versioned tag: " + from);
        }
        int runtime = lines.indexOf(stages.get(1));
        for (String copy : lines.subList(runtime, lines.size())) {
            if (copy.startsWith("COPY ")) {
                assertTrue(copy.startsWith("COPY --from=build "), "the runtime stage copies only build output: "
                        + copy);
            }
        }
        for (String copy : lines.subList(0, runtime)) {
            assertFalse(copy.startsWith("COPY target") || copy.startsWith("ADD target"), "host build output: " + copy);
        }
        assertTrue(Files.readString(Path.of(".dockerignore")).lines().anyMatch("target/"::equals),
                "target/ must stay out of the build context");
        List<String> users = lines.subList(runtime, lines.size()).stream().filter(l -> l.startsWith("USER ")).toList();
        assertEquals(List.of("USER hiertag"), users);
        assertTrue(lines.stream().anyMatch(l -> l.contains("DJL_OFFLINE=true")), "DJL must not download");
    }

    @Test
    void everyHiertagVariableIsASetting() throws IOException {
        Set<String> settings = HiertagConfig.knownKeys().keySet().stream()
                .map(k -> "HIERTAG_" + k.toUpperCase(java.util.Locale.ROOT).replace('.', '_').replace('-', '_'))
                .collect(Collectors.toSet());
        List<String> unknown = new ArrayList<>();
        Set<String> seen = new TreeSet<>();
        for (Path file : List.of(COMPOSE_FILE, DOCKERFILE)) {
            Matcher m = Pattern.compile("\\b(HIERTAG_[A-Z0-9_]+)[:=]").matcher(Files.readString(file));
            while (m.find()) {
                seen.add(m.group(1));
                if (!settings.contains(m.group(1))) {
                    unknown.add(file + ": " + m.group(1));
                }
            }
        }
        assertTrue(seen.containsAll(Set.of("HIERTAG_METRICS_PORT", "HIERTAG_MODEL_DIR", "HIERTAG_DATA_DIR")), seen
                .toString());
        assertTrue(unknown.isEmpty(), "the application refuses an unknown HIERTAG_ variable: " + unknown);
    }

    @Test
    void prometheusScrapesThePortTheTaggerServesAndTheHealthcheckAsksForReadiness() throws IOException {
        String compose = Files.readString(COMPOSE_FILE);
        Matcher port = Pattern.compile("HIERTAG_METRICS_PORT: (\\d+)").matcher(compose);
        assertTrue(port.find(), "the tagger serves metrics");
        String prometheus = Files.readString(GrafanaDashboardTest.PROMETHEUS);
        assertTrue(prometheus.contains("\"tagger:" + port.group(1) + "\""), prometheus);
        assertTrue(compose.contains("/dev/tcp/127.0.0.1/" + port.group(1)) && compose.contains("GET /health/ready"),
                "the tagger's healthcheck asks /health/ready");
        for (String mounted : List.of("./ops/prometheus/prometheus.yml", "./ops/grafana/provisioning",
                "./ops/grafana/hiertag-dashboard.json")) {
            assertTrue(compose.contains(mounted + ":"), mounted + " not mounted");
            assertTrue(Files.exists(Path.of(mounted)), mounted + " missing");
        }
    }
}
