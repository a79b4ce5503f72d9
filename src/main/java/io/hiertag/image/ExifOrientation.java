package io.hiertag.image;

import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;

/**
 * The transform that shows an image the way the camera meant, from its EXIF orientation ({@link JpegHeader}
 * reads it). Cameras store pixels as the sensor read them and only record the turn; a model fed the raw pixels
 * would see a portrait photo lying on its side.
 */
public final class ExifOrientation {

    /** No transform needed. */
    public static final int NORMAL = 1;

    private ExifOrientation() {
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
}
