package io.hiertag.streams;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A small tmpfs mounted for one test: a real file system that runs out of space (or is read-only) without
 * touching the machine's disks. Only root may mount, so a test that needs one calls {@link #require}: skipped
 * elsewhere, but failing when the environment variable {@code CI} is set, where a missing tool must not hide the
 * test.
 */
public final class Tmpfs implements AutoCloseable {

    private static final String FILLER = "filler";

    private final Path mountPoint;

    private Tmpfs(Path mountPoint) {
        this.mountPoint = mountPoint;
    }

    /**
     * Mounts a tmpfs of {@code bytes} (rounded up to whole pages) on {@code mountPoint}, created if missing;
     * skips the calling test (fails it on CI) when this process may not mount.
     */
    public static Tmpfs require(Path mountPoint, long bytes, boolean readOnly) {
        String failure;
        try {
            Files.createDirectories(mountPoint);
            failure = run("mount", "-t", "tmpfs", "-o", "size=" + bytes + (readOnly ? ",ro" : ""), "tmpfs",
                    mountPoint.toString());
        } catch (IOException e) {
            failure = e.toString();
        }
        String what = "mounting a tmpfs (root only): " + failure;
        if (System.getenv("CI") != null) {
            assertTrue(failure == null, what + "; required on CI");
        } else {
            assumeTrue(failure == null, what + "; skipped (on CI this fails)");
        }
        return new Tmpfs(mountPoint);
    }

    public Path path() {
        return mountPoint;
    }

    /**
     * Takes all the free space but {@code leaveFree} bytes: writes a file until the file system refuses with
     * ENOSPC (in large writes, then single pages, so that not one page stays free), then gives back
     * {@code leaveFree}. Returns the bytes it holds.
     */
    public long fill(long leaveFree) {
        long written = 0;
        try (FileChannel ch = FileChannel.open(mountPoint.resolve(FILLER), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE)) {
            for (int chunk : new int[] {1 << 20, 4096}) {
                ByteBuffer b = ByteBuffer.allocate(chunk);
                try {
                    while (true) {
                        b.clear();
                        while (b.hasRemaining()) {
                            written += ch.write(b, written);
                        }
                    }
                } catch (IOException e) {
                    if (!String.valueOf(e.getMessage()).contains("No space left on device")) {
                        throw e;
                    }
                }
            }
            written = Math.max(0, written - leaveFree);
            ch.truncate(written);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return written;
    }

    /** Deletes what {@link #fill} wrote. */
    public void free() {
        try {
            Files.deleteIfExists(mountPoint.resolve(FILLER));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Free bytes as an unprivileged process would see them. */
    public long usableSpace() {
        try {
            return Files.getFileStore(mountPoint).getUsableSpace();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Unmounts; lazily if a process that was killed still had a file open there. */
    @Override
    public void close() {
        String failure = run("umount", mountPoint.toString());
        if (failure != null && run("umount", "-l", mountPoint.toString()) != null) {
            throw new IllegalStateException("cannot unmount " + mountPoint + ": " + failure);
        }
    }

    /** Runs a command; null when it exited 0, else what it said. */
    private static String run(String... command) {
        try {
            Process p = new ProcessBuilder(List.of(command)).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return String.join(" ", command) + " did not finish";
            }
            return p.exitValue() == 0 ? null : String.join(" ", command) + ": exit " + p.exitValue() + ": " + out;
        } catch (IOException e) {
            return String.join(" ", command) + ": " + e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return String.join(" ", command) + ": interrupted";
        }
    }
}
