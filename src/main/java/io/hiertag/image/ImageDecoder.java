package io.hiertag.image;

import io.hiertag.image.InvalidImageException.Reason;
import java.awt.image.BufferedImage;
import java.util.EnumSet;
import java.util.Set;

/**
 * Turns encoded image bytes into an {@link RgbImage}, refusing what we cannot or should not decode. The format is
 * sniffed from the bytes (never trusted from a content type) and the size is read from the header before the
 * full decode, so a small file that claims a huge image is refused without allocating it. JPEG and PNG go to a
 * {@link JpegPngDecoder}; GIF, BMP, TIFF and WebP to ImageIO ({@link RasterDecoder}). The EXIF orientation of a
 * JPEG is applied afterwards (a product choice: PIL's references do not turn images).
 *
 * <p>A model's decoder ({@link #forModel}) decodes JPEGs with the IDCT its contract names and, when fast decoding
 * is on, lets libjpeg shrink a large JPEG by 2, 4 or 8 in the DCT domain: by the largest factor that leaves the
 * shorter side at least {@code minSide} (twice the model's input, so the resize still has more pixels than it
 * keeps). That skips most of the decoding work but changes the pixels a little: bench figure (i) reports how
 * much.
 */
public final class ImageDecoder {

    private final long maxBytes;
    private final long maxPixels;
    private final Set<ImageFormat> allowed;
    private final JpegPngDecoder jpegPng;
    private final JpegDecoding jpegDecoding;
    private final int fastDecodeMinSide;

    /**
     * @param allowed formats to accept, among {@link ImageFormat#DECODABLE}
     * @param jpegPng decodes the JPEG and PNG images
     */
    public ImageDecoder(long maxBytes, long maxPixels, Set<ImageFormat> allowed, JpegPngDecoder jpegPng) {
        if (!ImageFormat.DECODABLE.containsAll(allowed)) {
            throw new IllegalArgumentException("cannot decode " + allowed);
        }
        this.maxBytes = maxBytes;
        this.maxPixels = maxPixels;
        this.allowed = allowed.isEmpty() ? EnumSet.noneOf(ImageFormat.class) : EnumSet.copyOf(allowed);
        this.jpegPng = jpegPng;
        this.jpegDecoding = JpegDecoding.PIL;
        this.fastDecodeMinSide = 0;
    }

    private ImageDecoder(ImageDecoder limits, JpegDecoding jpegDecoding, int fastDecodeMinSide) {
        this.maxBytes = limits.maxBytes;
        this.maxPixels = limits.maxPixels;
        this.allowed = limits.allowed;
        this.jpegPng = limits.jpegPng;
        this.jpegDecoding = jpegDecoding;
        this.fastDecodeMinSide = fastDecodeMinSide;
    }

    /** Every decodable format allowed. */
    public ImageDecoder(long maxBytes, long maxPixels, JpegPngDecoder jpegPng) {
        this(maxBytes, maxPixels, ImageFormat.DECODABLE, jpegPng);
    }

    /**
     * The same limits, decoding JPEGs as a model wants them.
     *
     * @param jpegDecoding the IDCT the model's contract names
     * @param fastDecodeMinSide with fast decoding, the shortest side a DCT-domain reduction may leave; 0: off
     */
    public ImageDecoder forModel(JpegDecoding jpegDecoding, int fastDecodeMinSide) {
        return new ImageDecoder(this, jpegDecoding, fastDecodeMinSide);
    }

    public BufferedImage decode(byte[] bytes) throws InvalidImageException {
        ImageFormat format = check(bytes);
        switch (format) {
            case JPEG -> {
                JpegHeader header = JpegHeader.read(bytes);
                checkPixels(format, header.width(), header.height());
                int scale = jpegScale(Math.min(header.width(), header.height()));
                return ExifOrientation.apply(jpegPng.decodeJpeg(bytes, header, jpegDecoding, scale),
                        header.orientation());
            }
            case PNG -> {
                PngChunks.verify(bytes, this::checkPixels);
                return jpegPng.decodePng(bytes);
            }
            default -> {
                return RasterDecoder.decode(format, bytes, this::checkPixels);
            }
        }
    }

    /** Checks size and format from the bytes alone; cheap enough to run before buffering. */
    public ImageFormat check(byte[] bytes) throws InvalidImageException {
        if (bytes == null || bytes.length == 0) {
            throw new InvalidImageException(Reason.EMPTY_IMAGE, "the image has no bytes");
        }
        if (bytes.length > maxBytes) {
            throw new InvalidImageException(Reason.TOO_LARGE, "the image has " + bytes.length
                    + " bytes, over the limit of " + maxBytes + " (setting input.max-bytes)");
        }
        ImageFormat f = ImageFormat.sniff(bytes);
        if (f == null) {
            throw new InvalidImageException(Reason.UNSUPPORTED_FORMAT, "the bytes are not an image format we know "
                    + "(first bytes " + hex(bytes, 8) + "); accepted formats: " + ImageFormat.settingNames(allowed));
        }
        if (!f.decodable()) {
            throw new InvalidImageException(Reason.UNSUPPORTED_FORMAT, "the image is " + f.displayName()
                    + " (recognised from its first bytes), which cannot be decoded; accepted formats: "
                    + ImageFormat.settingNames(allowed) + ". Convert it to one of them before publishing");
        }
        if (!allowed.contains(f)) {
            throw new InvalidImageException(Reason.UNSUPPORTED_FORMAT, "the image is " + f.displayName()
                    + ", not one of the allowed formats " + ImageFormat.settingNames(allowed)
                    + " (setting input.formats)");
        }
        return f;
    }

    /** The largest libjpeg reduction that leaves the shorter side (rounded up, as libjpeg does) long enough. */
    private int jpegScale(int shorterSide) {
        if (fastDecodeMinSide <= 0) {
            return 1;
        }
        int[] scales = JpegPngDecoder.SCALES;
        for (int i = scales.length - 1; i > 0; i--) {
            if ((shorterSide + scales[i] - 1) / scales[i] >= fastDecodeMinSide) {
                return scales[i];
            }
        }
        return 1;
    }

    private void checkPixels(ImageFormat format, long w, long h) throws InvalidImageException {
        if (w <= 0 || h <= 0) {
            throw new InvalidImageException(Reason.UNREADABLE_IMAGE, "the " + format.displayName() + " header gives "
                    + "an empty " + w + "x" + h + " image, or none; the file is truncated or corrupt");
        }
        if (w * h > maxPixels) {
            throw new InvalidImageException(Reason.TOO_MANY_PIXELS, "the " + format.displayName() + " header claims "
                    + w + "x" + h + " = " + (w * h) + " pixels, over the limit of " + maxPixels
                    + " (setting input.max-pixels); resize the image before publishing");
        }
    }

    private static String hex(byte[] b, int n) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < Math.min(n, b.length); i++) {
            sb.append(String.format("%02x", b[i] & 0xff));
        }
        return sb.toString();
    }
}
