package io.hiertag.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.awt.image.BufferedImage;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The blocked, ring-buffered passes compute exactly the two sums Pillow defines, and computing only a crop's rows
 * and columns gives the numbers of the whole resized image, cropped.
 */
class PilResamplerTest {

    private static final int WIDTH = 97;
    private static final int HEIGHT = 301; // more rows than one horizontal block, so the ring buffers wrap
    private static final int CROP = 16;
    /** One thread's buffers over every size: a reused ring larger than a resize needs must serve as well. */
    private static final PilResampler.Scratch SCRATCH = new PilResampler.Scratch();

    @Test
    void theCropOfTheWholeEqualsTheCropComputedAlone() {
        PackedRgb source = PackedRgb.raw(noise());
        for (PilFilter filter : PilFilter.values()) {
            // Shrinking, a little or a lot, and enlarging: varied tap counts and phases, so that some output
            // reads the oldest row or column its ring buffer can still hold.
            for (int[] size : new int[][] {{40, 150}, {150, 400}, {23, 37}, {61, 217}, {96, 300}, {24, 20}}) {
                int[] whole = resample(source, filter, size, new int[] {0, 0}, size[0], size[1]);
                for (int[] at : new int[][] {{0, 0}, {7, 3}, {size[0] - CROP, size[1] - CROP}}) {
                    int[] expected = new int[CROP * CROP * 3];
                    for (int y = 0; y < CROP; y++) {
                        System.arraycopy(whole, ((at[1] + y) * size[0] + at[0]) * 3, expected, y * CROP * 3,
                                CROP * 3);
                    }
                    assertArrayEquals(expected, resample(source, filter, size, at, CROP, CROP),
                            filter + " to " + Arrays.toString(size) + ", crop at " + Arrays.toString(at));
                }
            }
        }
    }

    /**
     * Random taps (monotone, as resampling's are) with weights as large at the ends as in the middle, so that an
     * output reading a column or row its ring buffer no longer holds cannot go unnoticed.
     */
    @Test
    void thePassesComputeThePlainSums() {
        PackedRgb source = PackedRgb.raw(noise());
        SplittableRandom random = new SplittableRandom(11);
        for (int trial = 0; trial < 20; trial++) {
            // The first trials slide a full window by one pixel per output: some output then starts exactly as
            // far back as a ring buffer reaches.
            boolean sliding = trial < 4;
            PilTaps columns = randomTaps(random, WIDTH, 1 + random.nextInt(40), sliding);
            PilTaps rows = randomTaps(random, HEIGHT, 1 + random.nextInt(60), sliding);
            int[] out = new int[columns.first().length * rows.first().length * 3];
            PilResampler.resample(source, columns, rows, SCRATCH,
                    (y, rgb) -> System.arraycopy(rgb, 0, out, y * rgb.length, rgb.length));
            assertArrayEquals(plainSums(source, columns, rows), out, "trial " + trial);
        }
    }

    /** Sliding: a window of {@code stride} pixels at every position, ignoring {@code outputs}. */
    private static PilTaps randomTaps(SplittableRandom random, int in, int outputs, boolean sliding) {
        int stride = 1 + random.nextInt(70);
        int n = sliding ? in - stride + 1 : outputs;
        int[] firsts = new int[n];
        int[] counts = new int[n];
        int[] weights = new int[n * stride];
        int first = sliding ? 0 : random.nextInt(in - stride + 1);
        int end = sliding ? first + stride : first + 1 + random.nextInt(stride);
        for (int o = 0; o < n; o++) {
            if (o > 0) { // both ends move right by 0 to 2 (sliding: by 1); the count stays within 1 and the stride
                first += sliding ? 1 : random.nextInt(3);
                end += sliding ? 1 : random.nextInt(3);
            }
            end = Math.min(in, Math.max(end, first + 1));
            first = Math.max(Math.min(first, end - 1), end - stride);
            firsts[o] = first;
            counts[o] = end - first;
            for (int t = 0; t < counts[o]; t++) {
                // Mostly positive, so that outputs spread over 0..255 rather than clip; sums stay within an int.
                weights[o * stride + t] = random.nextInt(-(1 << 20), 1 << 22) / stride;
            }
        }
        return new PilTaps(firsts, counts, weights, stride);
    }

    /** Both passes as Pillow writes them, over whole rows, with no blocks or ring buffers. */
    private static int[] plainSums(PackedRgb source, PilTaps columns, PilTaps rows) {
        int width = columns.first().length;
        int[][] intermediate = new int[HEIGHT][width * 3];
        int[] channel = {source.red(), source.green(), source.blue()};
        for (int y = 0; y < HEIGHT; y++) {
            for (int o = 0; o < width; o++) {
                for (int c = 0; c < 3; c++) {
                    int sum = 1 << 21;
                    for (int t = 0; t < columns.count()[o]; t++) {
                        int x = columns.first()[o] + t;
                        sum += columns.weights()[o * columns.stride() + t]
                                * (source.data()[y * source.scanline() + x * source.pixelStride() + channel[c]] & 0xFF);
                    }
                    intermediate[y][o * 3 + c] = clip8(sum);
                }
            }
        }
        int[] out = new int[rows.first().length * width * 3];
        for (int o = 0; o < rows.first().length; o++) {
            for (int j = 0; j < width * 3; j++) {
                int sum = 1 << 21;
                for (int t = 0; t < rows.count()[o]; t++) {
                    sum += rows.weights()[o * rows.stride() + t] * intermediate[rows.first()[o] + t][j];
                }
                out[o * width * 3 + j] = clip8(sum);
            }
        }
        return out;
    }

    private static int clip8(int sum) {
        return Math.max(0, Math.min(255, sum >> 22));
    }

    private static int[] resample(PackedRgb source, PilFilter filter, int[] size, int[] at, int columns, int rows) {
        int[] out = new int[columns * rows * 3];
        PilResampler.resample(source, PilTaps.of(filter, WIDTH, size[0], at[0], columns),
                PilTaps.of(filter, HEIGHT, size[1], at[1], rows), SCRATCH,
                (y, rgb) -> System.arraycopy(rgb, 0, out, y * rgb.length, rgb.length));
        return out;
    }

    private static BufferedImage noise() {
        SplittableRandom random = new SplittableRandom(3);
        BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_3BYTE_BGR);
        for (int y = 0; y < HEIGHT; y++) {
            for (int x = 0; x < WIDTH; x++) {
                image.setRGB(x, y, random.nextInt(1 << 24));
            }
        }
        return image;
    }
}
