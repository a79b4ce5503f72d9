package io.hiertag.cli;

import io.hiertag.config.HiertagConfig;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks the folders a command writes under {@code data.dir} before anything starts: each is created if missing
 * and must take a new file, and {@code data.dir}'s file system must have {@code data.min-free-bytes} free. A
 * problem is one line naming the folder and what to do (exit code 2), instead of a stack trace from whichever
 * part touches the folder first (the embedded broker, RocksDB, the test-model export), possibly minutes into
 * the start, after the model has loaded.
 */
final class DataFolders {

    private static final Logger LOG = LoggerFactory.getLogger(DataFolders.class);
    private static final long MB = 1024 * 1024;

    private DataFolders() {
    }

    /** Requires {@code data.dir} and the given folders (under it) to be usable; see the class comment. */
    static void require(HiertagConfig config, List<Path> subfolders) {
        List<Path> all = new ArrayList<>(List.of(config.dataDir()));
        all.addAll(subfolders);
        for (Path dir : all) {
            String problem = problem(dir);
            if (problem != null) {
                throw new UserInputException(problem + "; fix that or point data.dir (--data-dir) at a folder you "
                        + "can write");
            }
        }
        long min = config.dataMinFreeBytes();
        long free = usableSpace(config.dataDir());
        if (free < min) {
            throw new UserInputException("data.dir " + config.dataDir() + " has " + free / MB + " MB free, less "
                    + "than data.min-free-bytes (" + min / MB + " MB); free space on its file system or point "
                    + "data.dir (--data-dir) at a larger one");
        }
    }

    /**
     * The text-embedding cache only saves time, and a read-only one holding every embedding is a valid set-up,
     * so a cache.dir that cannot be written is not refused: the warning says what it costs.
     */
    static void warnIfUnwritable(Path cacheDir) {
        String problem = problem(cacheDir);
        if (problem != null) {
            LOG.warn("{}: text embeddings missing from cache.dir are computed again at every start", problem);
        }
    }

    /** Creates {@code dir} if missing and writes a file in it; null if that worked, else what is wrong. */
    private static String problem(Path dir) {
        if (!Files.isDirectory(dir)) {
            try {
                Files.createDirectories(dir);
                LOG.info("Created folder {}", dir);
            } catch (FileAlreadyExistsException e) {
                return dir + " is a file, not a folder";
            } catch (IOException e) {
                // The file the exception names is the first folder of the path that could not be made.
                String where = e instanceof FileSystemException f && f.getFile() != null ? f.getFile() + ": " : "";
                return "folder " + dir + " does not exist and cannot be created (" + where + reason(e) + ")";
            }
        }
        try {
            Files.delete(Files.createTempFile(dir, ".hiertag-write-check-", ".tmp"));
            return null;
        } catch (IOException e) {
            return "folder " + dir + " is not writable (" + reason(e) + ")";
        }
    }

    private static String reason(IOException e) {
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        return e instanceof FileSystemException f && f.getReason() != null ? f.getReason().toLowerCase(Locale.ROOT)
                : e.toString();
    }

    private static long usableSpace(Path dir) {
        try {
            return Files.getFileStore(dir).getUsableSpace();
        } catch (IOException e) {
            throw new UserInputException("cannot read the free space of data.dir " + dir + " (" + reason(e) + ")");
        }
    }
}
