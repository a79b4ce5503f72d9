package io.hiertag.zeroshot;

/**
 * Decides which images are uncertain (paper §4.1, METHOD §2). The text part is either the paper's discrete rule
 * (uncertain unless the class-name, all-80, first-40 and last-40 classifiers all agree) or, when a threshold is
 * set, the continuous template-agreement score: uncertain when S_T ≤ threshold (confident means strictly
 * greater). The image part, when on, adds every image whose flipped copy gets another class-name prediction:
 * the uncertain set is the union of the two.
 *
 * @param flip whether the flip check runs
 * @param threshold S_T threshold in [0,1], or NaN for the discrete rule
 */
public record ConsistencyRule(boolean flip, double threshold) {

    public ConsistencyRule {
        if (!Double.isNaN(threshold) && (threshold < 0 || threshold > 1)) {
            throw new IllegalArgumentException("template-agreement threshold must be in [0,1], got " + threshold);
        }
    }

    /** The paper's default: the discrete rule plus the flip check. */
    public static ConsistencyRule paper() {
        return new ConsistencyRule(true, Double.NaN);
    }

    public boolean discrete() {
        return Double.isNaN(threshold);
    }

    /**
     * @param predictions class-name, all, first-half and second-half predictions, in that order
     * @param flipPrediction the flipped image's class-name prediction (ignored when the flip check is off)
     * @param templateVotes how many single-template classifiers predict the class-name prediction
     * @param templates how many single-template classifiers there are
     */
    public Consistency evaluate(int[] predictions, int flipPrediction, int templateVotes, int templates) {
        int name = predictions[0];
        boolean text = predictions[1] == name && predictions[2] == name && predictions[3] == name;
        boolean flipAgrees = !flip || flipPrediction == name;
        float st = (float) templateVotes / templates;
        boolean textUncertain = discrete() ? !text : st <= threshold;
        return new Consistency(text, flipAgrees, st, textUncertain || !flipAgrees);
    }
}
