package io.hiertag.model.graph;

import java.util.ArrayList;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Unstack;
import org.tensorflow.op.math.Mean;
import org.tensorflow.op.train.BatchMatMul;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * The parts every tower shares: dense layers, layer norms and transformer blocks. Token features travel as a
 * {@code [batch · length, width]} matrix, so every dense layer is one matrix product; only attention shapes them
 * as {@code [batch, heads, length, head width]}. The batch is left open, and so is a text tower's length, which a
 * scalar operand carries.
 */
final class TransformerGraph {

    private final Ops tf;
    private final GraphWeights weights;

    TransformerGraph(Ops tf, GraphWeights weights) {
        this.tf = tf;
        this.weights = weights;
    }

    Ops tf() {
        return tf;
    }

    GraphWeights weights() {
        return weights;
    }

    /** {@code x · kernel (+ bias)} on a {@code [rows, in]} matrix. */
    Operand<TFloat32> dense(Operand<TFloat32> x, String kernel, String bias, int in, int out) {
        Operand<TFloat32> y = tf.linalg.matMul(x, weights.variable(kernel, in, out));
        return bias == null ? y : tf.math.add(y, weights.variable(bias, out));
    }

    /** Layer norm over the last axis of a {@code [rows, width]} matrix, with the biased variance. */
    Operand<TFloat32> layerNorm(Operand<TFloat32> x, String name, int width, double epsilon) {
        Operand<TFloat32> mean = tf.math.mean(x, tf.constant(-1), Mean.keepDims(true));
        Operand<TFloat32> centred = tf.math.sub(x, mean);
        Operand<TFloat32> variance = tf.math.mean(tf.math.square(centred), tf.constant(-1), Mean.keepDims(true));
        Operand<TFloat32> normed = tf.math.mul(centred,
                tf.math.rsqrt(tf.math.add(variance, tf.constant((float) epsilon))));
        return tf.math.add(tf.math.mul(normed, weights.variable(name + WeightNames.SCALE, width)),
                weights.variable(name + WeightNames.SHIFT, width));
    }

    /**
     * The blocks of a tower on {@code [batch · length, width]} features.
     *
     * @param length the tokens per sequence, a scalar
     * @param maskBias added to the attention logits, broadcastable to {@code [batch, heads, length, length]}; or
     *     null for none
     * @param postNorm BERT's blocks (norm after each residual sum) instead of pre-norm ones (norm before each
     *     branch)
     */
    Operand<TFloat32> encoder(String tower, TransformerSpec spec, Operand<TFloat32> x, Operand<TInt32> length,
            Operand<TFloat32> maskBias, boolean postNorm) {
        for (int layer = 0; layer < spec.layers(); layer++) {
            String norm1 = WeightNames.block(tower, layer, WeightNames.NORM1);
            String norm2 = WeightNames.block(tower, layer, WeightNames.NORM2);
            double eps = spec.layerNormEpsilon();
            if (postNorm) {
                x = layerNorm(tf.math.add(x, attention(tower, layer, spec, x, length, maskBias)), norm1,
                        spec.width(), eps);
                x = layerNorm(tf.math.add(x, mlp(tower, layer, spec, x)), norm2, spec.width(), eps);
            } else {
                Operand<TFloat32> h = layerNorm(x, norm1, spec.width(), eps);
                x = tf.math.add(x, attention(tower, layer, spec, h, length, maskBias));
                h = layerNorm(x, norm2, spec.width(), eps);
                x = tf.math.add(x, mlp(tower, layer, spec, h));
            }
        }
        return x;
    }

    private Operand<TFloat32> attention(String tower, int layer, TransformerSpec spec, Operand<TFloat32> x,
            Operand<TInt32> length, Operand<TFloat32> maskBias) {
        int d = spec.width();
        int heads = spec.heads();
        int headWidth = spec.headWidth();
        Operand<TFloat32> qkv = dense(x, WeightNames.block(tower, layer, WeightNames.QKV_KERNEL),
                WeightNames.block(tower, layer, WeightNames.QKV_BIAS), d, 3 * d);
        // [batch·L, 3D] -> [batch, L, 3, H, Dh] -> [3, batch, H, L, Dh]
        Operand<TFloat32> split = tf.linalg.transpose(
                tf.reshape(qkv, shape(-1, length, 3, heads, headWidth)),
                tf.constant(new int[] {2, 0, 3, 1, 4}));
        List<Operand<TFloat32>> parts = List.copyOf(tf.unstack(split, 3L, Unstack.axis(0L)).output());
        // The query is scaled before the product, as PyTorch's and Flax's attention do.
        Operand<TFloat32> q = tf.math.mul(parts.get(0), tf.constant((float) (1 / Math.sqrt(headWidth))));
        Operand<TFloat32> logits = tf.train.batchMatMul(q, parts.get(1), TFloat32.class, BatchMatMul.adjY(true));
        if (maskBias != null) {
            logits = tf.math.add(logits, maskBias);
        }
        Operand<TFloat32> context = tf.train.batchMatMul(tf.nn.softmax(logits), parts.get(2), TFloat32.class);
        Operand<TFloat32> merged = tf.reshape(tf.linalg.transpose(context, tf.constant(new int[] {0, 2, 1, 3})),
                tf.constant(new int[] {-1, d}));
        return dense(merged, WeightNames.block(tower, layer, WeightNames.ATTENTION_OUT_KERNEL),
                WeightNames.block(tower, layer, WeightNames.ATTENTION_OUT_BIAS), d, d);
    }

    private Operand<TFloat32> mlp(String tower, int layer, TransformerSpec spec, Operand<TFloat32> x) {
        Operand<TFloat32> h = dense(x, WeightNames.block(tower, layer, WeightNames.MLP_IN_KERNEL),
                WeightNames.block(tower, layer, WeightNames.MLP_IN_BIAS), spec.width(), spec.mlpWidth());
        return dense(spec.activation().apply(tf, h), WeightNames.block(tower, layer, WeightNames.MLP_OUT_KERNEL),
                WeightNames.block(tower, layer, WeightNames.MLP_OUT_BIAS), spec.mlpWidth(), spec.width());
    }

    /** {@code [batch, length, width]}: each id's row of the token table plus its position's row. */
    Operand<TFloat32> tokenEmbeddings(TextTowerSpec spec, Operand<TInt32> ids) {
        int d = spec.transformer().width();
        Operand<TFloat32> x = tf.gather(weights.variable(WeightNames.TOKEN_EMBEDDING, spec.vocabularySize(), d), ids,
                tf.constant(0));
        Operand<TFloat32> positions = tf.slice(weights.variable(WeightNames.TEXT_POSITIONS, spec.contextLength(), d),
                tf.constant(new int[] {0, 0}), shape(sequenceLength(ids), -1));
        return tf.math.add(x, positions); // [length, width] broadcast over the batch
    }

    /** @return the tokens per row of {@code [batch, length]} ids, a scalar */
    Operand<TInt32> sequenceLength(Operand<TInt32> ids) {
        return tf.gather(tf.shape(ids), tf.constant(1), tf.constant(0));
    }

    /** The first token of each row of {@code [batch · length, width]} features, as {@code [batch, width]}. */
    Operand<TFloat32> firstToken(Operand<TFloat32> x, Operand<TInt32> length, int width) {
        Operand<TFloat32> rows = tf.reshape(x, shape(-1, length, width));
        return tf.reshape(tf.slice(rows, tf.constant(new int[] {0, 0, 0}), tf.constant(new int[] {-1, 1, width})),
                tf.constant(new int[] {-1, width}));
    }

    /** A shape vector of ints and scalar operands. */
    Operand<TInt32> shape(Object... dims) {
        List<Operand<TInt32>> parts = new ArrayList<>();
        for (Object dim : dims) {
            @SuppressWarnings("unchecked")
            Operand<TInt32> part = dim instanceof Integer n ? tf.constant(n) : (Operand<TInt32>) dim;
            parts.add(part);
        }
        return tf.stack(parts);
    }
}
