package io.hiertag.image;

import io.hiertag.image.InvalidImageException.Reason;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

/**
 * GIF, BMP and TIFF through the JDK's ImageIO readers, WebP through TwelveMonkeys' (a dependency; the JDK has
 * none): the first image of the file, its size read from the header before it is decoded, and its samples as
 * stored, turned into an {@link RgbImage} without the colour management of {@code BufferedImage.getRGB}.
 *
 * <p>These readers throw on a truncated or corrupt file, with one exception handled here: TwelveMonkeys decodes a
 * truncated lossless WebP without complaint, so a WebP must hold as many bytes as its RIFF header declares. Their
 * warnings are not listened to: they concern metadata (an ICC profile they ignore) that is ignored anyway.
 */
final class RasterDecoder {

    private RasterDecoder() {
    }

    static BufferedImage decode(ImageFormat format, byte[] bytes, PixelLimit limit) throws InvalidImageException {
        if (format == ImageFormat.WEBP) {
            checkRiffLength(bytes);
        }
        Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName(format.settingName());
        if (!readers.hasNext()) {
            throw new InvalidImageException(Reason.UNSUPPORTED_FORMAT, "no " + format.displayName()
                    + " decoder is available");
        }
        ImageReader reader = readers.next();
        // In memory: ImageIO's default stream for a byte array would cache it in a temporary file.
        try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes))) {
            reader.setInput(in, true, true);
            limit.check(format, reader.getWidth(0), reader.getHeight(0));
            // The raw type: the samples as stored. With the default one TwelveMonkeys converts a WebP with an ICC
            // profile to sRGB, which PIL does not do.
            ImageReadParam param = reader.getDefaultReadParam();
            param.setDestinationType(reader.getRawImageType(0));
            return RgbImage.fromSamples(reader.read(0, param), format.displayName());
        } catch (IOException | RuntimeException e) {
            throw new InvalidImageException(Reason.UNREADABLE_IMAGE, "the bytes start like a " + format.displayName()
                    + " image but cannot be decoded (" + describe(e) + "); the file is truncated or corrupt");
        } finally {
            reader.dispose();
        }
    }

    /** RIFF's size field counts the bytes after its first 8. */
    private static void checkRiffLength(byte[] b) throws InvalidImageException {
        long declared = 8 + Bytes.u32(b, 4, true);
        if (b.length < declared) {
            throw new InvalidImageException(Reason.UNREADABLE_IMAGE, "the WebP image is truncated: its header "
                    + "declares " + declared + " bytes, the file has " + b.length);
        }
    }

    static String describe(Exception e) {
        String m = e.getMessage();
        return e.getClass().getSimpleName() + (m == null ? "" : ": " + m.lines().findFirst().orElse(""));
    }
}
