package io.hiertag.image;

/**
 * Pillow's fixed-point resampling weights along one axis, for the outputs {@code from … from + first.length − 1}
 * of a resize from {@code in} to {@code out} pixels (Resample.c: {@code precompute_coeffs}, then
 * {@code normalize_coeffs_8bpc}). Output {@code o}'s value is {@code Σ weight[o·stride + t] · v[first[o] + t]}
 * over {@code t < count[o]}, plus a half for rounding, shifted right by {@link #PRECISION_BITS}.
 *
 * <p>Only the outputs a crop keeps are computed: each output's weights depend on its own position and the full
 * output size, not on its neighbours, so the kept ones are the same numbers Pillow computes for the whole image.
 *
 * @param first the first source pixel each output reads
 * @param count how many consecutive source pixels it reads
 * @param weights each output's weights, {@code stride} apart
 * @param stride the room per output in {@code weights}
 */
record PilTaps(int[] first, int[] count, int[] weights, int stride) {

    /** Fraction bits of the weights: 32 − 8 − 2, leaving room for 8-bit values and a kernel's negative lobes. */
    static final int PRECISION_BITS = 22;

    /**
     * @param filter the kernel
     * @param in source pixels along the axis
     * @param out output pixels of the whole resized image along the axis
     * @param from the first output wanted (the crop's start)
     * @param n how many outputs are wanted
     */
    static PilTaps of(PilFilter filter, int in, int out, int from, int n) {
        // Pillow's box is float[4]; (float) in − 0 is exact for every size a decoder accepts.
        double scale = (double) in / out;
        double filterScale = Math.max(scale, 1.0); // shrinking widens the kernel: that is PIL's antialiasing
        double support = filter.support() * filterScale;
        int stride = (int) Math.ceil(support) * 2 + 1;
        int[] first = new int[n];
        int[] count = new int[n];
        int[] weights = new int[n * stride];
        double[] w = new double[stride];
        double inverse = 1.0 / filterScale; // Pillow multiplies by the inverse; dividing could round differently
        for (int o = 0; o < n; o++) {
            double center = (o + from + 0.5) * scale;
            // Pillow's (int) casts truncate towards zero, as Java's do.
            int lo = Math.max(0, (int) (center - support + 0.5));
            int taps = Math.min(in, (int) (center + support + 0.5)) - lo;
            double sum = 0.0;
            for (int t = 0; t < taps; t++) {
                w[t] = filter.weight((t + lo - center + 0.5) * inverse);
                sum += w[t];
            }
            for (int t = 0; t < taps; t++) {
                double normalised = sum != 0.0 ? w[t] / sum : w[t];
                double scaled = normalised * (1 << PRECISION_BITS);
                weights[o * stride + t] = (int) (normalised < 0 ? scaled - 0.5 : scaled + 0.5);
            }
            first[o] = lo;
            count[o] = taps;
        }
        return new PilTaps(first, count, weights, stride);
    }

    /** @return the first source pixel any wanted output reads */
    int start() {
        return first[0];
    }

    /** @return one past the last source pixel any wanted output reads (the first and last outputs bound them) */
    int end() {
        return first[first.length - 1] + count[count.length - 1];
    }

    /** @return the most source pixels one output reads */
    int maxCount() {
        int max = 0;
        for (int c : count) {
            max = Math.max(max, c);
        }
        return max;
    }
}
