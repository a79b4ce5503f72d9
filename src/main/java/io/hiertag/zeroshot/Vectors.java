package io.hiertag.zeroshot;

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
}
