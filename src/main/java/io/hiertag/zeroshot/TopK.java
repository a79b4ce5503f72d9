package io.hiertag.zeroshot;

/** Indices of the k largest scores, best first; equal scores go to the lower index, as numpy's argmax does. */
public final class TopK {
    private TopK() {
    }

    public static int[] of(float[] scores, int k) {
        int n = Math.min(k, scores.length);
        int[] best = new int[n];
        int filled = 0;
        for (int i = 0; i < scores.length; i++) {
            float s = scores[i];
            if (filled == n && !(s > scores[best[n - 1]])) {
                continue;
            }
            int pos = filled < n ? filled++ : n - 1;
            // Strictly greater moves up, so an earlier index keeps its place on a tie.
            while (pos > 0 && s > scores[best[pos - 1]]) {
                best[pos] = best[pos - 1];
                pos--;
            }
            best[pos] = i;
        }
        return best;
    }
}
