package io.hiertag.testmodel;

import java.util.SplittableRandom;

/**
 * The deterministic weights of a {@link TestModelVariant} that {@link TestModelExporter} writes, so that tests can
 * rebuild them and compute the model's output independently.
 *
 * <p>Every tensor is drawn from its own {@link SplittableRandom} split off the seed, in a fixed order (image
 * tower, token table, text projection, then any text layers), so the image tower does not depend on the
 * vocabulary size and the {@code TEST} variant's weights stay what they always were. Values are uniform in ±limit
 * (He-style limits), built from {@code nextDouble()} alone: fewer JDK-specific steps than Gaussian sampling, so
 * exports stay reproducible.
 */
public final class TestModelWeights {

    private final TestModelVariant variant;
    private final float[][] convKernels;
    private final float[][] convBiases;
    private final float[] imageProjection;
    private final float[] tokenEmbeddings;
    private final float[] textProjection;
    private final float[][] textKernels;
    private final float[][] textBiases;
    private final int vocabularySize;

    private TestModelWeights(TestModelVariant variant, long seed, int vocabularySize) {
        this.variant = variant;
        SplittableRandom root = new SplittableRandom(seed);
        int layers = variant.layers().size();
        convKernels = new float[layers][];
        convBiases = new float[layers][];
        for (int l = 0; l < layers; l++) {
            int k = variant.layers().get(l).kernel();
            int in = variant.inChannels(l);
            int out = variant.layers().get(l).out();
            convKernels[l] = uniform(root.split(), k * k * in * out, Math.sqrt(6.0 / (k * k * in)));
            convBiases[l] = uniform(root.split(), out, 0.1);
        }
        int e = variant.embeddingSize();
        int pooled = variant.pooledChannels();
        imageProjection = uniform(root.split(), pooled * e, Math.sqrt(3.0 / pooled));
        tokenEmbeddings = uniform(root.split(), vocabularySize * e, Math.sqrt(3.0));
        textProjection = uniform(root.split(), e * e, Math.sqrt(3.0 / e));
        textKernels = new float[variant.textLayers()][];
        textBiases = new float[variant.textLayers()][];
        for (int l = 0; l < variant.textLayers(); l++) {
            textKernels[l] = uniform(root.split(), e * e, Math.sqrt(6.0 / e));
            textBiases[l] = uniform(root.split(), e, 0.1);
        }
        this.vocabularySize = vocabularySize;
    }

    /**
     * @param seed any seed; equal seeds give equal weights
     * @param vocabularySize rows of the token-embedding table
     * @return the weights of the {@code TEST} variant
     */
    public static TestModelWeights generate(long seed, int vocabularySize) {
        return generate(TestModelVariant.TEST, seed, vocabularySize);
    }

    /**
     * @param variant the architecture
     * @param seed any seed; equal seeds give equal weights
     * @param vocabularySize rows of the token-embedding table
     * @return the weights
     */
    public static TestModelWeights generate(TestModelVariant variant, long seed, int vocabularySize) {
        if (vocabularySize < 1) {
            throw new IllegalArgumentException("vocabularySize must be positive, is " + vocabularySize);
        }
        return new TestModelWeights(variant, seed, vocabularySize);
    }

    public TestModelVariant variant() {
        return variant;
    }

    /**
     * @param layer 0 for the first convolution
     * @return a copy of its kernel, TensorFlow's HWIO layout [k, k, in, out] flattened row-major
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

    /** @return a copy of the image projection [pooled channels in, embedding out], row-major */
    public float[] imageProjection() {
        return imageProjection.clone();
    }

    /** @return a copy of the token-embedding table [vocabularySize, embedding], row-major */
    public float[] tokenEmbeddings() {
        return tokenEmbeddings.clone();
    }

    /** @return a copy of the text projection [embedding in, embedding out], row-major */
    public float[] textProjection() {
        return textProjection.clone();
    }

    /** @return a copy of a per-token dense layer's kernel [embedding in, embedding out], row-major */
    public float[] textKernel(int layer) {
        return textKernels[layer].clone();
    }

    /** @return a copy of a per-token dense layer's bias [embedding] */
    public float[] textBias(int layer) {
        return textBiases[layer].clone();
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
