package io.hiertag.zeroshot;

/**
 * Step 2 of the method (paper §4.2, Eq. 3): each candidate's score is the maximum cosine between the image and
 * the strings of its group; the candidate with the largest score wins. Ties within a group go to the earlier
 * string (the class itself before its children); ties between candidates go to the one the first pass ranked
 * higher (METHOD §3.5). The image is the raw, unflipped embedding.
 */
public final class HierarchyRescorer {

    private final HierarchyBank bank;

    public HierarchyRescorer(HierarchyBank bank) {
        this.bank = bank;
    }

    public RescoreResult rescore(float[] imageEmbedding, int[] candidates) {
        float[] e = Vectors.normalized(imageEmbedding);
        float[] scores = new float[candidates.length];
        String[] best = new String[candidates.length];
        int winner = 0;
        for (int k = 0; k < candidates.length; k++) {
            int c = candidates[k];
            float groupMax = Float.NEGATIVE_INFINITY;
            int bestString = -1;
            for (int s = bank.groupStart(c); s < bank.groupEnd(c); s++) {
                float score = Vectors.dot(e, bank.embedding(s));
                if (score > groupMax) {
                    groupMax = score;
                    bestString = s;
                }
            }
            scores[k] = groupMax;
            best[k] = bank.string(bestString);
            if (groupMax > scores[winner]) {
                winner = k;
            }
        }
        return new RescoreResult(candidates.clone(), scores, best, winner);
    }
}
