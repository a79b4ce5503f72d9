package io.hiertag.convert;

import io.hiertag.model.ModelContract;
import io.hiertag.model.SavedModelDualEncoder;
import io.hiertag.model.graph.DualEncoderWriter;
import io.hiertag.model.graph.TextTowerSpec;
import io.hiertag.model.graph.VitSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a checkpoint folder into a model folder: plan (every tensor checked), build and save the SavedModel, write
 * the tokenizer's file and the contract, load the result once as {@code run} would, then move it into place. All
 * of it happens in a folder beside the target, removed on any failure, so the target either is a whole model or
 * does not exist.
 */
public final class ModelImporter {

    private static final Logger LOG = LoggerFactory.getLogger(ModelImporter.class);

    /**
     * @param modelId the new folder's model id
     * @param bytes the folder's size on disk
     */
    public record Result(Path folder, CheckpointFormat format, String modelId, long bytes, Duration took) {}

    private ModelImporter() {
    }

    /**
     * @param from the checkpoint folder
     * @param out the model folder to create; must not exist yet
     * @param format the layout, or null to tell it from the files
     * @param name the model's name in its contract, or null for the checkpoint folder's name
     * @throws CheckpointException when the checkpoint cannot be imported; nothing is left at {@code out}
     */
    public static Result importModel(Path from, Path out, CheckpointFormat format, String name) {
        if (Files.exists(out)) {
            throw new IllegalArgumentException(out + " exists");
        }
        long t0 = System.nanoTime();
        CheckpointFormat f = format != null ? format : CheckpointFormat.detect(from);
        ImportPlan plan = f.plan(from);
        try {
            String modelName = name != null ? name : defaultName(from);
            ModelContract contract = plan.contract(modelName);
            LOG.info("Importing {} checkpoint {}: {}; {}", plan.format(), from, describe(plan.image()),
                    describe(plan.text()));
            Path target = out.toAbsolutePath();
            Files.createDirectories(target.getParent());
            Path tmp = Files.createTempDirectory(target.getParent(), target.getFileName() + ".partial-");
            if (Files.getFileStore(tmp).supportsFileAttributeView(PosixFileAttributeView.class)) {
                // A temporary folder is private (rwx------); the model folder it becomes is not.
                Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
            }
            try {
                DualEncoderWriter.write(tmp, contract, plan.image(), plan.text(), plan.weights());
                plan.vocabulary().writeTo(tmp.resolve(plan.textSpec().vocabulary()));
                contract.write(tmp);
                // The last check, as run will load it: signatures against the contract, the tokenizer, one call.
                try (SavedModelDualEncoder check = SavedModelDualEncoder.open(tmp)) {
                    check.embedTexts(List.of("a photo of a dog."));
                }
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException | RuntimeException | Error e) {
                deleteTree(tmp);
                throw e;
            }
            Result result = new Result(target, f, contract.modelId(target), size(target),
                    Duration.ofNanos(System.nanoTime() - t0));
            LOG.info("Imported {} into {} in {} s ({} MB)", result.modelId(), target, result.took().toSeconds(),
                    result.bytes() / 1_000_000);
            return result;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write the model folder " + out, e);
        } finally {
            plan.file().close();
        }
    }

    private static String defaultName(Path from) {
        Path name = from.toAbsolutePath().normalize().getFileName();
        return name == null ? "imported-model" : name.toString();
    }

    private static String describe(VitSpec v) {
        return "ViT " + v.imageSize() + " px / " + v.patchSize() + ", " + v.transformer().layers() + " layers of "
                + v.transformer().width() + " (" + v.transformer().heads() + " heads, " + v.transformer().activation()
                + "), output " + v.outputSize();
    }

    private static String describe(TextTowerSpec t) {
        return t.getClass().getSimpleName().replace("Spec", "") + " " + t.contextLength() + " tokens, "
                + t.transformer().layers() + " layers of " + t.transformer().width() + " ("
                + t.transformer().heads() + " heads, " + t.transformer().activation() + "), output " + t.outputSize();
    }

    private static long size(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            long total = 0;
            for (Path p : files.filter(Files::isRegularFile).toList()) {
                total += Files.size(p);
            }
            return total;
        }
    }

    private static void deleteTree(Path root) {
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            LOG.warn("Could not remove the partial folder {}: {}", root, e.getMessage());
        }
    }
}
