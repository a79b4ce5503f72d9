package io.hiertag.image;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.Raster;
import java.util.Arrays;

/**
 * TensorFlow's {@code tf.image.resize} without antialiasing, then back to 8 bits, as the LiT release preprocesses:
 * vit_jax's {@code PreprocessImages} and big_vision's {@code resize} op both resize the decoded {@code uint8} image
 * (TensorFlow computes in float) and cast the result back to {@code uint8}, which truncates, before scaling the
 * values to the model's range.
 *
 * <ol>
 *   <li><b>Colour.</b> Any image type becomes 8-bit sRGB. Grey images (1 or 2 bands in a grey colour space) are
 *       read from the raster, grey value copied to R, G and B, because {@code BufferedImage.getRGB} would treat
 *       Java's grey space as linear and brighten them (128 becomes 188); all other types go through
 *       {@code getRGB}. Transparency is composited <b>on white</b>: {@code c·a + 255·(1 − a)}.
 *   <li><b>Resize.</b> With {@code centerCrop}, the shorter side is scaled to {@code size} and the longer one to
 *       {@code round(longer · size / shorter)}; without it both sides become {@code size}. Resampling is
 *       separable with half-pixel centres (source coordinate {@code (i + 0.5) · in / out − 0.5}); taps that fall
 *       outside the image are dropped and the remaining weights renormalised: {@code bilinear} uses the 2 nearest
 *       pixels per axis, {@code bicubic} the 4 nearest with Keys' kernel (a = −0.5), {@code area} averages the
 *       source area each output pixel covers (a box filter, which does antialias when shrinking).
 *       An image already at the target size passes through unchanged. Values are clamped to 0..255 (bicubic can
 *       overshoot) and truncated to integers, as {@code tf.cast(…, tf.uint8)} does.
 *   <li><b>Crop.</b> The centre {@code size × size}; an odd excess leaves the extra pixel on the right/bottom.
 *   <li><b>Normalise.</b> {@code v · scale(c) + offset(c)} from {@link Normalization}.
 * </ol>
 */
final class TensorFlowResize implements Preprocessing {

    /** Which of TensorFlow's resize methods. */
    enum Kernel { BILINEAR, BICUBIC, AREA }

    private static final double BACKGROUND = 255; // white

    private final int size;
    private final Kernel kernel;
    private final boolean centerCrop;
    /** The normalised float of each 8-bit value, per channel. */
    private final float[][] normalised;

    TensorFlowResize(Kernel kernel, int size, boolean centerCrop, Normalization normalization) {
        this.size = size;
        this.kernel = kernel;
        this.centerCrop = centerCrop;
        this.normalised = normalization.table();
    }

    @Override
    public void preprocessInto(BufferedImage image, float[] dst, int offset) {
        int width = image.getWidth();
        int height = image.getHeight();
        int[] resized = Preprocessing.resizedSize(image, size, centerCrop,
                (longer, shorter) -> (int) Math.round((double) longer * size / shorter));
        Taps columns = taps(width, resized[0], (resized[0] - size) / 2);
        Taps rows = taps(height, resized[1], (resized[1] - size) / 2);

        // Horizontal pass over only the source rows the vertical pass reads.
        int[] slotOfRow = new int[height];
        Arrays.fill(slotOfRow, -1);
        int slots = 0;
        for (int o = 0; o < size; o++) {
            for (int t = 0; t < rows.count[o]; t++) {
                int y = rows.first[o] + t;
                if (slotOfRow[y] < 0) {
                    slotOfRow[y] = slots++;
                }
            }
        }
        double[] horizontal = new double[slots * size * 3];
        double[] rgb = new double[width * 3];
        RowReader reader = new RowReader(image);
        for (int y = 0; y < height; y++) {
            if (slotOfRow[y] < 0) {
                continue;
            }
            reader.read(y, rgb);
            int base = slotOfRow[y] * size * 3;
            for (int o = 0; o < size; o++) {
                int w = o * columns.stride;
                int x = columns.first[o] * 3;
                int out = base + o * 3;
                if (columns.count[o] == 2) {
                    // Bilinear's usual case, unrolled: the same two products summed in the same order.
                    double w0 = columns.weights[w];
                    double w1 = columns.weights[w + 1];
                    horizontal[out] = w0 * rgb[x] + w1 * rgb[x + 3];
                    horizontal[out + 1] = w0 * rgb[x + 1] + w1 * rgb[x + 4];
                    horizontal[out + 2] = w0 * rgb[x + 2] + w1 * rgb[x + 5];
                    continue;
                }
                double r = 0;
                double g = 0;
                double b = 0;
                for (int t = 0; t < columns.count[o]; t++, x += 3) {
                    double weight = columns.weights[w + t];
                    r += weight * rgb[x];
                    g += weight * rgb[x + 1];
                    b += weight * rgb[x + 2];
                }
                horizontal[out] = r;
                horizontal[out + 1] = g;
                horizontal[out + 2] = b;
            }
        }

        // Vertical pass tap by tap over whole rows: the same sums in the same order, in loops the JIT vectorises.
        int rowLength = size * 3;
        double[] acc = new double[rowLength];
        for (int oy = 0; oy < size; oy++) {
            Arrays.fill(acc, 0);
            for (int t = 0; t < rows.count[oy]; t++) {
                double w = rows.weights[oy * rows.stride + t];
                int from = slotOfRow[rows.first[oy] + t] * rowLength;
                for (int j = 0; j < rowLength; j++) {
                    acc[j] += w * horizontal[from + j];
                }
            }
            int out = offset + oy * rowLength;
            for (int j = 0; j < rowLength; j++) {
                dst[out + j] = normalised[j % 3][(int) Math.min(255, Math.max(0, acc[j]))];
            }
        }
    }


    /**
     * For each of the {@code size} cropped output positions on one axis: the first source index and the
     * weights of consecutive source pixels.
     */
    private record Taps(int[] first, int[] count, double[] weights, int stride) {}

    private Taps taps(int in, int out, int cropStart) {
        double ratio = (double) in / out;
        int stride = switch (kernel) {
            case BILINEAR -> 2;
            case BICUBIC -> 4;
            case AREA -> (int) Math.ceil(ratio) + 1;
        };
        int[] first = new int[size];
        int[] count = new int[size];
        double[] weights = new double[size * stride];
        double[] raw = new double[in];
        for (int o = 0; o < size; o++) {
            int i = o + cropStart;
            int lo = Integer.MAX_VALUE;
            int hi = Integer.MIN_VALUE;
            if (kernel == Kernel.AREA) {
                double start = i * ratio;
                double end = (i + 1) * ratio;
                for (int j = (int) Math.floor(start); j < end && j < in; j++) {
                    double overlap = Math.min(end, j + 1) - Math.max(start, j);
                    if (overlap > 0) {
                        raw[j] = overlap;
                        lo = Math.min(lo, j);
                        hi = Math.max(hi, j);
                    }
                }
            } else {
                double centre = (i + 0.5) * ratio - 0.5;
                int base = (int) Math.floor(centre);
                int from = kernel == Kernel.BILINEAR ? base : base - 1;
                for (int j = Math.max(0, from); j < Math.min(in, from + stride); j++) {
                    double distance = Math.abs(centre - j);
                    double w = kernel == Kernel.BILINEAR ? Math.max(0, 1 - distance) : keys(distance);
                    if (w != 0) {
                        raw[j] = w;
                        lo = Math.min(lo, j);
                        hi = Math.max(hi, j);
                    }
                }
            }
            double sum = 0;
            for (int j = lo; j <= hi; j++) {
                sum += raw[j];
            }
            first[o] = lo;
            count[o] = hi - lo + 1;
            for (int j = lo; j <= hi; j++) {
                weights[o * stride + j - lo] = raw[j] / sum; // taps outside the image were dropped
                raw[j] = 0;
            }
        }
        return new Taps(first, count, weights, stride);
    }

    // Keys' cubic convolution kernel with a = -0.5 (as TensorFlow and PIL use): 1 at 0, 0 at other integers.
    private static double keys(double d) {
        final double a = -0.5;
        if (d <= 1) {
            return ((a + 2) * d - (a + 3)) * d * d + 1;
        }
        if (d < 2) {
            return ((a * d - 5 * a) * d + 8 * a) * d - 4 * a;
        }
        return 0;
    }

    /** Reads one source row as 8-bit R, G, B doubles, alpha already composited on white. */
    private static final class RowReader {
        private final BufferedImage image;
        private final Raster raster;
        private final boolean grey;
        private final boolean alpha;
        private final double sampleScale;
        private final double alphaScale;
        private final int[] samples;
        private final int[] alphas;
        private final PackedRgb packed;

        RowReader(BufferedImage image) {
            this.image = image;
            this.raster = image.getRaster();
            ColorModel model = image.getColorModel();
            this.grey = model.getColorSpace().getType() == ColorSpace.TYPE_GRAY && model.getNumColorComponents() == 1
                    && !model.isAlphaPremultiplied();
            this.alpha = model.hasAlpha();
            this.sampleScale = grey ? 255.0 / ((1L << model.getComponentSize(0)) - 1) : 1;
            this.alphaScale = grey && alpha ? 1.0 / ((1L << model.getComponentSize(1)) - 1) : 1.0 / 255;
            this.samples = new int[image.getWidth()];
            this.alphas = grey && alpha ? new int[image.getWidth()] : null;
            this.packed = grey ? null : PackedRgb.opaqueSrgb(raster, model);
        }

        void read(int y, double[] rgb) {
            int width = samples.length;
            if (grey) {
                raster.getSamples(0, y, width, 1, 0, samples);
                if (alpha) {
                    raster.getSamples(0, y, width, 1, 1, alphas);
                }
                for (int x = 0; x < width; x++) {
                    double v = samples[x] * sampleScale;
                    double a = alpha ? alphas[x] * alphaScale : 1;
                    double composited = v * a + BACKGROUND * (1 - a);
                    rgb[x * 3] = composited;
                    rgb[x * 3 + 1] = composited;
                    rgb[x * 3 + 2] = composited;
                }
                return;
            }
            if (packed != null) {
                packed.read(y, width, rgb);
                return;
            }
            image.getRGB(0, y, width, 1, samples, 0, width); // sRGB, not premultiplied
            for (int x = 0; x < width; x++) {
                int argb = samples[x];
                double a = alpha ? (argb >>> 24) * alphaScale : 1;
                rgb[x * 3] = ((argb >> 16) & 0xFF) * a + BACKGROUND * (1 - a);
                rgb[x * 3 + 1] = ((argb >> 8) & 0xFF) * a + BACKGROUND * (1 - a);
                rgb[x * 3 + 2] = (argb & 0xFF) * a + BACKGROUND * (1 - a);
            }
        }
    }
}
