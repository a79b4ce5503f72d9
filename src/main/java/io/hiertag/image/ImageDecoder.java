package io.hiertag.image;

import io.hiertag.image.InvalidImageException.Reason;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * Turns encoded image bytes into pixels, refusing what we cannot or should not decode. The format is sniffed
 * from the bytes (never trusted from a content type) and the size is read from the header before the full
 * decode, so a small file that claims a huge image is refused without allocating it.
 */
public final class ImageDecoder {

    /** Formats accepted, by their magic bytes. */
    public enum Format { JPEG, PNG }

    private final long maxBytes;
    private final long maxPixels;
    private final Set<Format> allowed;

    public ImageDecoder(long maxBytes, long maxPixels, Set<Format> allowed) {
        this.maxBytes = maxBytes;
        this.maxPixels = maxPixels;
        this.allowed = allowed.isEmpty() ? EnumSet.noneOf(Format.class) : EnumSet.copyOf(allowed);
    }

    /** Every supported format allowed. */
    public ImageDecoder(long maxBytes, long maxPixels) {
        this(maxBytes, maxPixels, EnumSet.allOf(Format.class));
    }

    public BufferedImage decode(byte[] bytes) throws InvalidImageException {
        Format format = check(bytes);
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
            ImageReader reader = readerFor(format, in);
            try {
                reader.setInput(in, true, true);
                long w = reader.getWidth(0);
                long h = reader.getHeight(0);
                if (w <= 0 || h <= 0) {
                    throw new InvalidImageException(Reason.UNREADABLE_IMAGE, "the " + format + " header gives an empty "
                            + w + "x" + h + " image");
                }
                if (w * h > maxPixels) {
                    throw new InvalidImageException(Reason.TOO_MANY_PIXELS, "the " + format + " header claims " + w + "x"
                            + h + " = " + (w * h) + " pixels, over the limit of " + maxPixels
                            + " (setting input.max-pixels); resize the image before publishing");
                }
                // The JPEG decoder fills a truncated file with grey and only warns; such an image must not be tagged.
                List<String> warnings = new ArrayList<>();
                reader.addIIOReadWarningListener((source, warning) -> warnings.add(warning));
                BufferedImage img = reader.read(0);
                if (img == null) {
                    throw new InvalidImageException(Reason.UNREADABLE_IMAGE, "the " + format + " decoder returned no image");
                }
                if (!warnings.isEmpty()) {
                    throw new InvalidImageException(Reason.UNREADABLE_IMAGE, "the " + format + " image is damaged ("
                            + String.join("; ", warnings) + "); the file is truncated or corrupt");
                }
                return format == Format.JPEG ? ExifOrientation.apply(img, ExifOrientation.read(bytes)) : img;
            } finally {
                reader.dispose();
            }
        } catch (IOException | RuntimeException e) {
            throw new InvalidImageException(Reason.UNREADABLE_IMAGE, "the bytes start like a " + format
                    + " image but cannot be decoded (" + describe(e) + "); the file is truncated or corrupt");
        }
    }

    /** Checks size and format from the bytes alone; cheap enough to run before buffering. */
    public Format check(byte[] bytes) throws InvalidImageException {
        if (bytes == null || bytes.length == 0) {
            throw new InvalidImageException(Reason.EMPTY_IMAGE, "the image has no bytes");
        }
        if (bytes.length > maxBytes) {
            throw new InvalidImageException(Reason.TOO_LARGE, "the image has " + bytes.length
                    + " bytes, over the limit of " + maxBytes + " (setting input.max-bytes)");
        }
        Format f = sniff(bytes);
        if (f == null) {
            throw new InvalidImageException(Reason.UNSUPPORTED_FORMAT, "the bytes are not a JPEG or PNG image (first bytes "
                    + hex(bytes, 8) + ")");
        }
        if (!allowed.contains(f)) {
            throw new InvalidImageException(Reason.UNSUPPORTED_FORMAT, "the image is a " + f + ", not one of the allowed "
                    + "formats " + allowed + " (setting input.formats)");
        }
        return f;
    }

    static Format sniff(byte[] b) {
        if (b.length >= 3 && (b[0] & 0xff) == 0xFF && (b[1] & 0xff) == 0xD8 && (b[2] & 0xff) == 0xFF) {
            return Format.JPEG;
        }
        if (b.length >= 8 && (b[0] & 0xff) == 0x89 && b[1] == 'P' && b[2] == 'N' && b[3] == 'G'
                && b[4] == 0x0D && b[5] == 0x0A && b[6] == 0x1A && b[7] == 0x0A) {
            return Format.PNG;
        }
        return null;
    }

    private static ImageReader readerFor(Format format, ImageInputStream in) throws InvalidImageException {
        Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName(format.name().toLowerCase());
        if (!readers.hasNext() || in == null) {
            throw new InvalidImageException(Reason.UNSUPPORTED_FORMAT, "no " + format + " decoder is available");
        }
        return readers.next();
    }

    private static String describe(Exception e) {
        String m = e.getMessage();
        return e.getClass().getSimpleName() + (m == null ? "" : ": " + m);
    }

    private static String hex(byte[] b, int n) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < Math.min(n, b.length); i++) {
            sb.append(String.format("%02x", b[i] & 0xff));
        }
        return sb.toString();
    }
}
