package io.hiertag.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hiertag.PilCorpus;
import io.hiertag.model.TensorFlowJpegPngDecoder;
import java.awt.image.BufferedImage;
import java.awt.image.DataBuffer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every file of the {@link PilCorpus} decoded to the pixels PIL's {@code convert("RGB")} gives, or refused for the
 * reason listed, through the decoder the stream uses (TensorFlow for JPEG and PNG, ImageIO for the rest).
 */
class ImageDecoderPilTest {

    @TempDir
    static Path dir;
    private static Path corpus;
    private static final ImageDecoder DECODER = new ImageDecoder(10_000_000, 50_000_000,
            TensorFlowJpegPngDecoder.instance());

    @BeforeAll
    static void writeCorpus() throws Exception {
        corpus = PilCorpus.write(dir);
    }

    /** Most formats equal PIL exactly; where not, the largest difference allowed says by how much and why. */
    @ParameterizedTest(name = "{0} within {1}")
    @CsvSource({
        "baseline.jpg, 0", "progressive.jpg, 0", "grey.jpg, 0", "subsampling-444.jpg, 0",
        "icc-profile.jpg, 0",
        // TensorFlow's CMYK to RGB rounds down where PIL rounds to nearest.
        "cmyk-adobe.jpg, 1", "cmyk-no-adobe.jpg, 1", "ycck.jpg, 1",
        "rgb.png, 0", "grey.png, 0", "bilevel.png, 0", "palette.png, 0", "palette-transparency.png, 0",
        "rgba.png, 0", "grey-alpha.png, 0", "icc-profile.png, 0", "animated.png, 0", "rgb16.png, 0",
        "grey16.png, 0", // against its top 8 bits, see pil_corpus.py
        "rgb.gif, 0", "transparent.gif, 0", "animated.gif, 0",
        "rgb.bmp, 0", "palette.bmp, 0", "bilevel.bmp, 0",
        "rgb.tif, 0", "lzw.tif, 0", "deflate.tif, 0", "jpeg.tif, 0", "grey.tif, 0", "bilevel.tif, 0",
        "rgba.tif, 0", "cmyk.tif, 0", "icc-profile.tif, 0", "pages.tif, 0",
        "grey16.tif, 0", // as grey16.png
        // The JDK scales TIFF's 16-bit colour map by 255/65535, PIL keeps the top 8 bits; PIL's own entries are
        // multiples of 256, one level below after scaling (libtiff's, multiples of 257, come out equal).
        "palette.tif, 1",
        "lossless.webp, 0", "lossless-alpha.webp, 0", "icc-profile.webp, 0", "animated.webp, 0",
    })
    void decodesWhatPilDecodes(String name, int maxDifference) throws Exception {
        Difference d = difference(name);
        assertTrue(d.max() <= maxDifference, name + ": " + d + ", allowed " + maxDifference);
    }

    /**
     * TwelveMonkeys' VP8 decoder is not bit-exact with libwebp, PIL's (it upsamples chroma differently): close,
     * but not equal. Before 3.15.0 its intra prediction drifted, a tint that these bounds catch.
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource({"lossy.webp", "lossy-alpha.webp"})
    void lossyWebpIsCloseToLibwebp(String name) throws Exception {
        Difference d = difference(name);
        assertTrue(d.mean() < 1.5 && d.max() <= 48, name + ": " + d);
    }

    @ParameterizedTest(name = "{0} is refused as {1}")
    @CsvSource(delimiter = '|', value = {
        "image.heic | UNSUPPORTED_FORMAT | HEIC",
        "image.avif | UNSUPPORTED_FORMAT | AVIF",
        "image.svg | UNSUPPORTED_FORMAT | SVG",
        "image.jp2 | UNSUPPORTED_FORMAT | JPEG 2000",
        "image.jxl | UNSUPPORTED_FORMAT | JPEG XL",
        "image.psd | UNSUPPORTED_FORMAT | PSD",
        "image.ico | UNSUPPORTED_FORMAT | ICO",
        "image.pdf | UNSUPPORTED_FORMAT | PDF",
        "crc-idat.png | UNREADABLE_IMAGE | IDAT chunk at byte",
        "crc-text.png | UNREADABLE_IMAGE | tEXt chunk at byte",
        "truncated-baseline.jpg | UNREADABLE_IMAGE | JPEG",
        "truncated-rgb.png | UNREADABLE_IMAGE | truncated",
        "truncated-rgb.gif | UNREADABLE_IMAGE | GIF",
        "truncated-rgb.bmp | UNREADABLE_IMAGE | BMP",
        "truncated-rgb.tif | UNREADABLE_IMAGE | TIFF",
        "truncated-lossless.webp | UNREADABLE_IMAGE | truncated",
        "truncated-lossy.webp | UNREADABLE_IMAGE | truncated",
        "bomb.jpg | TOO_MANY_PIXELS | 60000x60000",
        "bomb.gif | TOO_MANY_PIXELS | 60000x60000",
    })
    void refusesWithAReasonThatNamesWhatWasFound(String name, String reason, String named) throws Exception {
        byte[] bytes = Files.readAllBytes(corpus.resolve(name));
        InvalidImageException e = assertThrows(InvalidImageException.class, () -> DECODER.decode(bytes), name);
        assertEquals(reason, e.reason().name(), e.getMessage());
        assertTrue(e.getMessage().contains(named), e.getMessage());
        if (e.reason() == InvalidImageException.Reason.UNSUPPORTED_FORMAT) {
            assertTrue(e.getMessage().contains("accepted formats: jpeg, png, gif, bmp, tiff, webp"), e.getMessage());
        }
    }

    /** How far the decoded pixels are from PIL's over all samples, and how many differ. */
    private record Difference(int max, double mean, long count) {}

    private static Difference difference(String name) throws IOException, InvalidImageException {
        BufferedImage img = DECODER.decode(Files.readAllBytes(corpus.resolve(name)));
        // The decoder's output type, which the preprocessor reads straight from its bytes.
        assertFalse(img.getColorModel().hasAlpha(), name);
        assertEquals(3, img.getRaster().getNumBands(), name);
        assertEquals(DataBuffer.TYPE_BYTE, img.getRaster().getDataBuffer().getDataType(), name);
        byte[] expected = PilCorpus.reference(corpus, name);
        int[] actual = img.getRaster().getPixels(0, 0, img.getWidth(), img.getHeight(), (int[]) null);
        assertEquals(expected.length, actual.length, name + ": size " + img.getWidth() + "x" + img.getHeight());
        int max = 0;
        long sum = 0;
        long count = 0;
        for (int i = 0; i < expected.length; i++) {
            int d = Math.abs((expected[i] & 0xff) - actual[i]);
            max = Math.max(max, d);
            sum += d;
            count += d == 0 ? 0 : 1;
        }
        return new Difference(max, (double) sum / expected.length, count);
    }
}
