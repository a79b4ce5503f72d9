package io.hiertag.streams;

import io.hiertag.labels.HierarchyPrompts;
import io.hiertag.model.SavedModelDualEncoder;
import io.hiertag.testmodel.TestModelFolders;
import io.hiertag.zeroshot.EncodingProgress;
import io.hiertag.zeroshot.LabelSetModel;
import io.hiertag.zeroshot.LabelSetModels;
import io.hiertag.zeroshot.TextEmbeddingCache;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The bundled test model, exported once per test JVM into a temporary folder, and a text-embedding cache beside
 * it, shared by the tests so the class-name and hierarchy prompts are embedded once per run.
 */
public final class TestModels {

    private static Path root;

    private TestModels() {
    }

    private static synchronized Path root() {
        if (root == null) {
            try {
                root = Files.createTempDirectory("hiertag-test-model-");
                Path created = root;
                Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(created)));
                TestModelFolders.ensure(root.resolve("model"));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return root;
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // A leftover temporary folder is harmless.
        }
    }

    public static Path testModel() {
        return root().resolve("model");
    }

    /** The shared text-embedding cache; point {@code cache.dir} here to skip re-embedding in a test. */
    public static Path cacheDir() {
        return root().resolve("cache");
    }

    /** ImageNet-1k with the paper's options on {@code encoder}, through the shared cache. */
    public static Map<String, LabelSetModel> imagenet(SavedModelDualEncoder encoder) {
        return LabelSetModels.load(Map.of("imagenet-1k", Optional.empty()), HierarchyPrompts.Options.DEFAULT,
                LabelSetModel.Options.paper(), encoder.modelId(), encoder::embedTexts,
                new TextEmbeddingCache(cacheDir()), encoder::bankScoring, EncodingProgress.NONE);
    }
}
