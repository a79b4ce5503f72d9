package io.hiertag.model;

import java.util.SplittableRandom;

/**
 * The deterministic weights of the test model that {@link TestModelExporter} writes, so that tests can rebuild
 * them and compute the model's output independently.
 *
 * <p>Image tower: three 3×3 convolutions, stride 2, "SAME" padding, channels 3→16→32→64, each with bias and
 * ReLU; mean over height and width; a 64×64 projection; L2 normalisation. Text tower: a token-embedding table,
 * mean over the non-padding positions, a 64×64 projection, L2 normalisation.
 *
 * <p>Every tensor is drawn from its own {@link SplittableRandom} split off the seed, in a fixed order, so the
 * image tower does not depend on the vocabulary size. Values are uniform in ±limit (He-style limits), built from
 * {@code nextDouble()} alone: fewer JDK-specific steps than Gaussian sampling, so exports stay reproducible.
 */
public final class TestModelWeights {

    /** Embedding length of both towers. */
    public static final int EMBEDDING_SIZE = 64;
    /** Convolution kernel side. */
    public static final int KERNEL = 3;
    /** Convolution stride (both axes). */
    public static final int STRIDE = 2;
    private static final int[] CHANNELS = {3, 16, 32, 64};

    private final float[][] convKernels;
    private final float[][] convBiases;
    private final float[] imageProjection;
    private final float[] tokenEmbeddings;
    private final float[] textProjection;
    private final int vocabularySize;

    private TestModelWeights(long seed, int vocabularySize) {
        SplittableRandom root = new SplittableRandom(seed);
        int layers = CHANNELS.length - 1;
        convKernels = new float[layers][];
        convBiases = new float[layers][];
        for (int l = 0; l < layers; l++) {
            int in = CHANNELS[l];
            int out = CHANNELS[l + 1];
            convKernels[l] = uniform(root.split(), KERNEL * KERNEL * in * out, Math.sqrt(6.0 / (KERNEL * KERNEL * in)));
            convBiases[l] = uniform(root.split(), out, 0.1);
        }
        imageProjection = uniform(root.split(), EMBEDDING_SIZE * EMBEDDING_SIZE, Math.sqrt(3.0 / EMBEDDING_SIZE));
        tokenEmbeddings = uniform(root.split(), vocabularySize * EMBEDDING_SIZE, Math.sqrt(3.0));
        textProjection = uniform(root.split(), EMBEDDING_SIZE * EMBEDDING_SIZE, Math.sqrt(3.0 / EMBEDDING_SIZE));
        this.vocabularySize = vocabularySize;
    }

    /**
     * @param seed any seed; equal seeds give equal weights
     * @param vocabularySize rows of the token-embedding table
     * @return the weights
     */
    public static TestModelWeights generate(long seed, int vocabularySize) {
        if (vocabularySize < 1) {
            throw new IllegalArgumentException("vocabularySize must be positive, is " + vocabularySize);
        }
        return new TestModelWeights(seed, vocabularySize);
    }

    /** @return the number of convolution layers */
    public static int convLayers() {
        return CHANNELS.length - 1;
    }

    /**
     * @param layer 0 for the first convolution
     * @return the layer's input channels
     */
    public static int inChannels(int layer) {
        return CHANNELS[layer];
    }

    /**
     * @param layer 0 for the first convolution
     * @return the layer's output channels
     */
    public static int outChannels(int layer) {
        return CHANNELS[layer + 1];
    }

    /**
     * @param layer 0 for the first convolution
     * @return a copy of its kernel, TensorFlow's HWIO layout [3, 3, in, out] flattened row-major
     */
    public float[] convKernel(int layer) {
        return convKernels[layer].clone();
    }

    /**
     * @param layer 0 for the first convolution
     * @return a copy of its bias [out]
     */
    public float[] convBias(int layer) {
        return convBiases[layer].clone();
    }

    /** @return a copy of the image projection [64 in, 64 out], row-major */
    public float[] imageProjection() {
        return imageProjection.clone();
    }

    /** @return a copy of the token-embedding table [vocabularySize, 64], row-major */
    public float[] tokenEmbeddings() {
        return tokenEmbeddings.clone();
    }

    /** @return a copy of the text projection [64 in, 64 out], row-major */
    public float[] textProjection() {
        return textProjection.clone();
    }

    /** @return rows of the token-embedding table */
    public int vocabularySize() {
        return vocabularySize;
    }

    private static float[] uniform(SplittableRandom random, int n, double limit) {
        float[] values = new float[n];
        for (int i = 0; i < n; i++) {
            values[i] = (float) ((2 * random.nextDouble() - 1) * limit);
        }
        return values;
    }
}
