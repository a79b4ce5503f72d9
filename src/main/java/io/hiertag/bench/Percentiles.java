package io.hiertag.bench;

import java.util.Arrays;

/**
 * Nearest-rank percentiles of a sample, in the unit the sample was given in.
 *
 * @param count sample size
 */
record Percentiles(int count, double p50, double p95, double p99, double max) {

    static Percentiles of(double[] sample) {
        if (sample.length == 0) {
            return new Percentiles(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
        }
        double[] sorted = sample.clone();
        Arrays.sort(sorted);
        return new Percentiles(sorted.length, rank(sorted, 50), rank(sorted, 95), rank(sorted, 99),
                sorted[sorted.length - 1]);
    }

    private static double rank(double[] sorted, double percent) {
        int index = (int) Math.ceil(percent / 100 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }
}
