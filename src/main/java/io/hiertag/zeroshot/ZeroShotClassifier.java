package io.hiertag.zeroshot;

import java.util.List;

/**
 * One zero-shot classifier: a unit text embedding per class. A logit is the cosine between the image embedding
 * and a class row; no logit scale or softmax is needed because every decision is an argmax or a top-k.
 */
public final class ZeroShotClassifier {

    private final float[][] weights;

    public ZeroShotClassifier(float[][] weights) {
        this.weights = new float[weights.length][];
        for (int c = 0; c < weights.length; c++) {
            this.weights[c] = Vectors.normalized(weights[c]);
        }
    }

    /** Class rows from the embedding of one text per class. */
    public static ZeroShotClassifier fromTexts(TextEmbedder embedder, List<String> classTexts) {
        return new ZeroShotClassifier(embedder.embedTexts(classTexts));
    }

    public int classes() {
        return weights.length;
    }

    public int dimension() {
        return weights.length == 0 ? 0 : weights[0].length;
    }

    /** The unit row of one class. */
    public float[] row(int classIndex) {
        return weights[classIndex].clone();
    }

    public float[] logits(float[] imageEmbedding) {
        float[] out = new float[weights.length];
        for (int c = 0; c < weights.length; c++) {
            out[c] = Vectors.dot(imageEmbedding, weights[c]);
        }
        return out;
    }
}
