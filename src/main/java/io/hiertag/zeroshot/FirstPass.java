package io.hiertag.zeroshot;

import java.util.ArrayList;
import java.util.List;

/**
 * Step 1 of the method for a batch of image embeddings: every classifier of the bank in one scoring call, the
 * candidates' top-5, and the self-consistency decision. Image embeddings are L2-normalised per image here
 * (METHOD D14), whatever the model returns.
 */
public final class FirstPass {

    public static final int CANDIDATES = 5;

    private final ClassifierBank bank;
    private final BankScoring scoring;
    private final ConsistencyRule rule;
    private final boolean ensembleCandidates;

    /**
     * @param ensembleCandidates take the label and the top-5 from the all-template classifier instead of the
     *     class-name one (the paper's Table 4 variant)
     */
    public FirstPass(ClassifierBank bank, BankScoring scoring, ConsistencyRule rule, boolean ensembleCandidates) {
        this.bank = bank;
        this.scoring = scoring;
        this.rule = rule;
        this.ensembleCandidates = ensembleCandidates;
    }

    /**
     * @param images {@code n × dimension} image embeddings
     * @param flipped {@code n × dimension} embeddings of the flipped images, or null when the flip check is off
     */
    public List<FirstPassResult> classify(float[] images, float[] flipped, int n) {
        int d = bank.dimension();
        BlockScores s = scoring.score(Vectors.normalizedRows(images, n, d), n, bank.blocks(),
                ensembleCandidates ? ClassifierBank.ALL + 1 : ClassifierBank.NAME + 1);
        BlockScores f = rule.flip() ? scoring.score(Vectors.normalizedRows(flipped, n, d), n, 1, 0) : null;
        int candidateBlock = ensembleCandidates ? ClassifierBank.ALL : ClassifierBank.NAME;
        List<FirstPassResult> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            float[] logits = s.logits(i, candidateBlock);
            for (int c = 0; c < logits.length; c++) {
                logits[c] = logits[bank.canonical(c)];
            }
            int[] top = TopK.of(logits, CANDIDATES);
            float[] topScores = new float[top.length];
            for (int k = 0; k < top.length; k++) {
                topScores[k] = logits[top[k]];
            }
            int[] predictions = {argmax(s, i, ClassifierBank.NAME), argmax(s, i, ClassifierBank.ALL),
                argmax(s, i, ClassifierBank.FIRST_HALF), argmax(s, i, ClassifierBank.SECOND_HALF)};
            int votes = 0;
            for (int t = 0; t < bank.templates(); t++) {
                if (argmax(s, i, ClassifierBank.FIRST_TEMPLATE + t) == predictions[0]) {
                    votes++;
                }
            }
            int flip = f == null ? -1 : argmax(f, i, ClassifierBank.NAME);
            out.add(new FirstPassResult(top, topScores, predictions, flip, votes, s.max(i, ClassifierBank.NAME),
                    s.max(i, ClassifierBank.ALL), rule.evaluate(predictions, flip, votes, bank.templates())));
        }
        return out;
    }

    private int argmax(BlockScores s, int image, int block) {
        return bank.canonical(s.argmax(image, block));
    }
}
