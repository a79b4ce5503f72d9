package io.hiertag.testmodel;

import io.hiertag.model.ModelContract;
import io.hiertag.model.ModelContractException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bundled test model's folders: exported on first use, once, even when several processes start together, and
 * again when the folder holds a model an earlier hiertag wrote (its contract differs from today's).
 */
public final class TestModelFolders {

    private static final Logger LOG = LoggerFactory.getLogger(TestModelFolders.class);

    /** The seed of the bundled test model; fixed so every machine gets the same weights. */
    public static final long TEST_MODEL_SEED = 20230601L;

    private TestModelFolders() {
    }

    /**
     * Exports the test model into {@code dir} unless the current one is already there. It is written beside the
     * target and moved into place, so a second process starting at the same moment never loads a half-written
     * model.
     */
    public static Path ensure(Path dir) {
        return ensure(dir, TestModelVariant.TEST);
    }

    /** As {@link #ensure(Path)}, for any variant, with the bundled model's seed and corpus. */
    public static Path ensure(Path dir, TestModelVariant variant) {
        if (Files.isRegularFile(dir.resolve(ModelContract.FILE_NAME))) {
            if (current(dir, variant)) {
                return dir;
            }
            // Generated, never edited by hand, so replaced rather than kept: loading it would tag with a model the
            // rest of this version does not describe.
            LOG.warn("{} holds a {} written by an earlier hiertag version; replacing it with the current one", dir,
                    variant.modelName());
            retire(dir);
        }
        long t0 = System.nanoTime();
        try {
            Files.createDirectories(dir.toAbsolutePath().getParent());
            Path tmp = Files.createTempDirectory(dir.toAbsolutePath().getParent(), dir.getFileName() + ".partial-");
            TestModelExporter.export(tmp, variant, TEST_MODEL_SEED);
            try {
                Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileAlreadyExistsException | DirectoryNotEmptyException e) {
                deleteTree(tmp); // another process won the race; its model is identical
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the test model to " + dir, e);
        }
        LOG.info("Exported the {} model to {} in {} ms", variant.modelName(), dir,
                (System.nanoTime() - t0) / 1_000_000);
        return dir;
    }

    private static boolean current(Path dir, TestModelVariant variant) {
        try {
            return ModelContract.read(dir).equals(TestModelExporter.contract(variant));
        } catch (ModelContractException e) {
            return false;
        }
    }

    /** Moves the folder aside, then deletes it; another process doing the same at once finds it gone. */
    private static void retire(Path dir) {
        Path old = dir.resolveSibling(dir.getFileName() + ".old-" + ProcessHandle.current().pid());
        try {
            Files.move(dir, old, StandardCopyOption.ATOMIC_MOVE);
            deleteTree(old);
        } catch (NoSuchFileException e) {
            // retired by another process already
        } catch (IOException e) {
            throw new UncheckedIOException("cannot replace the outdated test model in " + dir, e);
        }
    }

    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
