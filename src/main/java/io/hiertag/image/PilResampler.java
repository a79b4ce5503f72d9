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
    /**
     * The most bytes of a block's source rows {@link Horizontal#warm} reads ahead: well inside a core's L2 cache
     * (512 KB to 2 MB on current x86 cores), next to the ring. A larger block would evict its own first rows.
     */
    private static final int WARM_BYTES = 256 * 1024;
    /**
     * Taps summed per vector loop: fewer loops, and fewer loads and stores of the accumulators; at 8 the JIT no
     * longer vectorises the loop.
     */
    private static final int UNROLL = 4;
    private static final int HALF = 1 << (PilTaps.PRECISION_BITS - 1);

    private PilResampler() {
    }

    /**
     * @param source the image's 8-bit samples
     * @param columns the horizontal taps of the kept columns
     * @param rows the vertical taps of the kept rows
     * @param scratch the calling thread's buffers
     * @param sink gets the kept rows in order
     */
    static void resample(PackedRgb source, PilTaps columns, PilTaps rows, Scratch scratch, RowSink sink) {
        int height = rows.first().length;
        int rowLength = columns.first().length * 3;
        // Intermediate rows still to be read. While a block is written, the next output row has not been emitted,
        // so it ends past the block's start and begins at most maxCount − 1 rows before it: the block and those.
        int[][] ring = scratch.ring(rows.maxCount() - 1 + LANES, rowLength);
        Horizontal horizontal = new Horizontal(source, columns, scratch);
        int[] acc = scratch.rowSums(rowLength);
        int[] halves = scratch.halves(rowLength);
        int next = 0; // the next output row
        for (int block = rows.start(); block < rows.end(); block += LANES) {
            int blockEnd = Math.min(block + LANES, rows.end());
            scratch.warmed += horizontal.warm(block, blockEnd);
            horizontal.pass(block, blockEnd, ring);
            for (; next < height && rows.first()[next] + rows.count()[next] <= blockEnd; next++) {
                int first = rows.first()[next];
                weightedSum(rows, next, acc, halves, t -> ring[(first + t) % ring.length]);
                for (int j = 0; j < rowLength; j++) {
                    acc[j] = clip8(acc[j]);
                }
                sink.row(next, acc);
            }
        }
    }

    /**
     * One thread's buffers, kept from image to image: fresh ones would be fresh memory each time, and writing the
     * intermediate rows into memory that is not in the cache costs more than computing them. They grow to the
     * largest image and crop seen; a ring longer than needed serves as well, since rows are found modulo its length.
     */
    static final class Scratch {
        private int[][] ring = new int[0][];
        private int[][] columns = new int[0][];
        private int[] rowSums = new int[0];
        private int[] halves = new int[0];
        private final int[] columnSums = new int[3 * LANES];
        /** What {@link Horizontal#warm} read, kept so that the JIT cannot drop the reads. */
        private int warmed;
        private final int[][] blockRows = new int[LANES][];

        /** @return at least {@code rows} rows, each of exactly {@code length} values */
        int[][] ring(int rows, int length) {
            if (ring.length < rows || ring[0].length != length) {
                ring = new int[Math.max(rows, ring.length)][length];
            }
            return ring;
        }

        /** @return at least {@code count} arrays of {@code 3 · LANES} values */
        int[][] columns(int count) {
            if (columns.length < count) {
                columns = new int[count][3 * LANES];
            }
            return columns;
        }

        /** @return at least {@code length} halves, where every sum starts */
        int[] halves(int length) {
            if (halves.length < length) {
                halves = new int[Math.max(length, 3 * LANES)];
                Arrays.fill(halves, HALF);
            }
            return halves;
        }

        /** @return exactly {@code length} values */
        int[] rowSums(int length) {
            if (rowSums.length != length) {
                rowSums = new int[length];
            }
            return rowSums;
        }
    }

    /** The source vectors of one output's taps, by tap. */
    private interface Vectors {
        int[] tap(int t);
    }

    /**
     * {@code acc = half + Σ weight(t) · vector(t)} over output {@code o}'s taps, {@value #UNROLL} a pass. The first
     * pass adds to halves rather than to sums cleared beforehand, and the last pass's taps past the count weigh 0
     * (their vectors are whatever the ring holds there): one loop for every count, and no pass that sums fewer taps.
     */
    private static void weightedSum(PilTaps taps, int o, int[] acc, int[] halves, Vectors vectors) {
        int[] weights = taps.weights();
        int base = o * taps.stride();
        int count = taps.count()[o];
        int[] from = halves;
        for (int t = 0; t < count; t += UNROLL) {
            int w0 = weights[base + t];
            int w1 = weight(weights, base, count, t + 1);
            int w2 = weight(weights, base, count, t + 2);
            int w3 = weight(weights, base, count, t + 3);
            int[] v0 = vectors.tap(t);
            int[] v1 = vectors.tap(t + 1);
            int[] v2 = vectors.tap(t + 2);
            int[] v3 = vectors.tap(t + 3);
            for (int i = 0; i < acc.length; i++) {
                acc[i] = from[i] + w0 * v0[i] + w1 * v1[i] + w2 * v2[i] + w3 * v3[i];
            }
            from = acc;
        }
    }

    private static int weight(int[] weights, int base, int count, int t) {
        return t < count ? weights[base + t] : 0;
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
        private final int[] acc;
        private final int[] halves;
        /** The ring's rows of the current block, in order. */
        private final int[][] blockRows;

        Horizontal(PackedRgb source, PilTaps columns, Scratch scratch) {
            this.source = source;
            this.columns = columns;
            this.transposed = scratch.columns(columns.maxCount()); // at least one output's columns
            this.acc = scratch.columnSums;
            this.halves = scratch.halves(acc.length);
            this.blockRows = scratch.blockRows;
        }

        /**
         * Reads one byte of each cache line of the kept columns of source rows {@code [from, to)}, row after row,
         * before {@link #pass} loads them down the columns: in that order the hardware prefetcher streams them into
         * the cache, while the column loads (one byte from each of 128 rows at a time, more streams than it
         * follows) would miss on every row. It takes the resampler to 0.87–0.92 of its time on a 500×375 photo. A
         * 12 MP photo's blocks are larger than {@link #WARM_BYTES}, and there it measured no gain or a small loss.
         *
         * @return the sum of the bytes read, for the caller to keep where the JIT cannot drop the reads
         */
        int warm(int from, int to) {
            int start = columns.start() * source.pixelStride();
            int length = (columns.end() - columns.start()) * source.pixelStride();
            if ((long) length * (to - from) > WARM_BYTES) {
                return 0;
            }
            byte[] data = source.data();
            int sum = 0;
            for (int y = from; y < to; y++) {
                int first = y * source.scanline() + start;
                for (int p = first; p < first + length; p += 64) {
                    sum += data[p];
                }
            }
            return sum;
        }

        /** Writes the kept columns of source rows {@code [from, to)} into the ring, row y at {@code y % ring}. */
        void pass(int from, int to, int[][] ring) {
            int rowsInBlock = to - from;
            for (int j = 0; j < rowsInBlock; j++) {
                blockRows[j] = ring[(from + j) % ring.length];
            }
            int loaded = columns.start(); // columns [first of the current output, loaded) are in `transposed`
            for (int o = 0; o < columns.first().length; o++) {
                int first = columns.first()[o];
                // Columns left of `first` are no longer needed; loading never overwrites the current output's.
                for (loaded = Math.max(loaded, first); loaded < first + columns.count()[o]; loaded++) {
                    load(loaded, from, rowsInBlock);
                }
                weightedSum(columns, o, acc, halves, t -> transposed[(first + t) % transposed.length]);
                for (int j = 0; j < rowsInBlock; j++) {
                    int[] row = blockRows[j];
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
