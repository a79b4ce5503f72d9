package io.hiertag.image;

import java.io.ByteArrayOutputStream;

/**
 * What a JPEG says about itself before its first scan: the frame size and number of colour components (from
 * the SOF segment), whether an Adobe APP14 segment is present, and the EXIF orientation (tag 0x0112 of IFD0 in
 * the APP1 "Exif" segment). Read without decoding, so that a pixel bomb is refused before it is allocated.
 *
 * @param width 0 when the file has no frame header before its first scan
 * @param height as {@code width}
 * @param components 1 grey, 3 YCbCr or RGB, 4 CMYK or YCCK
 * @param adobe whether an Adobe APP14 segment is present
 * @param orientation 1–8, {@link ExifOrientation#NORMAL} when the file has none or it cannot be read
 */
public record JpegHeader(int width, int height, int components, boolean adobe, int orientation) {

    /** Reads the segments up to the first scan; a malformed or truncated header leaves the fields unset. */
    public static JpegHeader read(byte[] jpeg) {
        int width = 0;
        int height = 0;
        int components = 0;
        boolean adobe = false;
        int orientation = 0;
        int pos = 2; // after SOI
        while (pos + 4 <= jpeg.length && (jpeg[pos] & 0xff) == 0xFF) {
            int marker = jpeg[pos + 1] & 0xff;
            if (marker == 0xFF) { // a fill byte before a marker
                pos++;
                continue;
            }
            int length = Bytes.u16(jpeg, pos + 2, false);
            int end = pos + 2 + length;
            if (marker == 0xDA || length < 2 || end > jpeg.length) { // start of scan: no more metadata
                break;
            }
            if (isStartOfFrame(marker) && length >= 8) {
                height = Bytes.u16(jpeg, pos + 5, false);
                width = Bytes.u16(jpeg, pos + 7, false);
                components = jpeg[pos + 9] & 0xff;
            } else if (marker == 0xEE && length >= 7 && Bytes.ascii(jpeg, pos + 4, 5).equals("Adobe")) {
                adobe = true;
            } else if (marker == 0xE1 && orientation == 0 && length >= 16
                    && Bytes.ascii(jpeg, pos + 4, 4).equals("Exif")) {
                orientation = tiffOrientation(jpeg, pos + 10, end);
            }
            pos = end;
        }
        return new JpegHeader(width, height, components, adobe,
                orientation == 0 ? ExifOrientation.NORMAL : orientation);
    }

    /**
     * Four components and no Adobe segment. Whether such samples are inverted is a convention, not in the file:
     * Adobe's (inverted) is what PIL always assumes, while the libjpeg wrapper inside TensorFlow assumes it only
     * when an Adobe segment says so.
     */
    public boolean cmykWithoutAdobeSegment() {
        return components == 4 && !adobe;
    }

    /**
     * The same JPEG with an Adobe APP14 segment after SOI that declares its four components CMYK (transform 0,
     * which is also what libjpeg assumes without one): decoders that follow the segment then read the samples as
     * Adobe-inverted, as PIL does.
     */
    public static byte[] withAdobeCmykSegment(byte[] jpeg) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(jpeg.length + 16);
        out.write(jpeg, 0, 2);
        // FFEE, length 14, "Adobe", DCTEncodeVersion 100, APP14Flags0 0, APP14Flags1 0, ColorTransform 0
        out.writeBytes(new byte[] {(byte) 0xFF, (byte) 0xEE, 0, 14, 'A', 'd', 'o', 'b', 'e', 0, 100, 0, 0, 0, 0, 0});
        out.write(jpeg, 2, jpeg.length - 2);
        return out.toByteArray();
    }

    // SOF0–SOF15, except DHT (C4), JPG (C8) and DAC (CC), which share the range.
    private static boolean isStartOfFrame(int marker) {
        return marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
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
        long ifd = start + Bytes.u32(b, start + 4, little);
        if (ifd + 2 > end) {
            return 0;
        }
        int entries = Bytes.u16(b, (int) ifd, little);
        for (int i = 0; i < entries; i++) {
            int e = (int) ifd + 2 + 12 * i;
            if (e + 12 > end) {
                return 0;
            }
            if (Bytes.u16(b, e, little) == 0x0112) {
                int value = Bytes.u16(b, e + 8, little);
                return value >= 1 && value <= 8 ? value : 0;
            }
        }
        return 0;
    }
}
