package io.hiertag.testmodel;

import io.hiertag.image.Normalization;
import io.hiertag.image.Resize;
import io.hiertag.model.ModelContract;
import io.hiertag.model.graph.DualEncoderWriter;
import io.hiertag.text.ClipBpeTokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a deterministic test model: a small real CLIP ({@link TestModelVariant}) with seeded random weights
 * ({@link TestModelWeights}) as a SavedModel with the signatures {@code embed_images} and {@code embed_texts}, built
 * by the graph builders an imported checkpoint uses, with CLIP's BPE merges file and its {@code hiertag-model.json}
 * ({@link #contract(TestModelVariant)}). Equal arguments give byte-equal files.
 */
public final class TestModelExporter {

    /** The vocabulary file's name inside the model folder: CLIP's merges, as hiertag bundles them. */
    public static final String VOCABULARY_FILE = "bpe_simple_vocab_16e6.txt.gz";
    /** Square input side of the default test model in pixels. */
    public static final int IMAGE_SIZE = TestModelVariant.TEST.imageSize();
    /** Token rows of the default test model are padded or clipped to this length. */
    public static final int MAX_LENGTH = TestModelVariant.TEST.maxLength();

    private static final Logger log = LoggerFactory.getLogger(TestModelExporter.class);

    private TestModelExporter() {}

    /** @return the default test model's contract ({@link TestModelVariant#TEST}) */
    public static ModelContract contract() {
        return contract(TestModelVariant.TEST);
    }

    /**
     * @return a variant's contract, a CLIP's: PIL bicubic resize with centre crop to the variant's size, CLIP's
     *     mean and std, CLIP's BPE over the variant's token length
     */
    public static ModelContract contract(TestModelVariant variant) {
        return new ModelContract(ModelContract.VERSION, variant.modelName(), variant.embeddingSize(),
                ModelContract.ImageSpec.standard(variant.imageSize(), Resize.PIL_BICUBIC, true, Normalization.CLIP),
                ModelContract.TextSpec.standard(ModelContract.TokenizerType.CLIP_BPE, VOCABULARY_FILE,
                        variant.maxLength(), true));
    }

    /** Writes the default test model ({@link TestModelVariant#TEST}); see the variant-taking overload. */
    public static void export(Path dir, long seed) throws IOException {
        export(dir, TestModelVariant.TEST, seed);
    }

    /**
     * Writes a test model into a folder (created if missing; files of an earlier export are overwritten).
     *
     * @param dir the model folder
     * @param variant the architecture
     * @param seed the weights' seed ({@link TestModelWeights})
     * @throws IOException when a file cannot be written
     */
    public static void export(Path dir, TestModelVariant variant, long seed) throws IOException {
        ModelContract contract = contract(variant);
        DualEncoderWriter.write(dir, contract, variant.image(), variant.text(), new TestModelWeights(seed));
        Files.deleteIfExists(dir.resolve(VOCABULARY_FILE));
        ClipBpeTokenizer.writeBundled(dir.resolve(VOCABULARY_FILE));
        contract.write(dir);
        log.info("Exported {} (seed {}) to {}", variant.modelName(), seed, dir);
    }
}
