package io.hiertag.zeroshot;

/**
 * What the first pass says about one image.
 *
 * @param topClasses the candidate classifier's top-k class indices, best first (ties: lower index first)
 * @param topScores their cosine similarities
 * @param predictions argmax of the class-name, all-template, first-half and second-half classifiers
 * @param flipPrediction class-name argmax of the flipped image, or -1 when the flip check is off
 * @param templateVotes single-template classifiers agreeing with the class-name prediction
 * @param maxLogitName the class-name classifier's maximum cosine (a baseline confidence score)
 * @param maxLogitAll the all-template classifier's maximum cosine (another baseline)
 * @param consistency the decision built from the above
 */
public record FirstPassResult(int[] topClasses, float[] topScores, int[] predictions, int flipPrediction,
        int templateVotes, float maxLogitName, float maxLogitAll, Consistency consistency) {

    public int top1() {
        return topClasses[0];
    }

    public float top1Score() {
        return topScores[0];
    }
}
