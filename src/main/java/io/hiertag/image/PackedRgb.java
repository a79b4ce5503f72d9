package io.hiertag.image;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBufferByte;
import java.awt.image.PixelInterleavedSampleModel;
import java.awt.image.Raster;

/**
 * 8-bit R, G, B samples in one byte array: channel {@code c} of pixel {@code (x, y)} is
 * {@code data[y · scanline + x · pixelStride + offset(c)]}. Where it can, this is a view of a decoded image's own
 * raster (decoded JPEGs and PNGs are interleaved bytes), because converting pixels one by one through the colour
 * model ({@code BufferedImage.getRGB}) costs more than all the resampling.
 *
 * @param data the samples
 * @param scanline bytes from one row to the next
 * @param pixelStride bytes from one pixel to the next
 * @param red where red is within a pixel
 * @param green where green is within a pixel
 * @param blue where blue is within a pixel
 */
record PackedRgb(byte[] data, int scanline, int pixelStride, int red, int green, int blue) {

    /**
     * @return a view of plain interleaved 8-bit sRGB without alpha, or null for any other image (which then needs
     *     its colour model: a colour profile to apply, alpha to composite)
     */
    static PackedRgb opaqueSrgb(Raster raster, ColorModel model) {
        if (!model.getColorSpace().isCS_sRGB() || model.hasAlpha()) {
            return null;
        }
        return interleavedBytes(raster, model, ColorSpace.TYPE_RGB);
    }

    /**
     * The pixels as PIL's {@code convert("RGB")} gives them for the same file: stored samples with no colour
     * management (PIL applies no embedded ICC profile), grey replicated to R, G and B, alpha dropped (not
     * composited), palette entries looked up, other bit depths as {@link RgbImage#to8} says.
     *
     * @return a view of the raster when its layout allows, else a converted copy
     */
    static PackedRgb raw(BufferedImage image) {
        ColorModel model = image.getColorModel();
        Raster raster = image.getRaster();
        PackedRgb view = interleavedBytes(raster, model, ColorSpace.TYPE_RGB);
        if (view == null) {
            view = interleavedBytes(raster, model, ColorSpace.TYPE_GRAY);
        }
        return view != null ? view : converted(image);
    }

    /** Reads row {@code y} as R, G, B doubles. */
    void read(int y, int width, double[] rgb) {
        int p = y * scanline;
        for (int x = 0; x < width; x++, p += pixelStride) {
            rgb[x * 3] = data[p + red] & 0xFF;
            rgb[x * 3 + 1] = data[p + green] & 0xFF;
            rgb[x * 3 + 2] = data[p + blue] & 0xFF;
        }
    }

    /** A view when the colour space is of {@code type} and every component is one byte of one interleaved bank. */
    private static PackedRgb interleavedBytes(Raster raster, ColorModel model, int type) {
        int components = type == ColorSpace.TYPE_GRAY ? 1 : 3;
        if (!(model instanceof ComponentColorModel) || model.isAlphaPremultiplied()
                || model.getColorSpace().getType() != type || model.getNumColorComponents() != components
                || !(raster.getSampleModel() instanceof PixelInterleavedSampleModel sm)
                || !(raster.getDataBuffer() instanceof DataBufferByte buffer) || buffer.getNumBanks() != 1
                || buffer.getOffset() != 0
                || raster.getSampleModelTranslateX() != 0 || raster.getSampleModelTranslateY() != 0) {
            return null;
        }
        for (int c = 0; c < model.getNumComponents(); c++) {
            if (model.getComponentSize(c) != 8) {
                return null;
            }
        }
        int[] offsets = sm.getBandOffsets(); // a component colour model's bands are its colour components in order
        int green = offsets[components == 1 ? 0 : 1];
        int blue = offsets[components == 1 ? 0 : 2];
        return new PackedRgb(buffer.getData(), sm.getScanlineStride(), sm.getPixelStride(), offsets[0], green, blue);
    }

    /** The one conversion the decoder makes too ({@link RgbImage#fromSamples}), viewed as interleaved RGB. */
    private static PackedRgb converted(BufferedImage image) {
        try {
            return interleavedBytes(RgbImage.fromSamples(image, "given").getRaster(), RgbImage.RGB,
                    ColorSpace.TYPE_RGB);
        } catch (InvalidImageException e) {
            // The decoder refuses such images before they get here; only a caller's own image can be one.
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }
}
