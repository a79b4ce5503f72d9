package io.hiertag.testmodel;

import io.hiertag.model.graph.WeightNames;
import io.hiertag.model.graph.WeightSource;
import java.util.SplittableRandom;

/**
 * The test models' weights: each drawn from its own {@link SplittableRandom}, seeded by the model's seed and the
 * weight's name, so that tests can ask for any weight again and compute the model's output independently.
 *
 * <p>Values are uniform (from {@code nextDouble()} alone, fewer JDK-specific steps than Gaussian sampling, so
 * exports stay reproducible) at scales that keep activations near unit size: kernels ±√(3 / fan-in), embedding
 * tables and the class token ±0.05, biases ±0.02, layer-norm scales 1 ± 0.1; query, key and MLP-output kernels a
 * tenth of theirs.
 */
public final class TestModelWeights implements WeightSource {

    private static final float DAMPED = 0.1f;

    private final long seed;

    /** @param seed any seed; equal seeds give equal weights */
    public TestModelWeights(long seed) {
        this.seed = seed;
    }

    @Override
    public void check(String name, long[] shape) {
        // every name has weights
    }

    @Override
    public float[] read(String name, long[] shape) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        SplittableRandom random = new SplittableRandom(seed * 1_000_003L + name.hashCode());
        float[] values = new float[Math.toIntExact(n)];
        boolean scale = name.endsWith(WeightNames.SCALE);
        double limit = scale ? 0.1 : name.endsWith("kernel") ? Math.sqrt(3.0 / fanIn(shape))
                : name.endsWith("bias") ? 0.02 : 0.05;
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) ((scale ? 1 : 0) + (2 * random.nextDouble() - 1) * limit);
        }
        // Queries, keys and the MLPs' outputs a tenth as large: attention near uniform and small non-linear
        // branches, as in a freshly initialised transformer, keep a text's embedding close to the sum of its
        // words', so one class's classifiers agree across prompt templates often enough for both of the method's
        // routes to be taken (with full-size draws nearly every image is uncertain).
        if (name.endsWith(WeightNames.MLP_OUT_KERNEL)) {
            for (int i = 0; i < values.length; i++) {
                values[i] *= DAMPED;
            }
        }
        if (name.endsWith(WeightNames.QKV_KERNEL)) {
            int columns = (int) shape[1];
            for (int i = 0; i < values.length; i++) {
                if (i % columns < 2 * columns / 3) {
                    values[i] *= DAMPED;
                }
            }
        }
        return values;
    }

    /** The inputs each output sums over: all but the last axis (a patch kernel's p·p·3, a dense kernel's rows). */
    private static long fanIn(long[] shape) {
        long in = 1;
        for (int i = 0; i < shape.length - 1; i++) {
            in *= shape[i];
        }
        return in;
    }
}
