package io.hiertag.zeroshot;

/**
 * What the first pass says about one image: the class-name classifier's top-k, best first.
 *
 * @param topClasses class indices, best first
 * @param topScores their cosine similarities
 */
public record FirstPassResult(int[] topClasses, float[] topScores) {

    public int top1() {
        return topClasses[0];
    }

    public float top1Score() {
        return topScores[0];
    }
}
