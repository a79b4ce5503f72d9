package io.hiertag.zeroshot;

/**
 * The hierarchy step's verdict on one uncertain image.
 *
 * @param candidates the candidates that were rescored, best first-pass rank first
 * @param groupScores each candidate's score: the maximum cosine over its group of strings
 * @param bestStrings for each candidate, the text of the string that gave its score
 * @param winner position in {@code candidates} of the chosen class
 */
public record RescoreResult(int[] candidates, float[] groupScores, String[] bestStrings, int winner) {

    public int label() {
        return candidates[winner];
    }

    public float score() {
        return groupScores[winner];
    }
}
