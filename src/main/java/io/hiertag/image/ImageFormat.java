package io.hiertag.image;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Image formats as recognised from their first bytes (never from a file name or content type): the six we
 * decode, and others that people publish and that we name in the dead letter instead of calling them unknown.
 */
public enum ImageFormat {
    JPEG("JPEG", true),
    PNG("PNG", true),
    GIF("GIF", true),
    BMP("BMP", true),
    TIFF("TIFF", true),
    WEBP("WebP", true),
    HEIC("HEIC/HEIF", false),
    AVIF("AVIF", false),
    SVG("SVG", false),
    JPEG_2000("JPEG 2000", false),
    JPEG_XL("JPEG XL", false),
    PSD("Photoshop PSD", false),
    ICO("ICO", false),
    PDF("PDF", false);

    /** The formats we can decode, in the order they are listed to users. */
    public static final Set<ImageFormat> DECODABLE = Arrays.stream(values()).filter(ImageFormat::decodable)
            .collect(Collectors.toCollection(() -> EnumSet.noneOf(ImageFormat.class)));

    /**
     * File-name endings of the decodable formats, lower case. Only for picking images out of a folder: the
     * format of the bytes themselves is always sniffed.
     */
    public static final List<String> FILE_EXTENSIONS = List.of(".jpg", ".jpeg", ".png", ".gif", ".bmp", ".tif",
            ".tiff", ".webp");

    private static final Set<String> AVIF_BRANDS = Set.of("avif", "avis");
    private static final Set<String> HEIF_BRANDS = Set.of("heic", "heix", "heim", "heis", "hevc", "hevx", "hevm",
            "hevs", "mif1", "msf1");
    // What a DIB header's first field (its own length) may be: the BITMAP*HEADER sizes Windows and OS/2 define.
    private static final Set<Integer> BMP_HEADER_SIZES = Set.of(12, 16, 40, 52, 56, 64, 108, 124);

    private final String displayName;
    private final boolean decodable;

    ImageFormat(String displayName, boolean decodable) {
        this.displayName = displayName;
        this.decodable = decodable;
    }

    /** How people call it, e.g. {@code JPEG 2000}. */
    public String displayName() {
        return displayName;
    }

    public boolean decodable() {
        return decodable;
    }

    /** The name in setting {@code input.formats}, e.g. {@code webp}. */
    public String settingName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The setting names of the given formats, e.g. {@code jpeg, png}. */
    public static String settingNames(Set<ImageFormat> formats) {
        return formats.stream().map(ImageFormat::settingName).collect(Collectors.joining(", "));
    }

    /** Whether a file name ends like an image we decode (see {@link #FILE_EXTENSIONS}). */
    public static boolean hasImageFileName(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        return FILE_EXTENSIONS.stream().anyMatch(name::endsWith);
    }

    /** The format the bytes start like, or null when they look like none of these. */
    public static ImageFormat sniff(byte[] b) {
        if (startsWith(b, 0, 0xFF, 0xD8, 0xFF)) {
            return JPEG;
        }
        if (startsWith(b, 0, 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A)) {
            return PNG;
        }
        if (Bytes.ascii(b, 0, 6).equals("GIF87a") || Bytes.ascii(b, 0, 6).equals("GIF89a")) {
            return GIF;
        }
        if (Bytes.ascii(b, 0, 2).equals("BM") && b.length >= 18
                && BMP_HEADER_SIZES.contains((int) Bytes.u32(b, 14, true))) {
            return BMP;
        }
        if (startsWith(b, 0, 'I', 'I', 42, 0) || startsWith(b, 0, 'M', 'M', 0, 42)) {
            return TIFF;
        }
        if (Bytes.ascii(b, 0, 4).equals("RIFF") && Bytes.ascii(b, 8, 4).equals("WEBP")) {
            return WEBP;
        }
        if (Bytes.ascii(b, 4, 4).equals("ftyp")) {
            return isoMedia(b);
        }
        if (startsWith(b, 0, 0, 0, 0, 0x0C, 'j', 'P', ' ', ' ', 0x0D, 0x0A, 0x87, 0x0A)
                || startsWith(b, 0, 0xFF, 0x4F, 0xFF, 0x51)) {
            return JPEG_2000;
        }
        if (startsWith(b, 0, 0, 0, 0, 0x0C, 'J', 'X', 'L', ' ', 0x0D, 0x0A, 0x87, 0x0A)
                || startsWith(b, 0, 0xFF, 0x0A)) {
            return JPEG_XL;
        }
        if (Bytes.ascii(b, 0, 4).equals("8BPS")) {
            return PSD;
        }
        if (Bytes.ascii(b, 0, 5).equals("%PDF-")) {
            return PDF;
        }
        // Icons and cursors: reserved 0, type 1 or 2, at least one image.
        if (startsWith(b, 0, 0, 0) && (startsWith(b, 2, 1, 0) || startsWith(b, 2, 2, 0)) && b.length >= 6
                && (b[4] != 0 || b[5] != 0)) {
            return ICO;
        }
        return isSvg(b) ? SVG : null;
    }

    /** HEIF and AVIF are ISO media files; the brands in their {@code ftyp} box say which. */
    private static ImageFormat isoMedia(byte[] b) {
        int boxEnd = (int) Math.min(b.length, Bytes.u32(b, 0, false));
        boolean heif = false;
        for (int p = 8; p + 4 <= boxEnd; p += p == 8 ? 8 : 4) { // major brand, minor version, compatible brands
            String brand = Bytes.ascii(b, p, 4);
            if (AVIF_BRANDS.contains(brand)) {
                return AVIF;
            }
            heif |= HEIF_BRANDS.contains(brand);
        }
        return heif ? HEIC : null;
    }

    /** An XML or bare document whose first kilobyte opens an {@code <svg} element. */
    private static boolean isSvg(byte[] b) {
        String head = new String(b, 0, Math.min(b.length, 1024), StandardCharsets.ISO_8859_1).toLowerCase(Locale.ROOT);
        String start = head.replaceFirst("^(\u00ef\u00bb\u00bf)?\\s*", "");
        return (start.startsWith("<?xml") || start.startsWith("<svg") || start.startsWith("<!doctype svg"))
                && head.contains("<svg");
    }

    private static boolean startsWith(byte[] b, int at, int... expected) {
        if (b.length < at + expected.length) {
            return false;
        }
        for (int i = 0; i < expected.length; i++) {
            if ((b[at + i] & 0xff) != expected[i]) {
                return false;
            }
        }
        return true;
    }
}
