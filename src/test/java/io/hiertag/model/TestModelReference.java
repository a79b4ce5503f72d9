package io.hiertag.model;

import io.hiertag.testmodel.TestModelVariant;
import io.hiertag.testmodel.TestModelWeights;
import io.hiertag.text.Tokenizer;

/**
 * The test model's ({@code TEST} variant's) forward pass in plain Java (double precision), from {@link TestModelWeights}: what the
 * exported SavedModel must compute.
 */
final class TestModelReference {

    private static final int E = TestModelVariant.TEST.embeddingSize();

    private final TestModelWeights weights;

    TestModelReference(TestModelWeights weights) {
        this.weights = weights;
    }

    float[][] embedImages(float[] nhwc, int count, int height, int width) {
        float[][] out = new float[count][];
        for (int n = 0; n < count; n++) {
            double[] x = new double[height * width * 3];
            for (int i = 0; i < x.length; i++) {
                x[i] = nhwc[n * x.length + i];
            }
            int h = height;
            int w = width;
            for (int l = 0; l < TestModelVariant.TEST.layers().size(); l++) {
                int s = TestModelVariant.TEST.layers().get(l).stride();
                int outH = (h + s - 1) / s;
                int outW = (w + s - 1) / s;
                x = convSameReLU(x, h, w, outH, outW, l);
                h = outH;
                w = outW;
            }
            double[] pooled = new double[E];
            for (int p = 0; p < h * w; p++) {
                for (int c = 0; c < E; c++) {
                    pooled[c] += x[p * E + c];
                }
            }
            for (int c = 0; c < E; c++) {
                pooled[c] /= h * w;
            }
            out[n] = l2Normalize(project(pooled, weights.imageProjection()));
        }
        return out;
    }

    float[][] embedTokenIds(int[][] ids) {
        float[] table = weights.tokenEmbeddings();
        float[][] out = new float[ids.length][];
        for (int r = 0; r < ids.length; r++) {
            double[] sum = new double[E];
            int count = 0;
            for (int id : ids[r]) {
                if (id != Tokenizer.PAD_ID) {
                    count++;
                    for (int c = 0; c < E; c++) {
                        sum[c] += table[id * E + c];
                    }
                }
            }
            for (int c = 0; c < E; c++) {
                sum[c] /= Math.max(count, 1);
            }
            out[r] = l2Normalize(project(sum, weights.textProjection()));
        }
        return out;
    }

    // TensorFlow "SAME" for stride 2: out = ceil(in / 2); the padding total is split with the extra row/column
    // at the end (bottom/right).
    private double[] convSameReLU(double[] in, int h, int w, int outH, int outW, int layer) {
        int ci = TestModelVariant.TEST.inChannels(layer);
        int co = TestModelVariant.TEST.layers().get(layer).out();
        int k = TestModelVariant.TEST.layers().get(layer).kernel();
        int s = TestModelVariant.TEST.layers().get(layer).stride();
        float[] kernel = weights.convKernel(layer);
        float[] bias = weights.convBias(layer);
        int padTop = Math.max((outH - 1) * s + k - h, 0) / 2;
        int padLeft = Math.max((outW - 1) * s + k - w, 0) / 2;
        double[] out = new double[outH * outW * co];
        for (int oy = 0; oy < outH; oy++) {
            for (int ox = 0; ox < outW; ox++) {
                for (int o = 0; o < co; o++) {
                    double acc = bias[o];
                    for (int ky = 0; ky < k; ky++) {
                        int y = oy * s + ky - padTop;
                        if (y < 0 || y >= h) {
                            continue;
                        }
                        for (int kx = 0; kx < k; kx++) {
                            int x = ox * s + kx - padLeft;
                            if (x < 0 || x >= w) {
                                continue;
                            }
                            for (int i = 0; i < ci; i++) {
                                acc += in[(y * w + x) * ci + i] * kernel[((ky * k + kx) * ci + i) * co + o];
                            }
                        }
                    }
                    out[(oy * outW + ox) * co + o] = Math.max(acc, 0);
                }
            }
        }
        return out;
    }

    private static double[] project(double[] v, float[] matrix) {
        double[] y = new double[E];
        for (int i = 0; i < E; i++) {
            for (int j = 0; j < E; j++) {
                y[j] += v[i] * matrix[i * E + j];
            }
        }
        return y;
    }

    private static float[] l2Normalize(double[] y) {
        double squares = 0;
        for (double v : y) {
            squares += v * v;
        }
        double inverse = 1 / Math.sqrt(Math.max(squares, 1e-12));
        float[] out = new float[E];
        for (int i = 0; i < E; i++) {
            out[i] = (float) (y[i] * inverse);
        }
        return out;
    }
}
