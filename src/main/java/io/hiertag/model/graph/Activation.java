package io.hiertag.model.graph;

import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/** The MLP activations the supported towers use, each as its authors' code computes it. */
public enum Activation {

    /** OpenAI CLIP's {@code x · sigmoid(1.702 x)} ({@code quick_gelu}). */
    QUICK_GELU,
    /** The exact GELU, {@code x · Φ(x)} with the error function: PyTorch's {@code nn.GELU()}, HF's {@code gelu}. */
    GELU,
    /** GELU's tanh approximation: Flax's {@code nn.gelu} default (vit_jax, flaxformer BERT), HF's {@code gelu_new}. */
    GELU_TANH;

    private static final float QUICK_GELU_SLOPE = 1.702f;
    private static final float INV_SQRT2 = (float) (1 / Math.sqrt(2));
    private static final float SQRT_2_OVER_PI = (float) Math.sqrt(2 / Math.PI);
    private static final float TANH_CUBIC = 0.044715f;

    Operand<TFloat32> apply(Ops tf, Operand<TFloat32> x) {
        return switch (this) {
            case QUICK_GELU -> tf.math.mul(x, tf.math.sigmoid(tf.math.mul(x, tf.constant(QUICK_GELU_SLOPE))));
            case GELU -> tf.math.mul(tf.math.mul(x, tf.constant(0.5f)),
                    tf.math.add(tf.constant(1f), tf.math.erf(tf.math.mul(x, tf.constant(INV_SQRT2)))));
            case GELU_TANH -> {
                Operand<TFloat32> cube = tf.math.mul(tf.math.mul(x, x), x);
                Operand<TFloat32> inner = tf.math.mul(tf.constant(SQRT_2_OVER_PI),
                        tf.math.add(x, tf.math.mul(tf.constant(TANH_CUBIC), cube)));
                yield tf.math.mul(tf.math.mul(x, tf.constant(0.5f)), tf.math.add(tf.constant(1f), tf.math.tanh(inner)));
            }
        };
    }
}
