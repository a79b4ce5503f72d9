package io.hiertag.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

/**
 * The real {@code bin/hiertag}, run by bash as a user runs it. It sits in a copy of the project's layout whose
 * {@code target/hierarchy-tagger.jar} holds only a manifest naming this build's classes and dependencies (the
 * real jar is built after the tests), with every source older than that jar, so the script starts it without a
 * Maven build. {@code java} is this JVM's.
 */
final class Launcher {

    record Result(int code, String output) {
    }

    private final Path root;

    private Launcher(Path root) {
        this.root = root;
    }

    static Launcher in(Path root) throws IOException {
        Path bin = Files.createDirectories(root.resolve("bin"));
        Files.copy(Path.of("bin", "hiertag"), bin.resolve("hiertag"), StandardCopyOption.COPY_ATTRIBUTES);
        FileTime old = FileTime.from(Instant.parse("2000-01-01T00:00:00Z"));
        Files.setLastModifiedTime(Files.writeString(root.resolve("pom.xml"), "<project/>"), old);
        Files.setLastModifiedTime(Files.createDirectories(root.resolve("src/main")), old);
        Files.setLastModifiedTime(Files.createDirectories(root.resolve("schemas")), old);
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, Hiertag.class.getName());
        List<String> urls = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            urls.add(Path.of(entry).toAbsolutePath().toUri().toString());
        }
        manifest.getMainAttributes().put(Attributes.Name.CLASS_PATH, String.join(" ", urls));
        Path target = Files.createDirectories(root.resolve("target"));
        try (OutputStream out = Files.newOutputStream(target.resolve("hierarchy-tagger.jar"));
             JarOutputStream jar = new JarOutputStream(out, manifest)) {
            jar.flush();
        }
        return new Launcher(root);
    }

    /** Runs {@code bin/hiertag args} with {@code env} added to this process's environment, within two minutes. */
    Result run(Map<String, String> env, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("bash", root.resolve("bin/hiertag").toString()));
        command.addAll(List.of(args));
        Path log = Files.createTempFile(root, "hiertag-", ".log");
        ProcessBuilder pb = new ProcessBuilder(command).directory(root.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).redirectInput(new java.io.File("/dev/null"));
        pb.environment().keySet().removeIf(k -> k.startsWith("HIERTAG_"));
        pb.environment().put("PATH", Path.of(System.getProperty("java.home"), "bin") + java.io.File.pathSeparator
                + pb.environment().getOrDefault("PATH", "/usr/bin:/bin"));
        pb.environment().putAll(env);
        Process p = pb.start();
        if (!p.waitFor(2, TimeUnit.MINUTES)) {
            p.destroyForcibly().waitFor();
            throw new AssertionError("bin/hiertag " + String.join(" ", args) + " did not finish:\n"
                    + Files.readString(log));
        }
        return new Result(p.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
    }
}
