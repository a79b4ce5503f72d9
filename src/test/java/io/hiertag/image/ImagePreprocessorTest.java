package io.hiertag.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hiertag.testmodel.TestModelExporter;
import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.IndexColorModel;
import java.awt.image.WritableRaster;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ImagePreprocessorTest {

    // 0..255 maps to itself, so expected values are the pixel values.
    private static final Normalization IDENTITY = new Normalization.Range(0, 255);

    @Test
    void anImageAlreadyAtSizeIsCopiedAsHwcRgb() {
        BufferedImage image = rgb(new int[][] {
            {0x102030, 0x405060},
            {0x708090, 0xA0B0C0},
        });
        float[] expected = {
            0x10, 0x20, 0x30, 0x40, 0x50, 0x60,
            0x70, 0x80, 0x90, 0xA0, 0xB0, 0xC0,
        };
        for (Resize resize : Resize.values()) {
            assertArrayEquals(expected, preprocessor(2, resize, true, IDENTITY).preprocess(image), resize.name());
        }
    }

    @Test
    void aWideImageIsCroppedToItsCentre() {
        // 4×2 with size 2: the shorter side is already 2, so columns 1 and 2 are kept.
        BufferedImage image = rgb(new int[][] {
            {0x010101, 0x020202, 0x030303, 0x040404},
            {0x050505, 0x060606, 0x070707, 0x080808},
        });
        assertArrayEquals(grey(2, 3, 6, 7), preprocessor(2, Resize.TF_BILINEAR, true, IDENTITY)
                .preprocess(image));
        // 3 wide: the odd extra column stays on the right.
        BufferedImage odd = rgb(new int[][] {{0x010101, 0x020202, 0x030303}, {0x040404, 0x050505, 0x060606}});
        assertArrayEquals(grey(1, 2, 4, 5), preprocessor(2, Resize.TF_BILINEAR, true, IDENTITY)
                .preprocess(odd));
    }

    @Test
    void halvingAveragesPixelPairs() {
        // 4×4 to 2×2: half-pixel centres fall at 0.5 and 2.5, between source pixels, for bilinear and area alike.
        BufferedImage image = rgb(new int[][] {
            {0x000000, 0x040404, 0x080808, 0x0C0C0C},
            {0x101010, 0x141414, 0x181818, 0x1C1C1C},
            {0x202020, 0x242424, 0x282828, 0x2C2C2C},
            {0x303030, 0x343434, 0x383838, 0x3C3C3C},
        });
        float[] expected = grey(0x0A, 0x12, 0x2A, 0x32);
        assertArrayEquals(expected, preprocessor(2, Resize.TF_BILINEAR, true, IDENTITY).preprocess(image));
        assertArrayEquals(expected, preprocessor(2, Resize.TF_AREA, false, IDENTITY).preprocess(image));
    }

    @Test
    void normalisesWithMeanAndStd() {
        BufferedImage image = rgb(new int[][] {{0xFF8000}});
        Normalization clip = TestModelExporter.contract().image().normalization();
        float[] out = preprocessor(1, Resize.TF_BILINEAR, true, clip).preprocess(image);
        assertEquals((1.0 - 0.48145466) / 0.26862954, out[0], 1e-5);
        assertEquals((128 / 255.0 - 0.4578275) / 0.26130258, out[1], 1e-5);
        assertEquals((0 - 0.40821073) / 0.27577711, out[2], 1e-5);
        float[] lit = preprocessor(1, Resize.TF_BILINEAR, true, new Normalization.Range(-1, 1))
                .preprocess(image);
        assertArrayEquals(new float[] {1f, 128 / 127.5f - 1, -1f}, lit, 1e-6f);
    }

    @Test
    void greyImagesKeepTheirValues() {
        // getRGB would return 188 for 128: Java treats its grey colour space as linear.
        BufferedImage image = new BufferedImage(2, 1, BufferedImage.TYPE_BYTE_GRAY);
        image.getRaster().setSample(0, 0, 0, 128);
        image.getRaster().setSample(1, 0, 0, 255);
        assertArrayEquals(new float[] {128, 128, 128}, preprocessor(1, Resize.TF_BILINEAR, true, IDENTITY)
                .preprocess(crop(image, 0)));
        BufferedImage wide = new BufferedImage(1, 1, BufferedImage.TYPE_USHORT_GRAY);
        wide.getRaster().setSample(0, 0, 0, 65535);
        assertArrayEquals(new float[] {255, 255, 255}, preprocessor(1, Resize.TF_BILINEAR, true, IDENTITY)
                .preprocess(wide));
    }

    @Test
    void tensorFlowCompositesTransparencyOnWhite() {
        BufferedImage image = new BufferedImage(3, 1, BufferedImage.TYPE_INT_ARGB);
        image.setRGB(0, 0, 0x00FF0000); // fully transparent red
        image.setRGB(1, 0, 0x80FF0000); // half-transparent red
        image.setRGB(2, 0, 0xFFFF0000); // opaque red
        ImagePreprocessor one = preprocessor(1, Resize.TF_BILINEAR, true, IDENTITY);
        float half = 255 * (1 - 128 / 255f);
        assertArrayEquals(new float[] {255, 255, 255}, one.preprocess(crop(image, 0)));
        assertArrayEquals(new float[] {255, half, half}, one.preprocess(crop(image, 1)), 1e-4f);
        assertArrayEquals(new float[] {255, 0, 0}, one.preprocess(crop(image, 2)));

        ComponentColorModel greyAlpha = new ComponentColorModel(ColorSpace.getInstance(ColorSpace.CS_GRAY), true,
                false, Transparency.TRANSLUCENT, DataBuffer.TYPE_BYTE);
        WritableRaster raster = greyAlpha.createCompatibleWritableRaster(2, 1);
        raster.setPixel(0, 0, new int[] {100, 0});
        raster.setPixel(1, 0, new int[] {100, 255});
        BufferedImage grey = new BufferedImage(greyAlpha, raster, false, null);
        assertArrayEquals(new float[] {255, 255, 255}, one.preprocess(crop(grey, 0)));
        assertArrayEquals(new float[] {100, 100, 100}, one.preprocess(crop(grey, 1)));
    }

    @Test
    void pilCropsRoundHalvesToEvenAsTorchvisionDoes() {
        // Size 2 on a 2-high image: no resampling, only the crop. Python's round(0.5) = 0, round(1.5) = 2.
        int[] three = {0x010101, 0x020202, 0x030303};
        int[] five = {0x010101, 0x020202, 0x030303, 0x040404, 0x050505};
        assertArrayEquals(grey(1, 2, 1, 2), preprocessor(2, Resize.PIL_BICUBIC, true, IDENTITY)
                .preprocess(rgb(new int[][] {three, three})));
        assertArrayEquals(grey(3, 4, 3, 4), preprocessor(2, Resize.PIL_BILINEAR, true, IDENTITY)
                .preprocess(rgb(new int[][] {five, five})));
        // TensorFlow's crop leaves the odd pixel on the right instead.
        assertArrayEquals(grey(2, 3, 2, 3), preprocessor(2, Resize.TF_BICUBIC, true, IDENTITY)
                .preprocess(rgb(new int[][] {five, five})));
    }

    @Test
    void pilDropsAlphaInsteadOfCompositing() {
        BufferedImage image = new BufferedImage(1, 1, BufferedImage.TYPE_INT_ARGB);
        image.setRGB(0, 0, 0x00FF8000); // fully transparent orange
        assertArrayEquals(new float[] {255, 128, 0}, pil(image));
        ComponentColorModel greyAlpha = new ComponentColorModel(ColorSpace.getInstance(ColorSpace.CS_GRAY), true,
                false, Transparency.TRANSLUCENT, DataBuffer.TYPE_BYTE);
        WritableRaster raster = greyAlpha.createCompatibleWritableRaster(1, 1);
        raster.setPixel(0, 0, new int[] {100, 0});
        assertArrayEquals(new float[] {100, 100, 100}, pil(new BufferedImage(greyAlpha, raster, false, null)));
    }

    @Test
    void pilReplicatesGreyAndLooksUpPalettes() {
        BufferedImage grey = new BufferedImage(1, 1, BufferedImage.TYPE_BYTE_GRAY);
        grey.getRaster().setSample(0, 0, 0, 128);
        assertArrayEquals(new float[] {128, 128, 128}, pil(grey));
        BufferedImage wide = new BufferedImage(1, 1, BufferedImage.TYPE_USHORT_GRAY);
        wide.getRaster().setSample(0, 0, 0, 0x80FF); // the top 8 bits, as PIL keeps of 16-bit RGB
        assertArrayEquals(new float[] {0x80, 0x80, 0x80}, pil(wide));
        IndexColorModel palette = new IndexColorModel(1, 2, new byte[] {10, 20}, new byte[] {30, 40},
                new byte[] {50, 60});
        BufferedImage indexed = new BufferedImage(1, 1, BufferedImage.TYPE_BYTE_BINARY, palette);
        indexed.getRaster().setSample(0, 0, 0, 1);
        assertArrayEquals(new float[] {20, 40, 60}, pil(indexed));
    }

    @Test
    void pilTakesStoredSamplesWithoutColourManagement() {
        // Like a JPEG with an embedded profile: PIL reads the stored values; getRGB would convert them to sRGB.
        ComponentColorModel linear = new ComponentColorModel(ColorSpace.getInstance(ColorSpace.CS_LINEAR_RGB), false,
                false, Transparency.OPAQUE, DataBuffer.TYPE_BYTE);
        WritableRaster raster = linear.createCompatibleWritableRaster(1, 1);
        raster.setPixel(0, 0, new int[] {10, 100, 200});
        BufferedImage image = new BufferedImage(linear, raster, false, null);
        assertArrayEquals(new float[] {10, 100, 200}, pil(image));
        float[] tf = preprocessor(1, Resize.TF_BILINEAR, true, IDENTITY).preprocess(image);
        assertTrue(tf[0] > 10, "the TensorFlow path converts to sRGB: " + Arrays.toString(tf));
    }

    @Test
    void aSubimageIsReadAsItsOwnPixels() {
        BufferedImage image = new BufferedImage(3, 2, BufferedImage.TYPE_3BYTE_BGR); // as decoded JPEGs are
        image.getGraphics().drawImage(rgb(new int[][] {
            {0x102030, 0x405060, 0x708090},
            {0xA0B0C0, 0xD0E0F0, 0x0F1F2F},
        }), 0, 0, null);
        BufferedImage sub = image.getSubimage(1, 0, 2, 2); // a shifted raster, which the packed views refuse
        for (Resize resize : Resize.values()) {
            assertArrayEquals(new float[] {0x40, 0x50, 0x60, 0x70, 0x80, 0x90, 0xD0, 0xE0, 0xF0, 0x0F, 0x1F, 0x2F},
                    preprocessor(2, resize, true, IDENTITY).preprocess(sub), resize.name());
        }
    }

    @Test
    void writesIntoABatchAtAnOffset() {
        BufferedImage image = rgb(new int[][] {{0x010203}});
        float[] batch = new float[7];
        preprocessor(1, Resize.TF_BILINEAR, true, IDENTITY).preprocessInto(image, batch, 3);
        assertArrayEquals(new float[] {0, 0, 0, 1, 2, 3, 0}, batch);
        assertThrows(IndexOutOfBoundsException.class,
                () -> preprocessor(1, Resize.TF_BILINEAR, true, IDENTITY).preprocessInto(image, batch, 5));
    }

    @Test
    void flipReversesColumns() {
        float[] src = {
            1, 2, 3, 4, 5, 6, 7, 8, 9,
            10, 11, 12, 13, 14, 15, 16, 17, 18,
            19, 20, 21, 22, 23, 24, 25, 26, 27,
        };
        float[] flipped = {
            7, 8, 9, 4, 5, 6, 1, 2, 3,
            16, 17, 18, 13, 14, 15, 10, 11, 12,
            25, 26, 27, 22, 23, 24, 19, 20, 21,
        };
        float[] dst = new float[src.length + 2];
        ImagePreprocessor.flipHorizontally(src, 0, dst, 2, 3);
        assertArrayEquals(flipped, Arrays.copyOfRange(dst, 2, dst.length));

        float[] inPlace = src.clone();
        ImagePreprocessor.flipHorizontally(inPlace, 0, inPlace, 0, 3);
        assertArrayEquals(flipped, inPlace);
        ImagePreprocessor.flipHorizontally(inPlace, 0, inPlace, 0, 3);
        assertArrayEquals(src, inPlace);
    }

    @Test
    void anyImageBecomesSizeBySize() {
        for (Resize resize : Resize.values()) {
            ImagePreprocessor p = preprocessor(64, resize, true, IDENTITY);
            assertEquals(64 * 64 * 3, p.floatsPerImage());
            for (int[] wh : List.of(new int[] {640, 480}, new int[] {31, 97}, new int[] {1, 1})) {
                BufferedImage image = new BufferedImage(wh[0], wh[1], BufferedImage.TYPE_3BYTE_BGR);
                image.setRGB(wh[0] / 2, wh[1] / 2, 0xFFFFFF);
                float[] out = p.preprocess(image);
                assertEquals(64 * 64 * 3, out.length);
                for (float v : out) {
                    assertEquals(127.5, v, 127.5, resize + " " + wh[0] + "x" + wh[1]);
                }
            }
        }
    }

    /**
     * The PIL resampler keeps each thread's buffers from image to image: threads sharing one preprocessor over
     * images of many sizes, in turn and at once, get what each image gives on its own.
     */
    @Test
    void threadsSharingAPreprocessorGetWhatEachImageGivesAlone() throws Exception {
        ImagePreprocessor shared = preprocessor(48, Resize.PIL_BICUBIC, true, IDENTITY);
        SplittableRandom random = new SplittableRandom(21);
        List<BufferedImage> images = new ArrayList<>();
        List<float[]> alone = new ArrayList<>();
        for (int[] wh : List.of(new int[] {640, 480}, new int[] {49, 300}, new int[] {48, 48}, new int[] {1000, 90},
                new int[] {97, 31})) {
            BufferedImage image = new BufferedImage(wh[0], wh[1], BufferedImage.TYPE_3BYTE_BGR);
            for (int y = 0; y < wh[1]; y++) {
                for (int x = 0; x < wh[0]; x++) {
                    image.setRGB(x, y, random.nextInt(1 << 24));
                }
            }
            images.add(image);
            alone.add(preprocessor(48, Resize.PIL_BICUBIC, true, IDENTITY).preprocess(image));
        }
        ExecutorService threads = Executors.newFixedThreadPool(3);
        try {
            List<Future<?>> runs = new ArrayList<>();
            for (int t = 0; t < 3; t++) {
                int start = t;
                runs.add(threads.submit(() -> {
                    for (int k = 0; k < 40; k++) {
                        int i = (start + k) % images.size();
                        assertArrayEquals(alone.get(i), shared.preprocess(images.get(i)), "image " + i + ", turn " + k);
                    }
                    return null;
                }));
            }
            for (Future<?> run : runs) {
                run.get(60, TimeUnit.SECONDS);
            }
        } finally {
            threads.shutdownNow();
        }
    }

    private static ImagePreprocessor preprocessor(
            int size, Resize resize, boolean centerCrop, Normalization normalization) {
        return new ImagePreprocessor(size, resize, centerCrop, normalization);
    }

    private static float[] pil(BufferedImage image) {
        return preprocessor(1, Resize.PIL_BICUBIC, true, IDENTITY).preprocess(image);
    }

    private static BufferedImage rgb(int[][] rows) {
        BufferedImage image = new BufferedImage(rows[0].length, rows.length, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < rows.length; y++) {
            for (int x = 0; x < rows[y].length; x++) {
                image.setRGB(x, y, rows[y][x]);
            }
        }
        return image;
    }

    private static BufferedImage crop(BufferedImage image, int x) {
        return image.getSubimage(x, 0, 1, 1);
    }

    private static float[] grey(int... values) {
        float[] out = new float[values.length * 3];
        for (int i = 0; i < values.length; i++) {
            out[i * 3] = values[i];
            out[i * 3 + 1] = values[i];
            out[i * 3 + 2] = values[i];
        }
        return out;
    }
}
