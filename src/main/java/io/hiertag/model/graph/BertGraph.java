package io.hiertag.model.graph;

import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/** Builds a {@link BertSpec} text tower on token ids. */
final class BertGraph {

    // flaxformer's attention bias where the mask is off.
    private static final float MASKED = -1e10f;

    private BertGraph() {
    }

    /**
     * @param ids {@code [batch, length]}, padded with 0, any length up to the context length: no token attends
     *     to padding, so how much of it there is changes nothing
     * @return {@code [batch, outputSize]}, not normalised
     */
    static Operand<TFloat32> build(TransformerGraph g, BertSpec spec, Operand<TInt32> ids) {
        Ops tf = g.tf();
        TransformerSpec t = spec.transformer();
        int d = t.width();
        Operand<TInt32> length = g.sequenceLength(ids);
        Operand<TFloat32> x = g.tokenEmbeddings(spec, ids);
        x = tf.math.add(x, g.weights().variable(WeightNames.SEGMENT_EMBEDDING, d));
        Operand<TFloat32> flat = tf.reshape(x, tf.constant(new int[] {-1, d}));
        flat = g.layerNorm(flat, WeightNames.EMBEDDING_NORM, d, t.layerNormEpsilon());
        // No token attends to a padding position: LiT masks where the id is 0.
        Operand<TFloat32> real = tf.dtypes.cast(tf.math.notEqual(ids, tf.constant(0)), TFloat32.class);
        Operand<TFloat32> bias = tf.reshape(tf.math.mul(tf.math.sub(tf.constant(1f), real), tf.constant(MASKED)),
                g.shape(-1, 1, 1, length));
        flat = g.encoder(WeightNames.TEXT, t, flat, length, bias, true);
        Operand<TFloat32> cls = g.firstToken(flat, length, d);
        if (spec.embeddingSize() == 0) {
            return cls;
        }
        return g.dense(cls, WeightNames.TEXT_HEAD_KERNEL, WeightNames.TEXT_HEAD_BIAS, d, spec.embeddingSize());
    }
}
