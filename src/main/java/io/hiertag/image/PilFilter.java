package io.hiertag.image;

/**
 * Pillow's resampling kernels (libImaging/Resample.c), as functions of the distance in source pixels after the
 * scale factor has been divided out. The arithmetic is written in the order Pillow's C evaluates it, so the
 * doubles, and with them the rounded fixed-point weights, are the same bits.
 */
enum PilFilter {
    /** The triangle, support 1. */
    BILINEAR(1.0) {
        @Override
        double weight(double x) {
            double d = Math.abs(x);
            return d < 1.0 ? 1.0 - d : 0.0;
        }
    },
    /** Keys' cubic convolution with a = −0.5, support 2. */
    BICUBIC(2.0) {
        @Override
        double weight(double x) {
            final double a = -0.5;
            double d = Math.abs(x);
            if (d < 1.0) {
                return ((a + 2.0) * d - (a + 3.0)) * d * d + 1;
            }
            if (d < 2.0) {
                return (((d - 5) * d + 8) * d - 4) * a;
            }
            return 0.0;
        }
    };

    private final double support;

    PilFilter(double support) {
        this.support = support;
    }

    /** @return how far the kernel reaches, in source pixels, before widening by the scale factor */
    double support() {
        return support;
    }

    /** @return the kernel's weight at signed distance {@code x} */
    abstract double weight(double x);
}
