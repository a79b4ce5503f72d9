package io.hiertag.image;

import java.util.Arrays;

/**
 * Pillow's two-pass 8-bit resampling (Resample.c, {@code ImagingResampleInner}): a horizontal pass into an
 * intermediate 8-bit image, then a vertical pass over it. Each value is a sum of integer products, plus a half,
 * shifted right by {@link PilTaps#PRECISION_BITS} and clipped to 0..255, after each pass: the same integers Pillow
 * computes, since integer sums do not depend on the order of their terms.
 *
 * <p>Only what the crop keeps is computed: the kept columns of the source rows the kept rows read. The loops are
 * shaped for the JIT to vectorise, which in Java 17 it does only when every array in the innermost loop is read at
 * the loop's own index ({@code a[i] += k · b[base + i]} stays scalar). So the horizontal pass takes
 * {@value #LANES} source rows at a time and turns them into one array per source column, the block's red values,
 * then its green, then its blue, so that one weight multiplies a whole column of the block; the vertical pass
 * multiplies whole intermediate rows. Both keep only a window of columns and rows in ring buffers.
 */
final class PilResampler {

    /** Receives each finished output row. */
    interface RowSink {
        /**
         * @param y the output row, 0 at the top of the crop
         * @param rgb its {@code width × 3} values 0..255, R G B interleaved; reused once the call returns
         */
        void row(int y, int[] rgb);
    }

    /** Source rows per horizontal block: long vector loops, few blocks, a ring that fits the L2 cache. */
    private static final int LANES = 128;
    /** Taps summed per vector loop: fewer loops, and fewer loads and stores of the accumulators. */
    private static final int UNROLL = 4;
    private static final int HALF = 1 << (PilTaps.PRECISION_BITS - 1);

    private PilResampler() {
    }

    /**
     * @param source the image's 8-bit samples
     * @param columns the horizontal taps of the kept columns
     * @param rows the vertical taps of the kept rows
     * @param sink gets the kept rows in order
     */
    static void resample(PackedRgb source, PilTaps columns, PilTaps rows, RowSink sink) {
        int height = rows.first().length;
        int rowLength = columns.first().length * 3;
        // Intermediate rows still to be read. While a block is written, the next output row has not been emitted,
        // so it ends past the block's start and begins at most maxCount − 1 rows before it: the block and those.
        int[][] ring = new int[rows.maxCount() - 1 + LANES][rowLength];
        Horizontal horizontal = new Horizontal(source, columns);
        int[] acc = new int[rowLength];
        int next = 0; // the next output row
        for (int block = rows.start(); block < rows.end(); block += LANES) {
            int blockEnd = Math.min(block + LANES, rows.end());
            horizontal.pass(block, blockEnd, ring);
            for (; next < height && rows.first()[next] + rows.count()[next] <= blockEnd; next++) {
                int first = rows.first()[next];
                weightedSum(rows, next, acc, t -> ring[(first + t) % ring.length]);
                for (int j = 0; j < rowLength; j++) {
                    acc[j] = clip8(acc[j]);
                }
                sink.row(next, acc);
            }
        }
    }

    /** The source vectors of one output's taps, by tap. */
    private interface Vectors {
        int[] tap(int t);
    }

    /** {@code acc = half + Σ weight(t) · vector(t)} over output {@code o}'s taps. */
    private static void weightedSum(PilTaps taps, int o, int[] acc, Vectors vectors) {
        Arrays.fill(acc, HALF);
        int[] weights = taps.weights();
        int base = o * taps.stride();
        int count = taps.count()[o];
        int t = 0;
        for (; t + UNROLL <= count; t += UNROLL) {
            int w0 = weights[base + t];
            int w1 = weights[base + t + 1];
            int w2 = weights[base + t + 2];
            int w3 = weights[base + t + 3];
            int[] v0 = vectors.tap(t);
            int[] v1 = vectors.tap(t + 1);
            int[] v2 = vectors.tap(t + 2);
            int[] v3 = vectors.tap(t + 3);
            for (int i = 0; i < acc.length; i++) {
                acc[i] += w0 * v0[i] + w1 * v1[i] + w2 * v2[i] + w3 * v3[i];
            }
        }
        for (; t < count; t++) {
            int w = weights[base + t];
            int[] v = vectors.tap(t);
            for (int i = 0; i < acc.length; i++) {
                acc[i] += w * v[i];
            }
        }
    }

    /** Pillow's {@code clip8}: the fixed-point sum's integer part, saturated to 0..255. */
    private static int clip8(int sum) {
        int v = sum >> PilTaps.PRECISION_BITS;
        return v < 0 ? 0 : Math.min(v, 255);
    }

    /** The horizontal pass over blocks of {@link #LANES} source rows. */
    private static final class Horizontal {
        private final PackedRgb source;
        private final PilTaps columns;
        /** Source column x of the block at {@code x % length}: its rows' red values, then green, then blue. */
        private final int[][] transposed;
        private final int[] acc = new int[3 * LANES];

        Horizontal(PackedRgb source, PilTaps columns) {
            this.source = source;
            this.columns = columns;
            this.transposed = new int[columns.maxCount()][3 * LANES]; // one output's columns
        }

        /** Writes the kept columns of source rows {@code [from, to)} into the ring, row y at {@code y % ring}. */
        void pass(int from, int to, int[][] ring) {
            int rowsInBlock = to - from;
            int loaded = columns.start(); // columns [first of the current output, loaded) are in `transposed`
            for (int o = 0; o < columns.first().length; o++) {
                int first = columns.first()[o];
                // Columns left of `first` are no longer needed; loading never overwrites the current output's.
                for (loaded = Math.max(loaded, first); loaded < first + columns.count()[o]; loaded++) {
                    load(loaded, from, rowsInBlock);
                }
                weightedSum(columns, o, acc, t -> transposed[(first + t) % transposed.length]);
                for (int j = 0; j < rowsInBlock; j++) {
                    int[] row = ring[(from + j) % ring.length];
                    row[o * 3] = clip8(acc[j]);
                    row[o * 3 + 1] = clip8(acc[LANES + j]);
                    row[o * 3 + 2] = clip8(acc[2 * LANES + j]);
                }
            }
        }

        /** Copies column x of the block's rows, down the column: the JIT keeps this loop tight. */
        private void load(int x, int from, int rowsInBlock) {
            int[] column = transposed[x % transposed.length];
            byte[] data = source.data();
            int scanline = source.scanline();
            int pixel = from * scanline + x * source.pixelStride();
            int r = pixel + source.red();
            int g = pixel + source.green();
            int b = pixel + source.blue();
            for (int j = 0, p = 0; j < rowsInBlock; j++, p += scanline) {
                column[j] = data[r + p] & 0xFF;
                column[LANES + j] = data[g + p] & 0xFF;
                column[2 * LANES + j] = data[b + p] & 0xFF;
            }
        }
    }
}
