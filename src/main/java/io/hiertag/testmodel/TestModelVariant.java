package io.hiertag.testmodel;

import io.hiertag.model.graph.Activation;
import io.hiertag.model.graph.ClipTextSpec;
import io.hiertag.model.graph.TransformerSpec;
import io.hiertag.model.graph.VitSpec;
import io.hiertag.text.ClipBpeTokenizer;
import java.util.Locale;

/**
 * The models {@link TestModelExporter} writes: real CLIP architectures (OpenAI's ViT image tower and causal text
 * transformer, {@code quick_gelu}, CLIP's BPE tokenizer) with seeded random weights, built by the same graph
 * builders as an imported checkpoint.
 */
public enum TestModelVariant {

    /**
     * Small and fast, for the tests, the demo and the default {@code run}: 64 px in 16 px patches, two blocks of
     * 64 in each tower, 16 tokens.
     */
    TEST("hiertag-test-model",
            new VitSpec(64, 16, tower(64, 2, 4), false, true, 64, false),
            new ClipTextSpec(ClipBpeTokenizer.VOCABULARY_SIZE, 16, tower(64, 2, 4), 64)),

    /**
     * For {@code hiertag bench}: CLIP ViT-B/16's image tower, the paper's backbone (224 px, 12 blocks of 768 with
     * 12 heads, 512-dimensional embeddings), which every figure but the cold start measures. The text tower is
     * CLIP's architecture cut to one block of 512 over 16 tokens: ImageNet-1k's 83,000 prompts through ViT-B/16's
     * own text tower take about 90 minutes on 2 cores, once per model (then they come from the cache), which
     * would make every cold bench run that long.
     */
    BENCH("hiertag-bench-model",
            new VitSpec(224, 16, tower(768, 12, 12), false, true, 512, false),
            new ClipTextSpec(ClipBpeTokenizer.VOCABULARY_SIZE, 16, tower(512, 1, 8), 512));

    // PyTorch's LayerNorm epsilon, which CLIP keeps.
    private static final double EPSILON = 1e-5;

    private final String modelName;
    private final VitSpec image;
    private final ClipTextSpec text;

    TestModelVariant(String modelName, VitSpec image, ClipTextSpec text) {
        this.modelName = modelName;
        this.image = image;
        this.text = text;
    }

    private static TransformerSpec tower(int width, int layers, int heads) {
        return new TransformerSpec(width, layers, heads, 4 * width, EPSILON, Activation.QUICK_GELU);
    }

    /** @param name a variant's name in any case, as given on the command line */
    public static TestModelVariant parse(String name) {
        return valueOf(name.toUpperCase(Locale.ROOT));
    }

    public String modelName() {
        return modelName;
    }

    /** @return the image tower */
    public VitSpec image() {
        return image;
    }

    /** @return the text tower */
    public ClipTextSpec text() {
        return text;
    }

    /** @return the square input side in pixels */
    public int imageSize() {
        return image.imageSize();
    }

    public int embeddingSize() {
        return image.outputSize();
    }

    /** @return token rows' length */
    public int maxLength() {
        return text.contextLength();
    }

    /** Floating-point operations (a multiply-add counts 2) of one image through the image tower. */
    public long imageFlops() {
        return image.flops();
    }

    /** Floating-point operations of one text row through the text tower. */
    public long textFlops() {
        return text.flops();
    }
}
