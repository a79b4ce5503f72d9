package io.hiertag.image;

import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;

/**
 * The EXIF orientation of a JPEG (tag 0x0112 of IFD0 in the APP1 "Exif" segment), and the transform that shows
 * the image the way the camera meant. Cameras store pixels as the sensor read them and only record the turn;
 * a model fed the raw pixels would see a portrait photo lying on its side.
 */
public final class ExifOrientation {

    /** No transform needed. */
    public static final int NORMAL = 1;

    private ExifOrientation() {
    }

    /** The orientation 1–8, or {@link #NORMAL} when the file has none or it cannot be read. */
    public static int read(byte[] jpeg) {
        int pos = 2; // after SOI
        while (pos + 4 <= jpeg.length && (jpeg[pos] & 0xff) == 0xFF) {
            int marker = jpeg[pos + 1] & 0xff;
            int length = u16(jpeg, pos + 2, false);
            if (marker == 0xDA || length < 2) { // start of scan: no more metadata
                return NORMAL;
            }
            if (marker == 0xE1 && length >= 16 && pos + 2 + length <= jpeg.length
                    && jpeg[pos + 4] == 'E' && jpeg[pos + 5] == 'x' && jpeg[pos + 6] == 'i' && jpeg[pos + 7] == 'f') {
                int o = tiffOrientation(jpeg, pos + 10, pos + 2 + length);
                if (o != 0) {
                    return o;
                }
            }
            pos += 2 + length;
        }
        return NORMAL;
    }

    /** Reads tag 0x0112 from a TIFF structure in {@code [start, end)}; 0 when absent or malformed. */
    private static int tiffOrientation(byte[] b, int start, int end) {
        boolean little;
        if (b[start] == 'I' && b[start + 1] == 'I') {
            little = true;
        } else if (b[start] == 'M' && b[start + 1] == 'M') {
            little = false;
        } else {
            return 0;
        }
        long ifd = start + u32(b, start + 4, little);
        if (ifd + 2 > end) {
            return 0;
        }
        int entries = u16(b, (int) ifd, little);
        for (int i = 0; i < entries; i++) {
            int e = (int) ifd + 2 + 12 * i;
            if (e + 12 > end) {
                return 0;
            }
            if (u16(b, e, little) == 0x0112) {
                int value = u16(b, e + 8, little);
                return value >= 1 && value <= 8 ? value : 0;
            }
        }
        return 0;
    }

    /** The image as it should be seen; the same image when the orientation is {@link #NORMAL}. */
    public static BufferedImage apply(BufferedImage img, int orientation) {
        if (orientation <= NORMAL || orientation > 8) {
            return img;
        }
        int w = img.getWidth();
        int h = img.getHeight();
        boolean swap = orientation >= 5;
        int ow = swap ? h : w;
        int oh = swap ? w : h;
        // Pixels are moved as raw samples in the image's own colour model: going through getRGB would brighten
        // grey JPEGs, whose colour space Java treats as linear.
        Raster in = img.getRaster();
        WritableRaster out = in.createCompatibleWritableRaster(ow, oh);
        Object pixel = null;
        for (int y = 0; y < oh; y++) {
            for (int x = 0; x < ow; x++) {
                // Which stored pixel shows at (x, y), per the EXIF definition of each orientation.
                int sx;
                int sy;
                switch (orientation) {
                    case 2 -> { sx = w - 1 - x; sy = y; }         // mirrored
                    case 3 -> { sx = w - 1 - x; sy = h - 1 - y; } // upside down
                    case 4 -> { sx = x; sy = h - 1 - y; }         // mirrored upside down
                    case 5 -> { sx = y; sy = x; }                 // transposed
                    case 6 -> { sx = y; sy = h - 1 - x; }         // shown turned 90° clockwise
                    case 7 -> { sx = w - 1 - y; sy = h - 1 - x; } // transversed
                    default -> { sx = w - 1 - y; sy = x; }        // 8: shown turned 90° anticlockwise
                }
                pixel = in.getDataElements(sx, sy, pixel);
                out.setDataElements(x, y, pixel);
            }
        }
        return new BufferedImage(img.getColorModel(), out, img.isAlphaPremultiplied(), null);
    }

    private static int u16(byte[] b, int i, boolean little) {
        return little ? (b[i] & 0xff) | (b[i + 1] & 0xff) << 8 : (b[i] & 0xff) << 8 | (b[i + 1] & 0xff);
    }

    private static long u32(byte[] b, int i, boolean little) {
        return little ? (u16(b, i, true) | (long) u16(b, i + 2, true) << 16)
                : ((long) u16(b, i, false) << 16 | u16(b, i + 2, false));
    }
}
