package io.hiertag.image;

import io.hiertag.image.InvalidImageException.Reason;
import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.DataBufferByte;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;

/**
 * The decoder's output: 8-bit R, G, B interleaved in one byte array, no alpha, in an sRGB colour model (which only
 * labels the samples; nothing converts them). The samples are those of PIL's {@code Image.convert("RGB")}, how the
 * CLIP references decode: no ICC profile applied, alpha dropped (not composited), grey copied to R, G and B,
 * palettes looked up, CMYK by PIL's formula.
 */
public final class RgbImage {

    static final ColorModel RGB = new ComponentColorModel(ColorSpace.getInstance(ColorSpace.CS_sRGB), false,
            false, Transparency.OPAQUE, DataBuffer.TYPE_BYTE);

    private RgbImage() {
    }

    /** Wraps {@code width · height · 3} bytes, rows top to bottom, R G B per pixel; no copy. */
    public static BufferedImage wrap(int width, int height, byte[] rgb) {
        WritableRaster raster = Raster.createInterleavedRaster(new DataBufferByte(rgb, rgb.length), width, height,
                width * 3, 3, new int[] {0, 1, 2}, null);
        return new BufferedImage(RGB, raster, false, null);
    }

    /**
     * The samples of an image as an ImageIO reader stored them (its colour model's colour space, which may come
     * from an embedded ICC profile, is only used to tell grey, RGB and CMYK apart).
     *
     * @throws InvalidImageException for colour spaces PIL does not convert to RGB either (Lab, YCbCr left
     *     unconverted by the reader, ...)
     */
    static BufferedImage fromSamples(BufferedImage decoded, String format) throws InvalidImageException {
        ColorModel model = decoded.getColorModel();
        Raster raster = decoded.getRaster();
        int width = raster.getWidth();
        int height = raster.getHeight();
        int bands = raster.getNumBands();
        int[] palette = model instanceof IndexColorModel index ? palette(index, raster) : null;
        int space = model.getColorSpace().getType();
        if (palette == null && space != ColorSpace.TYPE_GRAY && space != ColorSpace.TYPE_RGB
                && space != ColorSpace.TYPE_CMYK) {
            throw new InvalidImageException(Reason.UNSUPPORTED_FORMAT, "the " + format + " image stores its colours "
                    + "in a colour space other than grey, RGB or CMYK (java.awt.color.ColorSpace type " + space
                    + "), which is not converted to RGB");
        }
        int[] bits = model.getComponentSize();
        byte[] rgb = new byte[width * height * 3];
        int[] row = new int[width * bands];
        int o = 0;
        for (int y = 0; y < height; y++) {
            raster.getPixels(0, y, width, 1, row);
            for (int p = 0; p < row.length; p += bands, o += 3) {
                if (palette != null) {
                    int c = palette[row[p]];
                    rgb[o] = (byte) (c >> 16);
                    rgb[o + 1] = (byte) (c >> 8);
                    rgb[o + 2] = (byte) c;
                } else if (space == ColorSpace.TYPE_GRAY) {
                    byte v = (byte) to8(row[p], bits[0]);
                    rgb[o] = v;
                    rgb[o + 1] = v;
                    rgb[o + 2] = v;
                } else if (space == ColorSpace.TYPE_RGB) {
                    rgb[o] = (byte) to8(row[p], bits[0]);
                    rgb[o + 1] = (byte) to8(row[p + 1], bits[1]);
                    rgb[o + 2] = (byte) to8(row[p + 2], bits[2]);
                } else {
                    int notBlack = 255 - to8(row[p + 3], bits[3]);
                    for (int c = 0; c < 3; c++) {
                        rgb[o + c] = (byte) cmykToRgb(to8(row[p + c], bits[c]), notBlack);
                    }
                }
            }
        }
        return wrap(width, height, rgb);
    }

    /**
     * A sample of {@code bits} bits as PIL unpacks it to 8: fewer bits scaled by {@code 255 / (2^bits - 1)},
     * rounded down (1-bit 0/255, 4-bit ×17, 5-bit RGB565 ×255/31); more bits keep their top 8, as PIL does for
     * 16-bit RGB (for 16-bit grey PIL's own {@code convert} clips at 255, leaving a nearly white image; its top
     * 8 bits are what the picture shows).
     */
    static int to8(int sample, int bits) {
        if (bits == 8) {
            return sample;
        }
        return bits > 8 ? sample >>> (bits - 8) : sample * 255 / ((1 << bits) - 1);
    }

    /** PIL's {@code cmyk2rgb}: {@code (255 − k) − (255 − k)·c / 255}, the division rounded as PIL rounds it. */
    private static int cmykToRgb(int c, int notBlack) {
        int t = c * notBlack + 128;
        return notBlack - (((t >> 8) + t) >> 8);
    }

    /** Each possible index's colour (0xRRGGBB); indices past the palette show black, as in PIL. */
    private static int[] palette(IndexColorModel model, Raster raster) {
        int[] colours = new int[1 << raster.getSampleModel().getSampleSize(0)];
        int n = Math.min(model.getMapSize(), colours.length);
        int[] argb = new int[model.getMapSize()];
        model.getRGBs(argb);
        for (int i = 0; i < n; i++) {
            colours[i] = argb[i] & 0xFFFFFF;
        }
        return colours;
    }
}
