package io.hiertag.testmodel;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * The architectures {@link TestModelExporter} can write, all with the same contract shape (WordPiece, 16 tokens,
 * CLIP mean/std normalisation, bilinear resize with centre crop).
 *
 * <p>Image tower: convolutions with bias and ReLU ("SAME" padding), mean over height and width, a projection to
 * the embedding size, L2 normalisation. Text tower: a token-embedding table, per-token dense layers with ReLU,
 * mean over the non-padding positions, a projection, L2 normalisation.
 */
public enum TestModelVariant {

    /** Small and fast: the tests, the demo and the default {@code run}. */
    TEST("hiertag-test-model", 64, 64, List.of(new Conv(3, 2, 16), new Conv(3, 2, 32), new Conv(3, 2, 64)), 0),

    /**
     * For {@code hiertag bench}: a ViT-B/16-like shape whose image tower dominates the cost as a real model's
     * does. A 16×16 stride-16 patch embedding to a 14×14 grid of 384 channels, then 3×3 convolutions on that grid
     * standing in for the transformer blocks; the text tower runs two dense layers on each of its 16 tokens.
     */
    BENCH("hiertag-bench-model", 224, 256, benchLayers(), 2);

    /** Token rows are padded or clipped to this length (LiT's). */
    public static final int MAX_LENGTH = 16;
    private static final int BENCH_BLOCKS = 6;

    /**
     * One convolution layer.
     *
     * @param kernel square kernel side
     * @param stride stride on both axes
     * @param out output channels
     */
    public record Conv(int kernel, int stride, int out) {}

    private final String modelName;
    private final int imageSize;
    private final int embeddingSize;
    private final List<Conv> layers;
    private final int textLayers;

    TestModelVariant(String modelName, int imageSize, int embeddingSize, List<Conv> layers, int textLayers) {
        this.modelName = modelName;
        this.imageSize = imageSize;
        this.embeddingSize = embeddingSize;
        this.layers = layers;
        this.textLayers = textLayers;
    }

    private static List<Conv> benchLayers() {
        List<Conv> layers = new ArrayList<>();
        layers.add(new Conv(16, 16, 384));
        layers.addAll(Collections.nCopies(BENCH_BLOCKS, new Conv(3, 1, 384)));
        return List.copyOf(layers);
    }

    /** @param name a variant's name in any case, as given on the command line */
    public static TestModelVariant parse(String name) {
        return valueOf(name.toUpperCase(Locale.ROOT));
    }

    public String modelName() {
        return modelName;
    }

    /** @return the square input side in pixels */
    public int imageSize() {
        return imageSize;
    }

    public int embeddingSize() {
        return embeddingSize;
    }

    /** @return the image tower's convolutions, first to last */
    public List<Conv> layers() {
        return layers;
    }

    /** @return input channels of a convolution: 3 (RGB) for the first */
    public int inChannels(int layer) {
        return layer == 0 ? 3 : layers.get(layer - 1).out();
    }

    /** @return channels of the pooled image features, the image projection's input */
    public int pooledChannels() {
        return layers.get(layers.size() - 1).out();
    }

    /** @return dense layers applied to each token before the mean */
    public int textLayers() {
        return textLayers;
    }

    /**
     * Floating-point operations (a multiply-add counts 2) of one image through the image tower at
     * {@link #imageSize()}: convolutions, then the projection.
     */
    public long imageFlops() {
        long flops = 0;
        int side = imageSize;
        for (int l = 0; l < layers.size(); l++) {
            Conv c = layers.get(l);
            side = (side + c.stride() - 1) / c.stride();
            flops += 2L * side * side * c.kernel() * c.kernel() * inChannels(l) * c.out();
        }
        return flops + 2L * pooledChannels() * embeddingSize;
    }

    /** Floating-point operations of one text row of {@link #MAX_LENGTH} tokens through the text tower. */
    public long textFlops() {
        return 2L * MAX_LENGTH * textLayers * embeddingSize * embeddingSize + 2L * embeddingSize * embeddingSize;
    }
}
