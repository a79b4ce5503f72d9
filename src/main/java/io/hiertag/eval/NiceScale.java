package io.hiertag.eval;

/**
 * A chart axis range widened to round numbers, with evenly spaced ticks at steps of 1, 2, 2.5 or 5 times a power
 * of ten, so tick labels stay short.
 *
 * @param min value at the start of the axis, a multiple of {@code step}
 * @param max value at the end of the axis, a multiple of {@code step}
 * @param step distance between ticks
 */
record NiceScale(double min, double max, double step) {

    /** A scale covering {@code lo}..{@code hi} (finite) with about {@code ticks} intervals. */
    static NiceScale covering(double lo, double hi, int ticks) {
        if (hi <= lo) {
            // One value (or none): give it some room instead of dividing by a zero span.
            double pad = lo == 0 ? 1 : Math.abs(lo) * 0.1;
            lo -= pad;
            hi += pad;
        }
        double raw = (hi - lo) / ticks;
        double magnitude = Math.pow(10, Math.floor(Math.log10(raw)));
        double norm = raw / magnitude;
        double step = (norm <= 1 ? 1 : norm <= 2 ? 2 : norm <= 2.5 ? 2.5 : norm <= 5 ? 5 : 10) * magnitude;
        return new NiceScale(Math.floor(lo / step) * step, Math.ceil(hi / step) * step, step);
    }

    double[] ticks() {
        int n = (int) Math.round((max - min) / step) + 1;
        double first = Math.rint(min / step);
        double[] t = new double[n];
        for (int i = 0; i < n; i++) {
            // Integer multiples of the step, so the zero tick is exactly zero, not 1e-17.
            t[i] = (first + i) * step;
        }
        return t;
    }

    /** The pixel of {@code value} on an axis drawn from {@code atMin} to {@code atMax}. */
    double position(double value, double atMin, double atMax) {
        return atMin + (value - min) / (max - min) * (atMax - atMin);
    }

    /** A tick label with as many decimals as the step needs (2.5 needs one), none more. */
    String label(double tick) {
        int decimals = 0;
        for (double scaled = step; decimals < 6 && Math.abs(scaled - Math.rint(scaled)) > 1e-9; scaled *= 10) {
            decimals++;
        }
        // Adding 0.0 turns a -0.0 tick into 0.0, so the axis never reads "-0".
        return Markup.decimals(tick + 0.0, decimals);
    }
}
