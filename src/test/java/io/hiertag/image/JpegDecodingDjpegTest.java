package io.hiertag.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.hiertag.model.TensorFlowJpegPngDecoder;
import io.hiertag.testing.ExternalTool;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Each IDCT and each DCT-domain reduction gives exactly the pixels of libjpeg-turbo's own {@code djpeg} (Debian's
 * libjpeg-turbo-progs) with the same settings, {@code -dct int} or {@code -dct fast} and {@code -scale 1/N}; and
 * fast decoding picks the largest reduction that keeps the shorter side at least the minimum asked for.
 */
class JpegDecodingDjpegTest {

    private static final Path DJPEG = Path.of("/usr/bin/djpeg");

    @TempDir
    static Path work;
    private static Path photo;
    private static Path odd;
    private static Path grey;

    @BeforeAll
    static void writeJpegs() throws IOException {
        ExternalTool.require(Files.isExecutable(DJPEG), DJPEG + " (apt-get install libjpeg-turbo-progs)");
        try (InputStream in = JpegDecodingDjpegTest.class.getResourceAsStream("/hiertag/bench/photos/chelsea.jpg")) {
            photo = Files.write(work.resolve("photo.jpg"), in.readAllBytes());
        }
        BufferedImage image = ImageIO.read(photo.toFile());
        odd = work.resolve("odd.jpg"); // ImageIO's 4:2:0 at sizes that are no multiple of the 16-pixel MCU
        ImageIO.write(image.getSubimage(13, 7, 333, 251), "jpeg", odd.toFile());
        BufferedImage g = new BufferedImage(333, 251, BufferedImage.TYPE_BYTE_GRAY);
        g.getGraphics().drawImage(image, 0, 0, null);
        grey = work.resolve("grey.jpg");
        ImageIO.write(g, "jpeg", grey.toFile());
    }

    /** Photo 500×375: a shorter side of 375 becomes 188, 94 and 47 at 1/2, 1/4 and 1/8 (libjpeg rounds up). */
    @ParameterizedTest
    @CsvSource({
        "PIL, 0, 1", "TF, 0, 1", "PIL, 188, 2", "TF, 188, 2", "PIL, 189, 1", "PIL, 94, 4", "TF, 94, 4",
        "PIL, 47, 8", "TF, 47, 8", "PIL, 1, 8",
    })
    void photoEqualsDjpeg(JpegDecoding decoding, int minSide, int expectedScale) throws Exception {
        BufferedImage ours = decoder(decoding, minSide).decode(Files.readAllBytes(photo));
        assertEquals((375 + expectedScale - 1) / expectedScale, ours.getHeight(), "scale 1/" + expectedScale);
        assertArrayEquals(djpeg(photo, decoding, expectedScale), pixels(ours));
    }

    @ParameterizedTest
    @CsvSource({"PIL, 0, 1", "TF, 0, 1", "TF, 63, 4", "PIL, 63, 4", "PIL, 126, 2"})
    void oddSizesAndGreyEqualDjpeg(JpegDecoding decoding, int minSide, int scale) throws Exception {
        for (Path file : List.of(odd, grey)) {
            assertArrayEquals(djpeg(file, decoding, scale), pixels(decoder(decoding, minSide)
                    .decode(Files.readAllBytes(file))), file.getFileName() + " 1/" + scale);
        }
    }

    /** Else the comparisons above could not tell them apart; libjpeg's 1/4 and 1/8 IDCTs have one variant only. */
    @ParameterizedTest
    @CsvSource({"1, true", "2, true", "4, false", "8, false"})
    void theTwoIdctsDifferAtFullAndHalfScale(int scale, boolean differ) throws Exception {
        byte[] accurate = djpeg(photo, JpegDecoding.PIL, scale);
        byte[] fast = djpeg(photo, JpegDecoding.TF, scale);
        assertEquals(differ, !Arrays.equals(accurate, fast));
    }

    private static ImageDecoder decoder(JpegDecoding decoding, int minSide) {
        return new ImageDecoder(10_000_000, 50_000_000, TensorFlowJpegPngDecoder.instance())
                .forModel(decoding, minSide);
    }

    private static byte[] pixels(BufferedImage image) {
        return ((DataBufferByte) image.getRaster().getDataBuffer()).getData();
    }

    /** {@code djpeg}'s decoding as interleaved RGB, grey replicated as our decoder gives it. */
    private static byte[] djpeg(Path jpeg, JpegDecoding decoding, int scale) throws Exception {
        Path out = work.resolve(jpeg.getFileName() + "-" + decoding + "-" + scale + ".pnm");
        ExternalTool.Result r = ExternalTool.run(List.of(DJPEG.toString(), "-dct",
                decoding == JpegDecoding.PIL ? "int" : "fast", "-scale", "1/" + scale, "-outfile", out.toString(),
                jpeg.toString()), Duration.ofSeconds(30), work);
        assertEquals(0, r.exitCode(), r.output());
        byte[] pnm = Files.readAllBytes(out);
        // P5 (grey) or P6 (RGB), width, height, 255, one whitespace byte, then the samples.
        int pos = 0;
        String[] fields = new String[4];
        for (int f = 0; f < 4; f++) {
            while (Character.isWhitespace(pnm[pos])) {
                pos++;
            }
            int start = pos;
            while (!Character.isWhitespace(pnm[pos])) {
                pos++;
            }
            fields[f] = new String(pnm, start, pos - start, StandardCharsets.US_ASCII);
        }
        pos++;
        int samples = Integer.parseInt(fields[1]) * Integer.parseInt(fields[2]);
        if (fields[0].equals("P6")) {
            return Arrays.copyOfRange(pnm, pos, pos + samples * 3);
        }
        ByteArrayOutputStream rgb = new ByteArrayOutputStream(samples * 3);
        for (int i = 0; i < samples; i++) {
            rgb.write(pnm[pos + i]);
            rgb.write(pnm[pos + i]);
            rgb.write(pnm[pos + i]);
        }
        return rgb.toByteArray();
    }
}
