package io.hiertag.model;

import io.hiertag.model.graph.TransformerSpec;
import io.hiertag.model.graph.WeightNames;
import io.hiertag.testmodel.TestModelVariant;
import io.hiertag.testmodel.TestModelWeights;
import java.util.HashMap;
import java.util.Map;

/**
 * A test model's forward pass in plain Java (double precision), from {@link TestModelWeights}: OpenAI CLIP's
 * image and text towers, loop by loop, what the exported SavedModel must compute.
 */
final class TestModelReference {

    private final TestModelWeights weights;
    private final TestModelVariant variant;
    private final Map<String, float[]> cache = new HashMap<>();

    TestModelReference(TestModelWeights weights, TestModelVariant variant) {
        this.weights = weights;
        this.variant = variant;
    }

    /** @param nhwc {@code count} normalised images of the variant's side, NHWC */
    float[][] embedImages(float[] nhwc, int count) {
        int s = variant.imageSize();
        int p = variant.image().patchSize();
        int g = s / p;
        TransformerSpec t = variant.image().transformer();
        int d = t.width();
        int tokens = g * g + 1;
        float[] kernel = w(WeightNames.PATCH_KERNEL, p, p, 3, d);
        float[] classToken = w(WeightNames.CLASS_TOKEN, d);
        float[] positions = w(WeightNames.IMAGE_POSITIONS, tokens, d);
        float[][] out = new float[count][];
        for (int n = 0; n < count; n++) {
            double[][] x = new double[tokens][d];
            for (int o = 0; o < d; o++) {
                x[0][o] = classToken[o] + positions[o];
            }
            for (int gy = 0; gy < g; gy++) {
                for (int gx = 0; gx < g; gx++) {
                    double[] row = x[1 + gy * g + gx];
                    for (int ky = 0; ky < p; ky++) {
                        for (int kx = 0; kx < p; kx++) {
                            for (int c = 0; c < 3; c++) {
                                double v = nhwc[((n * s + gy * p + ky) * s + gx * p + kx) * 3 + c];
                                int k = ((ky * p + kx) * 3 + c) * d;
                                for (int o = 0; o < d; o++) {
                                    row[o] += v * kernel[k + o];
                                }
                            }
                        }
                    }
                    for (int o = 0; o < d; o++) {
                        row[o] += positions[(1 + gy * g + gx) * d + o];
                    }
                }
            }
            for (int i = 0; i < tokens; i++) {
                x[i] = layerNorm(x[i], WeightNames.PRE_NORM, t);
            }
            blocks(WeightNames.IMAGE, t, x, false);
            double[] pooled = layerNorm(x[0], WeightNames.IMAGE_FINAL_NORM, t);
            out[n] = l2Normalize(dense(pooled, WeightNames.IMAGE_HEAD_KERNEL, null, d, variant.embeddingSize()));
        }
        return out;
    }

    /** @param ids rows of the variant's token length */
    float[][] embedTokenIds(int[][] ids) {
        TransformerSpec t = variant.text().transformer();
        int d = t.width();
        int length = variant.maxLength();
        float[] table = w(WeightNames.TOKEN_EMBEDDING, variant.text().vocabularySize(), d);
        float[] positions = w(WeightNames.TEXT_POSITIONS, length, d);
        float[][] out = new float[ids.length][];
        for (int r = 0; r < ids.length; r++) {
            double[][] x = new double[length][d];
            int end = 0;
            for (int i = 0; i < length; i++) {
                for (int o = 0; o < d; o++) {
                    x[i][o] = table[ids[r][i] * d + o] + positions[i * d + o];
                }
                if (ids[r][i] > ids[r][end]) {
                    end = i; // the first largest id: CLIP's end-of-text token
                }
            }
            blocks(WeightNames.TEXT, t, x, true);
            double[] pooled = layerNorm(x[end], WeightNames.TEXT_FINAL_NORM, t);
            out[r] = l2Normalize(dense(pooled, WeightNames.TEXT_HEAD_KERNEL, null, d, variant.embeddingSize()));
        }
        return out;
    }

    private void blocks(String tower, TransformerSpec t, double[][] x, boolean causal) {
        int d = t.width();
        int heads = t.heads();
        int hw = t.headWidth();
        for (int layer = 0; layer < t.layers(); layer++) {
            String norm1 = WeightNames.block(tower, layer, WeightNames.NORM1);
            double[][] qkv = new double[x.length][];
            for (int i = 0; i < x.length; i++) {
                qkv[i] = dense(layerNorm(x[i], norm1, t), WeightNames.block(tower, layer, WeightNames.QKV_KERNEL),
                        WeightNames.block(tower, layer, WeightNames.QKV_BIAS), d, 3 * d);
            }
            for (int i = 0; i < x.length; i++) {
                double[] mixed = new double[d];
                for (int h = 0; h < heads; h++) {
                    int visible = causal ? i + 1 : x.length;
                    double[] logits = new double[visible];
                    double max = Double.NEGATIVE_INFINITY;
                    for (int j = 0; j < visible; j++) {
                        for (int c = 0; c < hw; c++) {
                            logits[j] += qkv[i][h * hw + c] * qkv[j][d + h * hw + c];
                        }
                        logits[j] /= Math.sqrt(hw);
                        max = Math.max(max, logits[j]);
                    }
                    double sum = 0;
                    for (int j = 0; j < visible; j++) {
                        logits[j] = Math.exp(logits[j] - max);
                        sum += logits[j];
                    }
                    for (int j = 0; j < visible; j++) {
                        for (int c = 0; c < hw; c++) {
                            mixed[h * hw + c] += logits[j] / sum * qkv[j][2 * d + h * hw + c];
                        }
                    }
                }
                double[] attended = dense(mixed, WeightNames.block(tower, layer, WeightNames.ATTENTION_OUT_KERNEL),
                        WeightNames.block(tower, layer, WeightNames.ATTENTION_OUT_BIAS), d, d);
                for (int o = 0; o < d; o++) {
                    x[i][o] += attended[o];
                }
            }
            String norm2 = WeightNames.block(tower, layer, WeightNames.NORM2);
            for (int i = 0; i < x.length; i++) {
                double[] h = dense(layerNorm(x[i], norm2, t), WeightNames.block(tower, layer,
                        WeightNames.MLP_IN_KERNEL), WeightNames.block(tower, layer, WeightNames.MLP_IN_BIAS), d,
                        t.mlpWidth());
                for (int c = 0; c < h.length; c++) {
                    h[c] = h[c] / (1 + Math.exp(-1.702 * h[c])); // quick_gelu: x · sigmoid(1.702 x)
                }
                double[] y = dense(h, WeightNames.block(tower, layer, WeightNames.MLP_OUT_KERNEL),
                        WeightNames.block(tower, layer, WeightNames.MLP_OUT_BIAS), t.mlpWidth(), d);
                for (int o = 0; o < d; o++) {
                    x[i][o] += y[o];
                }
            }
        }
    }

    private double[] layerNorm(double[] v, String name, TransformerSpec t) {
        int d = v.length;
        float[] scale = w(name + WeightNames.SCALE, d);
        float[] shift = w(name + WeightNames.SHIFT, d);
        double mean = 0;
        for (double x : v) {
            mean += x / d;
        }
        double variance = 0;
        for (double x : v) {
            variance += (x - mean) * (x - mean) / d;
        }
        double[] out = new double[d];
        for (int i = 0; i < d; i++) {
            out[i] = (v[i] - mean) / Math.sqrt(variance + t.layerNormEpsilon()) * scale[i] + shift[i];
        }
        return out;
    }

    private double[] dense(double[] v, String kernel, String bias, int in, int out) {
        float[] k = w(kernel, in, out);
        float[] b = bias == null ? new float[out] : w(bias, out);
        double[] y = new double[out];
        for (int o = 0; o < out; o++) {
            y[o] = b[o];
        }
        for (int i = 0; i < in; i++) {
            for (int o = 0; o < out; o++) {
                y[o] += v[i] * k[i * out + o];
            }
        }
        return y;
    }

    private float[] w(String name, long... shape) {
        return cache.computeIfAbsent(name, n -> weights.read(n, shape));
    }

    private static float[] l2Normalize(double[] y) {
        double squares = 0;
        for (double v : y) {
            squares += v * v;
        }
        float[] out = new float[y.length];
        for (int i = 0; i < y.length; i++) {
            out[i] = (float) (y[i] / Math.sqrt(squares));
        }
        return out;
    }
}
