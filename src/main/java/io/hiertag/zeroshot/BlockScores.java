package io.hiertag.zeroshot;

/**
 * Scores of {@code n} images against the first {@code blocks} classifiers of a {@link ClassifierBank}: the argmax
 * and maximum of every classifier, and the full logits of the first {@code fullBlocks} classifiers (those whose
 * top-k is needed). Argmax ties go to the lowest class index.
 *
 * @param argmax {@code n × blocks}, row-major
 * @param max {@code n × blocks}
 * @param logits {@code n × fullBlocks × classes}
 */
public record BlockScores(int n, int blocks, int fullBlocks, int classes, int[] argmax, float[] max,
        float[] logits) {

    public int argmax(int image, int block) {
        return argmax[image * blocks + block];
    }

    public float max(int image, int block) {
        return max[image * blocks + block];
    }

    /** A copy of one image's logits under one of the first {@code fullBlocks} classifiers. */
    public float[] logits(int image, int block) {
        if (block >= fullBlocks) {
            throw new IllegalArgumentException("logits of block " + block + " were not kept");
        }
        float[] out = new float[classes];
        System.arraycopy(logits, (image * fullBlocks + block) * classes, out, 0, classes);
        return out;
    }
}
