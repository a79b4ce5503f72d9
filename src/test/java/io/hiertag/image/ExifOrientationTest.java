package io.hiertag.image;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.hiertag.model.TensorFlowJpegPngDecoder;
import io.hiertag.samples.SampleImages;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

/** EXIF orientation: read from a real JPEG's APP1 segment and applied so the image shows as the camera meant. */
class ExifOrientationTest {

    /** A 3×2 image with every pixel distinct, so any transform is visible exactly. */
    private static BufferedImage grid() {
        BufferedImage img = new BufferedImage(3, 2, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 2; y++) {
            for (int x = 0; x < 3; x++) {
                img.setRGB(x, y, 0x10 * (y * 3 + x + 1));
            }
        }
        return img;
    }

    /** Pixel ids (1..6) of an image, row by row. */
    private static String ids(BufferedImage img) {
        StringBuilder sb = new StringBuilder();
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                sb.append((img.getRGB(x, y) & 0xff) / 0x10);
            }
            sb.append('/');
        }
        return sb.toString();
    }

    @Test
    void everyOrientationShowsTheStoredPixelsTheWayTheSpecDefinesIt() {
        // Stored: 123/456. Orientation 6 means "turn 90° clockwise to view": the left column 1,4 becomes the top.
        assertEquals("123/456/", ids(ExifOrientation.apply(grid(), 1)));
        assertEquals("321/654/", ids(ExifOrientation.apply(grid(), 2)));
        assertEquals("654/321/", ids(ExifOrientation.apply(grid(), 3)));
        assertEquals("456/123/", ids(ExifOrientation.apply(grid(), 4)));
        assertEquals("14/25/36/", ids(ExifOrientation.apply(grid(), 5)));
        assertEquals("41/52/63/", ids(ExifOrientation.apply(grid(), 6)));
        assertEquals("63/52/41/", ids(ExifOrientation.apply(grid(), 7)));
        assertEquals("36/25/14/", ids(ExifOrientation.apply(grid(), 8)));
    }

    @Test
    void theOrientationIsReadFromBigAndLittleEndianExifAndDefaultsToNormal() throws Exception {
        byte[] plain = SampleImages.jpeg(SampleImages.generate(1, 1, 40, 20));
        assertEquals(ExifOrientation.NORMAL, JpegHeader.read(plain).orientation());
        assertEquals(6, JpegHeader.read(withExif(plain, 6, ByteOrder.BIG_ENDIAN)).orientation());
        assertEquals(8, JpegHeader.read(withExif(plain, 8, ByteOrder.LITTLE_ENDIAN)).orientation());
        assertEquals(ExifOrientation.NORMAL, JpegHeader.read(new byte[] {(byte) 0xFF, (byte) 0xD8}).orientation());
    }

    @Test
    void theDecoderHonoursIt() throws Exception {
        byte[] landscape = SampleImages.jpeg(SampleImages.generate(1, 2, 40, 20));
        BufferedImage shown = new ImageDecoder(1 << 20, 1 << 20, TensorFlowJpegPngDecoder.instance())
                .decode(withExif(landscape, 6, ByteOrder.BIG_ENDIAN));
        assertEquals(20, shown.getWidth());
        assertEquals(40, shown.getHeight());
    }

    /** Inserts an APP1 Exif segment holding one IFD0 entry, Orientation, right after the SOI marker. */
    static byte[] withExif(byte[] jpeg, int orientation, ByteOrder order) throws Exception {
        ByteBuffer tiff = ByteBuffer.allocate(8 + 2 + 12 + 4).order(order);
        tiff.put(order == ByteOrder.BIG_ENDIAN ? new byte[] {'M', 'M'} : new byte[] {'I', 'I'});
        tiff.putShort((short) 42).putInt(8);
        tiff.putShort((short) 1);
        tiff.putShort((short) 0x0112).putShort((short) 3).putInt(1).putShort((short) orientation).putShort((short) 0);
        tiff.putInt(0);
        byte[] body = tiff.array();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(jpeg, 0, 2);
        out.write(0xFF);
        out.write(0xE1);
        int length = 2 + 6 + body.length;
        out.write(length >> 8);
        out.write(length & 0xff);
        out.write(new byte[] {'E', 'x', 'i', 'f', 0, 0});
        out.write(body);
        out.write(jpeg, 2, jpeg.length - 2);
        return out.toByteArray();
    }
}
