package io.hiertag.zeroshot;

/** {@link BankScoring} in plain Java loops: the reference the engine implementation is tested against. */
public final class JavaBankScoring implements BankScoring {

    private final ClassifierBank bank;

    public JavaBankScoring(ClassifierBank bank) {
        this.bank = bank;
    }

    @Override
    public BlockScores score(float[] queries, int n, int blocks, int fullBlocks) {
        int c = bank.classes();
        int d = bank.dimension();
        float[] w = bank.weights();
        int[] argmax = new int[n * blocks];
        float[] max = new float[n * blocks];
        float[] logits = new float[n * fullBlocks * c];
        for (int i = 0; i < n; i++) {
            for (int b = 0; b < blocks; b++) {
                int best = 0;
                float bestScore = Float.NEGATIVE_INFINITY;
                for (int k = 0; k < c; k++) {
                    double s = 0;
                    int row = (b * c + k) * d;
                    for (int j = 0; j < d; j++) {
                        s += queries[i * d + j] * w[row + j];
                    }
                    float score = (float) s;
                    if (b < fullBlocks) {
                        logits[(i * fullBlocks + b) * c + k] = score;
                    }
                    if (score > bestScore) {
                        bestScore = score;
                        best = k;
                    }
                }
                argmax[i * blocks + b] = best;
                max[i * blocks + b] = bestScore;
            }
        }
        return new BlockScores(n, blocks, fullBlocks, c, argmax, max, logits);
    }
}
