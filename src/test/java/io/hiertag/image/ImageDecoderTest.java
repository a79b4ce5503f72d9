package io.hiertag.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hiertag.model.TensorFlowJpegPngDecoder;
import io.hiertag.samples.SampleImages;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.EnumSet;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class ImageDecoderTest {

    private final ImageDecoder decoder = new ImageDecoder(1_000_000, 4_000_000, TensorFlowJpegPngDecoder.instance());

    @Test
    void decodesPngAndJpeg() throws Exception {
        BufferedImage img = SampleImages.generate(1, 0, 120, 80);
        BufferedImage png = decoder.decode(SampleImages.png(img));
        BufferedImage jpeg = decoder.decode(SampleImages.jpeg(img));
        assertEquals(120, png.getWidth());
        assertEquals(80, jpeg.getHeight());
        assertEquals(img.getRGB(5, 5), png.getRGB(5, 5));
    }

    @Test
    void eachKindOfBadInputHasItsOwnErrorType() {
        assertEquals("EMPTY_IMAGE", errorType(new byte[0]));
        assertEquals("UNSUPPORTED_FORMAT", errorType("hello, world".getBytes(StandardCharsets.US_ASCII)));
        byte[] jpeg = SampleImages.jpeg(SampleImages.generate(1, 1, 100, 100));
        assertEquals("UNREADABLE_IMAGE", errorType(Arrays.copyOf(jpeg, 40)));
        assertEquals("UNREADABLE_IMAGE", errorType(Arrays.copyOf(jpeg, jpeg.length / 2)));
        byte[] png = SampleImages.png(SampleImages.generate(1, 2, 100, 100));
        assertEquals("UNREADABLE_IMAGE", errorType(Arrays.copyOf(png, png.length / 2)));
        assertEquals("TOO_LARGE", errorType(new byte[1_000_001]));
    }

    @Test
    void aHugeImageIsRefusedFromItsHeaderWithoutDecoding() {
        JpegPngDecoder never = new JpegPngDecoder() {
            @Override
            public BufferedImage decodeJpeg(byte[] jpeg, JpegHeader header, JpegDecoding decoding, int scale) {
                throw new AssertionError("decoded a JPEG bomb");
            }

            @Override
            public BufferedImage decodePng(byte[] png) {
                throw new AssertionError("decoded a PNG bomb");
            }
        };
        byte[] bomb = SampleImages.pngHeaderClaiming(100_000, 100_000);
        assertTrue(bomb.length < 100);
        InvalidImageException e = assertThrows(InvalidImageException.class,
                () -> new ImageDecoder(1_000_000, 4_000_000, never).decode(bomb));
        assertEquals("TOO_MANY_PIXELS", e.reason().name());
        assertTrue(e.getMessage().contains("100000x100000"), e.getMessage());
    }

    @Test
    void aFormatLeftOutOfTheSettingIsRefusedByName() throws Exception {
        ImageDecoder jpegAndPng = new ImageDecoder(1_000_000, 4_000_000, EnumSet.of(ImageFormat.JPEG,
                ImageFormat.PNG), TensorFlowJpegPngDecoder.instance());
        ByteArrayOutputStream gif = new ByteArrayOutputStream();
        ImageIO.write(SampleImages.generate(1, 3, 40, 30), "gif", gif);
        assertEquals(40, decoder.decode(gif.toByteArray()).getWidth());
        InvalidImageException e = assertThrows(InvalidImageException.class,
                () -> jpegAndPng.decode(gif.toByteArray()));
        assertEquals("UNSUPPORTED_FORMAT", e.reason().name());
        assertEquals("the image is GIF, not one of the allowed formats jpeg, png (setting input.formats)",
                e.getMessage());
    }

    @Test
    void formatsAreRecognisedByTheirMagicBytesAlone() {
        assertEquals(ImageFormat.BMP, ImageFormat.sniff(bmpHeader(40)));
        assertNull(ImageFormat.sniff(bmpHeader(7)), "BM and a DIB header size no BMP has");
        assertNull(ImageFormat.sniff("BMW: a car, not a bitmap".getBytes(StandardCharsets.US_ASCII)));
        assertEquals(ImageFormat.SVG, ImageFormat.sniff("\uFEFF  <svg xmlns='http://www.w3.org/2000/svg'/>"
                .getBytes(StandardCharsets.UTF_8)));
        assertNull(ImageFormat.sniff("<?xml version='1.0'?><feed/>".getBytes(StandardCharsets.UTF_8)),
                "XML without an svg element");
        assertNull(ImageFormat.sniff(isoMedia("isom", "mp41")), "an MP4 video");
        assertEquals(ImageFormat.AVIF, ImageFormat.sniff(isoMedia("mif1", "avif")), "AVIF as a compatible brand");
        assertEquals(ImageFormat.HEIC, ImageFormat.sniff(isoMedia("heic", "mif1")));
    }

    private static byte[] bmpHeader(int dibHeaderSize) {
        byte[] b = new byte[54];
        b[0] = 'B';
        b[1] = 'M';
        b[14] = (byte) dibHeaderSize;
        return b;
    }

    private static byte[] isoMedia(String major, String compatible) {
        return ("\0\0\0\24ftyp" + major + "\0\0\0\0" + compatible + "\0\0\0\0").getBytes(StandardCharsets.ISO_8859_1);
    }

    private String errorType(byte[] bytes) {
        return assertThrows(InvalidImageException.class, () -> decoder.decode(bytes)).reason().name();
    }
}
