package io.hiertag.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hiertag.samples.SampleImages;
import java.awt.image.BufferedImage;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class ImageDecoderTest {

    private final ImageDecoder decoder = new ImageDecoder(1_000_000, 4_000_000);

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
        assertEquals("UNSUPPORTED_FORMAT", errorType("GIF89a...".getBytes()));
        byte[] jpeg = SampleImages.jpeg(SampleImages.generate(1, 1, 100, 100));
        assertEquals("UNREADABLE_IMAGE", errorType(Arrays.copyOf(jpeg, 40)));
        // ImageIO decodes a JPEG cut in half into a grey-filled image with a warning: still refused.
        assertEquals("UNREADABLE_IMAGE", errorType(Arrays.copyOf(jpeg, jpeg.length / 2)));
        byte[] png = SampleImages.png(SampleImages.generate(1, 2, 100, 100));
        assertEquals("UNREADABLE_IMAGE", errorType(Arrays.copyOf(png, png.length / 2)));
        assertEquals("TOO_LARGE", errorType(new byte[1_000_001]));
    }

    @Test
    void aHugeImageIsRefusedFromItsHeaderWithoutDecoding() throws Exception {
        byte[] bomb = SampleImages.pngHeaderClaiming(100_000, 100_000);
        assertTrue(bomb.length < 100);
        InvalidImageException e = assertThrows(InvalidImageException.class, () -> decoder.decode(bomb));
        assertEquals("TOO_MANY_PIXELS", e.reason().name());
        assertTrue(e.getMessage().contains("100000x100000"), e.getMessage());
    }

    private String errorType(byte[] bytes) {
        return assertThrows(InvalidImageException.class, () -> decoder.decode(bytes)).reason().name();
    }
}
