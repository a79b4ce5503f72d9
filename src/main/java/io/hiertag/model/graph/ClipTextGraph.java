package io.hiertag.model.graph;

import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Gather;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/** Builds a {@link ClipTextSpec} text tower on token ids. */
final class ClipTextGraph {

    private ClipTextGraph() {
    }

    /**
     * @param ids {@code [batch, length]}, any length up to the context length: the causal mask keeps every
     *     position blind to the ones after it, so padding after the end-of-text token changes nothing
     * @return {@code [batch, embeddingSize]}, not normalised
     */
    static Operand<TFloat32> build(TransformerGraph g, ClipTextSpec spec, Operand<TInt32> ids) {
        Ops tf = g.tf();
        TransformerSpec t = spec.transformer();
        int d = t.width();
        Operand<TInt32> length = g.sequenceLength(ids);
        Operand<TFloat32> x = g.tokenEmbeddings(spec, ids);
        Operand<TFloat32> flat = tf.reshape(x, tf.constant(new int[] {-1, d}));
        Operand<TFloat32> mask = tf.slice(causalMask(tf, spec.contextLength()), tf.constant(new int[] {0, 0}),
                g.shape(length, length));
        flat = g.encoder(WeightNames.TEXT, t, flat, length, mask, false);
        // CLIP pools at the end-of-text token, the row's largest id; argmax takes its first occurrence.
        Operand<TInt32> end = tf.math.argMax(ids, tf.constant(1), TInt32.class);
        Operand<TFloat32> rows = tf.reshape(flat, g.shape(-1, length, d));
        Operand<TFloat32> pooled = tf.gather(rows, end, tf.constant(1), Gather.batchDims(1L));
        pooled = g.layerNorm(pooled, WeightNames.TEXT_FINAL_NORM, d, t.layerNormEpsilon());
        return g.dense(pooled, WeightNames.TEXT_HEAD_KERNEL, null, d, spec.embeddingSize());
    }

    /** {@code [length, length]}: 0 where a token may attend (itself and before), minus infinity after, as CLIP's. */
    private static Operand<TFloat32> causalMask(Ops tf, int length) {
        float[] mask = new float[length * length];
        for (int i = 0; i < length; i++) {
            for (int j = i + 1; j < length; j++) {
                mask[i * length + j] = Float.NEGATIVE_INFINITY;
            }
        }
        return tf.constant(Shape.of(length, length), DataBuffers.of(mask, true, false));
    }
}
