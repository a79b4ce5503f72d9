package io.hiertag.zeroshot;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the caches under {@code cache.dir} share: entries named by a hash of everything that made them, written
 * to a temporary name and moved into place (a reader never sees half a file), and read back as null when
 * anything is wrong with them, so that they are computed again. A cache only saves time: a folder that cannot be
 * written is warned about, never fatal.
 */
final class CacheFiles {

    private static final Logger LOG = LoggerFactory.getLogger(CacheFiles.class);
    private static final int BUFFER = 1 << 16;

    interface Writer {
        void write(DataOutputStream out) throws IOException;
    }

    interface Reader<T> {
        /** The entry, or null when the file is not an entry of the expected kind. */
        T read(DataInputStream in) throws IOException;
    }

    /** Collects the parts of a key: each text is fed as its UTF-8 bytes after a newline. */
    static final class Key {
        private final MessageDigest sha;

        Key(String first) {
            try {
                sha = MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("SHA-256 is missing from this JVM", e);
            }
            sha.update(first.getBytes(StandardCharsets.UTF_8));
        }

        Key add(String text) {
            sha.update((byte) '\n');
            sha.update(text.getBytes(StandardCharsets.UTF_8));
            return this;
        }

        Key addBytes(byte[] bytes) {
            sha.update((byte) '\n');
            sha.update(bytes);
            return this;
        }

        /** The first 8 bytes of the hash in hex: enough to tell entries apart in one folder. */
        String hex() {
            return HexFormat.of().formatHex(sha.digest(), 0, 8);
        }
    }

    private CacheFiles() {
    }

    /** {@code dir/<name, made file-safe>-<key>.<extension>}. */
    static Path entry(Path dir, String name, Key key, String extension) {
        return dir.resolve(name.replaceAll("[^A-Za-z0-9._-]", "_") + "-" + key.hex() + "." + extension);
    }

    /** The entry read back, or null when it is missing or unusable (unusable ones are warned about). */
    static <T> T read(Path file, String what, Reader<T> reader) {
        if (!Files.isRegularFile(file)) {
            return null;
        }
        try (InputStream in = Files.newInputStream(file);
             DataInputStream data = new DataInputStream(new BufferedInputStream(in, BUFFER))) {
            T entry = reader.read(data);
            if (entry == null) {
                LOG.warn("Ignoring {} cache {}: not an entry of the expected kind", what, file);
            }
            return entry;
        } catch (IOException e) {
            LOG.warn("Ignoring unreadable {} cache {}: {}", what, file, e.toString());
            return null;
        }
    }

    static void write(Path file, String what, Writer writer) {
        try {
            Files.createDirectories(file.getParent());
            Path tmp = Files.createTempFile(file.getParent(), file.getFileName().toString(), ".partial");
            try (OutputStream out = Files.newOutputStream(tmp);
                 DataOutputStream data = new DataOutputStream(new BufferedOutputStream(out, BUFFER))) {
                writer.write(data);
            }
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            LOG.warn("Could not write {} cache {}: {}", what, file, e.toString());
        }
    }
}
