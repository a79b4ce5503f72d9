package io.hiertag.streams;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hiertag.testing.ExternalTool;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.kafka.clients.producer.KafkaProducer;

/**
 * The examples of {@code docs/clients.md}, taken from the page as they stand (each fenced block after an
 * {@code <!-- example: NAME -->} line), written as files into a working folder beside a copy of {@code schemas/},
 * and run there against a broker: the page and what the tests run cannot drift apart.
 */
final class ClientExamples {

    static final Path PAGE = Path.of("docs", "clients.md");
    private static final Pattern EXAMPLE = Pattern.compile("<!-- example: (\\S+) -->\\n```\\w+\\n(.*?)\\n```\\n",
            Pattern.DOTALL);
    private static final Duration TIMEOUT = Duration.ofMinutes(2);

    /** The examples run directly, by any instance. */
    private static final Set<String> RUN = ConcurrentHashMap.newKeySet();

    private final Path dir;
    private final Map<String, String> environment;

    /** Writes every example into {@code dir}; the programs will reach the broker at {@code bootstrap}. */
    ClientExamples(Path dir, String bootstrap) throws IOException {
        this.dir = dir;
        for (Map.Entry<String, String> e : examples().entrySet()) {
            Files.writeString(dir.resolve(e.getKey()), e.getValue() + "\n", StandardCharsets.UTF_8);
        }
        copySchemas(dir.resolve("schemas"));
        String javaBin = Path.of(System.getProperty("java.home"), "bin").toString();
        this.environment = Map.of("KAFKA", bootstrap, "CLASSPATH", kafkaAndAvroOnly(),
                "PATH", javaBin + ":" + System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
    }

    /** The page's examples by file name, in page order. */
    static Map<String, String> examples() throws IOException {
        Map<String, String> out = new LinkedHashMap<>();
        Matcher m = EXAMPLE.matcher(Files.readString(PAGE, StandardCharsets.UTF_8));
        while (m.find()) {
            assertTrue(out.put(m.group(1), m.group(2)) == null, "two examples named " + m.group(1));
        }
        return out;
    }

    /** Runs a shell example ({@code NAME.sh}) with bash, or a Python one with Debian's python3; must exit 0. */
    String run(String example, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(example.endsWith(".py") ? List.of(ExternalTool.PYTHON.toString())
                : List.of("bash", "-euo", "pipefail"));
        command.add(example);
        command.addAll(List.of(args));
        RUN.add(example);
        return own(command);
    }

    /** Runs a Java example from source, as the page's {@code java -cp "$CLASSPATH" NAME.java} does. */
    String java(String example, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-cp", environment.get("CLASSPATH"), example));
        command.addAll(List.of(args));
        RUN.add(example);
        return own(command);
    }

    /**
     * The examples that have run: those run directly, and those they use, which their text names (a shell
     * example runs {@code PublishImageEvent.java}; a script imports {@code hiertag_avro}).
     */
    static Set<String> used() throws IOException {
        Map<String, String> all = examples();
        Set<String> used = new TreeSet<>(RUN);
        for (String name : all.keySet()) {
            String stem = name.substring(0, name.lastIndexOf('.'));
            if (RUN.stream().anyMatch(run -> all.getOrDefault(run, "").contains(stem))) {
                used.add(name);
            }
        }
        return used;
    }

    /** Runs Python code of the test's own (not from the page) in the working folder, where the page's module is. */
    String python(String code) throws IOException, InterruptedException {
        return own(List.of(ExternalTool.PYTHON.toString(), "-c", code));
    }

    /** Runs a shell command of the test's own in the working folder. */
    String bash(String code) throws IOException, InterruptedException {
        return own(List.of("bash", "-euo", "pipefail", "-c", code));
    }

    private String own(List<String> command) throws IOException, InterruptedException {
        ExternalTool.Result r = ExternalTool.run(command, environment, TIMEOUT, dir);
        assertEquals(0, r.exitCode(), command + " failed:\n" + r.output());
        return r.output();
    }

    /** The lines a consumer example printed about records (library warnings left out). */
    static List<String> recordLines(String output) {
        return output.lines().filter(l -> l.startsWith("tag ") || l.startsWith("dead-letter ")).toList();
    }

    private static void copySchemas(Path to) throws IOException {
        Path from = Path.of("schemas");
        try (Stream<Path> files = Files.walk(from)) {
            for (Path f : files.toList()) {
                Path target = to.resolve(from.relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(f, target);
                }
            }
        }
    }

    /**
     * The jars of kafka-clients and avro and the libraries they need to publish and read uncompressed records
     * (Jackson for Avro's schema parser, the SLF4J API for both): nothing of this project's.
     */
    private static String kafkaAndAvroOnly() {
        List<String> jars = new ArrayList<>();
        for (Class<?> c : List.of(KafkaProducer.class, Schema.class, com.fasterxml.jackson.core.JsonFactory.class,
                com.fasterxml.jackson.databind.ObjectMapper.class,
                com.fasterxml.jackson.annotation.JsonAutoDetect.class, org.slf4j.Logger.class)) {
            try {
                jars.add(Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toString());
            } catch (java.net.URISyntaxException e) {
                throw new UncheckedIOException(new IOException(e));
            }
        }
        jars.forEach(j -> assertTrue(j.endsWith(".jar"), j + " is not a jar"));
        return String.join(":", jars);
    }
}
