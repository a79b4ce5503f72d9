package io.hiertag.zeroshot;

import java.util.List;

/** Small vector helpers on float arrays. */
public final class Vectors {
    private Vectors() {
    }

    public static float dot(float[] a, float[] b) {
        if (a.length != b.length) {
            throw new IllegalArgumentException("dimension mismatch: " + a.length + " vs " + b.length);
        }
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return (float) s;
    }

    /** A unit-length copy; a zero vector stays zero rather than becoming NaN. */
    public static float[] normalized(float[] v) {
        double s = 0;
        for (float x : v) {
            s += (double) x * x;
        }
        float[] out = new float[v.length];
        if (s == 0) {
            return out;
        }
        double inv = 1.0 / Math.sqrt(s);
        for (int i = 0; i < v.length; i++) {
            out[i] = (float) (v[i] * inv);
        }
        return out;
    }

    /** {@code acc += v}. */
    public static void addInto(float[] acc, float[] v) {
        for (int i = 0; i < acc.length; i++) {
            acc[i] += v[i];
        }
    }

    /** Rows of equal length, one after another in one row-major array (empty for no rows). */
    public static float[] flatten(List<float[]> rows) {
        int d = rows.isEmpty() ? 0 : rows.get(0).length;
        float[] out = new float[rows.size() * d];
        for (int i = 0; i < rows.size(); i++) {
            System.arraycopy(rows.get(i), 0, out, i * d, d);
        }
        return out;
    }

    /** A copy of {@code n} rows of length {@code d}, each scaled to unit length (zero rows stay zero). */
    public static float[] normalizedRows(float[] rows, int n, int d) {
        float[] out = new float[n * d];
        for (int i = 0; i < n; i++) {
            double s = 0;
            for (int j = 0; j < d; j++) {
                s += (double) rows[i * d + j] * rows[i * d + j];
            }
            double inv = s == 0 ? 0 : 1.0 / Math.sqrt(s);
            for (int j = 0; j < d; j++) {
                out[i * d + j] = (float) (rows[i * d + j] * inv);
            }
        }
        return out;
    }
}
