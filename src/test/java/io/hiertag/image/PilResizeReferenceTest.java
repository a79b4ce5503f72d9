package io.hiertag.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hiertag.model.TensorFlowJpegPngDecoder;
import io.hiertag.testing.ExternalTool;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code pil-bicubic} and {@code pil-bilinear} against the references themselves: torchvision's
 * {@code Compose([Resize(224, mode), CenterCrop(224), ToTensor(), Normalize(mean, std)])} over PIL, run by
 * {@code src/test/resources/torchvision-reference.py} on 35 images it generates or takes from the bench photos
 * (synthetic PNGs from 1×1 to 12 MP, grey, grey with alpha, RGBA and palette PNGs, JPEGs decoded by PIL, photos
 * upscaled to 8 and 12 MP), both sides reading the same PNG. Every value must be within one 8-bit level
 * ({@code 1 / 255 / std}) of torchvision's; since the arithmetic is Pillow's own, all but a rare value (PIL's C
 * may round a weight differently where its compiler fuses multiply-adds) must be equal up to float rounding.
 * For the JPEG cases it also prints, without asserting, how far Java's own decoding of the JPEG lands.
 */
class PilResizeReferenceTest {

    private static final List<Double> MEAN = List.of(0.48145466, 0.4578275, 0.40821073);
    private static final List<Double> STD = List.of(0.26862954, 0.26130258, 0.27577711);
    private static final int SIZE = 224;
    /** Values off by a level, at most, per value compared. */
    private static final double MAX_OFF_BY_ONE = 1e-4;

    @TempDir
    Path work;

    /** What one reference output's comparison found. */
    private record Difference(double worst, double worstLevels, int offByOne, int values) {}

    @Test
    void pilResizesMatchTorchvision() throws IOException, InterruptedException {
        ExternalTool.requirePython(work, "numpy", "PIL", "torchvision");
        Path script = Path.of("src/test/resources/torchvision-reference.py").toAbsolutePath();
        ExternalTool.Result r = ExternalTool.run(List.of(ExternalTool.PYTHON.toString(), script.toString(),
                work.toString(), Path.of("src/main/resources/hiertag/bench/photos").toAbsolutePath().toString(),
                join(MEAN), join(STD)), Duration.ofMinutes(10), work);
        assertEquals(0, r.exitCode(), r.output());
        List<String> lines = r.output().lines().toList();
        System.out.println("Reference: " + lines.get(0));

        ImageDecoder decoder = new ImageDecoder(Long.MAX_VALUE, Long.MAX_VALUE, TensorFlowJpegPngDecoder.instance());
        Map<String, BufferedImage> decoded = new HashMap<>();
        Map<String, Difference> byMode = new TreeMap<>();
        List<String> failures = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split("\t");
            String name = f[0];
            Resize resize = f[1].equals("bicubic") ? Resize.PIL_BICUBIC : Resize.PIL_BILINEAR;
            boolean crop = f[2].equals("1");
            ImagePreprocessor preprocessor = new ImagePreprocessor(SIZE, resize, crop,
                    new Normalization.MeanStd(MEAN, STD));
            float[] reference = readFloats(work.resolve(f[3]));
            BufferedImage image = decoded.computeIfAbsent(name, n -> decode(decoder, work.resolve(n + ".png")));
            Difference d = compare(preprocessor.preprocess(image), reference);
            System.out.printf("%-28s %5dx%-5d %-8s %-6s max |diff| %.3g (%.3f levels), %d of %d values off by one%n",
                    name, image.getWidth(), image.getHeight(), f[1], crop ? "crop" : "nocrop", d.worst(),
                    d.worstLevels(), d.offByOne(), d.values());
            byMode.merge(f[1] + (crop ? "" : " nocrop") + (name.startsWith("jpeg") || name.startsWith("photo")
                    ? " jpeg" : " png"), d, PilResizeReferenceTest::worse);
            if (d.worstLevels() > 1 + 1e-3) {
                failures.add(line + ": " + d);
            }
            if (resize == Resize.PIL_BICUBIC && Files.exists(work.resolve(name + ".jpg"))) {
                // Not asserted (decoders may differ), but worth knowing: Java's own decoding of the same JPEG.
                Difference j = compare(preprocessor.preprocess(decode(decoder, work.resolve(name + ".jpg"))),
                        reference);
                System.out.printf("%-28s decoded by Java from the JPEG: %.3f levels, %d values off by one%n", name,
                        j.worstLevels(), j.offByOne());
            }
            decoded.keySet().removeIf(n -> !n.equals(name)); // one image in memory at a time
        }
        byMode.forEach((mode, d) -> System.out.printf("%-22s max |diff| %.3g (%.3f levels), %d of %d off by one%n",
                mode, d.worst(), d.worstLevels(), d.offByOne(), d.values()));
        long images = lines.stream().skip(1).map(l -> l.split("\t")[0]).distinct().count();
        assertTrue(images >= 30, images + " images");
        assertTrue(failures.isEmpty(), "more than one 8-bit level from torchvision:\n" + String.join("\n", failures));
        for (Map.Entry<String, Difference> e : byMode.entrySet()) {
            Difference d = e.getValue();
            assertTrue(d.offByOne() <= MAX_OFF_BY_ONE * d.values(), e.getKey() + ": " + d);
        }
    }

    private static Difference compare(float[] ours, float[] theirs) {
        assertEquals(theirs.length, ours.length);
        double worst = 0;
        double worstLevels = 0;
        int offByOne = 0;
        for (int i = 0; i < ours.length; i++) {
            double diff = Math.abs(ours[i] - theirs[i]);
            double levels = diff * 255 * STD.get(i % 3);
            worst = Math.max(worst, diff);
            worstLevels = Math.max(worstLevels, levels);
            offByOne += levels > 0.5 ? 1 : 0;
        }
        return new Difference(worst, worstLevels, offByOne, ours.length);
    }

    private static Difference worse(Difference a, Difference b) {
        return new Difference(Math.max(a.worst(), b.worst()), Math.max(a.worstLevels(), b.worstLevels()),
                a.offByOne() + b.offByOne(), a.values() + b.values());
    }

    private static BufferedImage decode(ImageDecoder decoder, Path png) {
        try {
            return decoder.decode(Files.readAllBytes(png));
        } catch (IOException | InvalidImageException e) {
            throw new AssertionError("cannot decode " + png, e);
        }
    }

    private static float[] readFloats(Path file) throws IOException {
        ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        float[] values = new float[bytes.remaining() / Float.BYTES];
        bytes.asFloatBuffer().get(values);
        return values;
    }

    private static String join(List<Double> values) {
        return String.join(",", values.stream().map(String::valueOf).toList());
    }
}
