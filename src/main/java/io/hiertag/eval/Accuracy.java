package io.hiertag.eval;

/** Top-k accuracy of ranked predictions. */
public final class Accuracy {
    private Accuracy() {
    }

    /**
     * The fraction of rows whose first k entries contain the row's true class. A row shorter than k is searched
     * whole, so a classifier that ranks fewer than k classes is not penalised for it.
     *
     * @param ranked per image, class indices best first
     * @param truth per image, the true class index
     * @return the fraction, or NaN when there are no rows
     * @throws IllegalArgumentException on different lengths or {@code k < 1}
     */
    public static double topK(int[][] ranked, int[] truth, int k) {
        if (ranked.length != truth.length) {
            throw new IllegalArgumentException(
                    "ranked and truth differ in length: " + ranked.length + " vs " + truth.length);
        }
        if (k < 1) {
            throw new IllegalArgumentException("k must be at least 1: " + k);
        }
        if (ranked.length == 0) {
            return Double.NaN;
        }
        int hits = 0;
        for (int i = 0; i < ranked.length; i++) {
            int[] row = ranked[i];
            for (int r = 0; r < Math.min(k, row.length); r++) {
                if (row[r] == truth[i]) {
                    hits++;
                    break;
                }
            }
        }
        return (double) hits / ranked.length;
    }
}
