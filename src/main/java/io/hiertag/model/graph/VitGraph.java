package io.hiertag.model.graph;

import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/** Builds a {@link VitSpec} image tower on NHWC images. */
final class VitGraph {

    private VitGraph() {
    }

    /**
     * @param images {@code [batch, size, size, 3]}, already normalised
     * @return {@code [batch, outputSize]}, not normalised
     */
    static Operand<TFloat32> build(TransformerGraph g, VitSpec spec, Operand<TFloat32> images) {
        Ops tf = g.tf();
        GraphWeights w = g.weights();
        TransformerSpec t = spec.transformer();
        int d = t.width();
        int p = spec.patchSize();
        int patches = spec.grid() * spec.grid();
        int tokens = spec.tokens();
        Operand<TFloat32> grid = tf.nn.conv2d(images, w.variable(WeightNames.PATCH_KERNEL, p, p, 3, d),
                List.of(1L, (long) p, (long) p, 1L), "VALID");
        if (spec.patchBias()) {
            grid = tf.nn.biasAdd(grid, w.variable(WeightNames.PATCH_BIAS, d));
        }
        Operand<TFloat32> sequence = tf.reshape(grid, tf.constant(new int[] {-1, patches, d}));
        // The class token, one per image: tiled to the batch taken from the input's shape.
        Operand<TInt32> batch = tf.slice(tf.shape(images), tf.constant(new int[] {0}), tf.constant(new int[] {1}));
        Operand<TInt32> tiling = tf.concat(List.of(batch, tf.constant(new int[] {1, 1})), tf.constant(0));
        Operand<TFloat32> classToken = tf.tile(
                tf.reshape(w.variable(WeightNames.CLASS_TOKEN, d), tf.constant(new int[] {1, 1, d})), tiling);
        Operand<TFloat32> x = tf.concat(List.of(classToken, sequence), tf.constant(1));
        x = tf.math.add(x, tf.reshape(w.variable(WeightNames.IMAGE_POSITIONS, tokens, d),
                tf.constant(new int[] {1, tokens, d})));
        Operand<TFloat32> flat = tf.reshape(x, tf.constant(new int[] {-1, d}));
        if (spec.preNorm()) {
            flat = g.layerNorm(flat, WeightNames.PRE_NORM, d, t.layerNormEpsilon());
        }
        Operand<TInt32> length = tf.constant(tokens);
        flat = g.encoder(WeightNames.IMAGE, t, flat, length, null, false);
        // Per-token, so normalising the class token alone equals vit_jax's norm over all tokens, then token 0.
        Operand<TFloat32> pooled = g.layerNorm(g.firstToken(flat, length, d), WeightNames.IMAGE_FINAL_NORM, d,
                t.layerNormEpsilon());
        if (spec.embeddingSize() == 0) {
            return pooled;
        }
        return g.dense(pooled, WeightNames.IMAGE_HEAD_KERNEL, spec.headBias() ? WeightNames.IMAGE_HEAD_BIAS : null,
                d, spec.embeddingSize());
    }
}
