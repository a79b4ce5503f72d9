package io.hiertag.bench;

import io.hiertag.image.ImageDecoder;
import io.hiertag.image.ImagePreprocessor;
import io.hiertag.image.InvalidImageException;
import io.hiertag.image.JpegDecoding;
import io.hiertag.image.Normalization;
import io.hiertag.image.Resize;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/**
 * (i) Decode plus preprocessing per image on one thread, hiertag beside the reference OpenAI CLIP uses (PIL and
 * torchvision, from Debian's python3-pil and python3-torchvision) on the same files in the same run: the bench
 * photos at 500×375, and the same photos scaled to 12 megapixels (4000×3000, JPEG quality 90). Both sides do
 * CLIP's work: decode to RGB, bicubic resize of the short side to 224, centre crop, normalise. PIL runs in one
 * Python process that answers requests, so that the two sides can take turns: per file, {@value #ROUNDS} rounds of
 * PIL then hiertag, the same repeats each, so that both see the same load from other processes. Each side's figure
 * for a file is the median of its round medians; the figures are averaged over the files.
 *
 * <p>Both are timed in their steady state, the state a long-running tagger is in: hiertag after as many untimed
 * rounds over every file of the size as there are timed ones, and for at least the run's warm-up (the JIT
 * compiles the resampler's loops only after thousands of rows, the Java side of decoding only after thousands of
 * images, and a 12 MP photo's first decodes also pay for touching fresh heap); and in every round each side first
 * decodes the file once untimed, since the other side has just had the caches.
 *
 * <p>A third row times the 12 MP photos with {@code image.fast-decode} (libjpeg's DCT-domain reduction, here to
 * 1000×750) against PIL, timed again beside it, and reports how far its crops are from the exact ones, in 8-bit
 * levels.
 */
final class PilComparison {

    static final Path PYTHON = Path.of("/usr/bin/python3");
    private static final int SIZE = 224;
    /** Rounds per file in which PIL and hiertag take turns (fewer when there are fewer repeats). */
    private static final int ROUNDS = 4;

    /** One photo size: milliseconds per image for each side, and hiertag's time over PIL's. */
    record Size(String photos, double hiertagDecodeMs, double hiertagMs, double pilDecodeMs, double pilMs,
            double ratio) {}

    /** How far fast decoding's crops are from the exact path's, in 8-bit levels over every value. */
    record Difference(int maxLevels, double meanLevels) {}

    /**
     * @param reference the reference's versions, or why it could not run (then the PIL figures are NaN)
     * @param fastDecode the difference the last of {@code sizes}, fast decoding, makes
     */
    record Result(String reference, List<Size> sizes, Difference fastDecode) {}

    private PilComparison() {
    }

    /** @param warmUp how long hiertag's untimed rounds last at least, per size */
    static Result measure(BenchPhotos photos, ImageDecoder decoder, Path work, int repeats, Duration warmUp)
            throws IOException, InterruptedException, InvalidImageException {
        ImagePreprocessor preprocessor = new ImagePreprocessor(SIZE, Resize.PIL_BICUBIC, true, Normalization.CLIP);
        Files.createDirectories(work);
        List<Path> small = new ArrayList<>();
        List<Path> large = new ArrayList<>();
        for (int i = 0; i < photos.count(); i++) {
            small.add(Files.write(work.resolve("photo-" + i + ".jpg"), photos.get(i)));
            large.add(Files.write(work.resolve("photo-" + i + "-12mp.jpg"), upscaled(photos.get(i), 4000, 3000)));
        }
        ImageDecoder fast = decoder.forModel(JpegDecoding.PIL, 2 * SIZE);
        try (Reference pil = Reference.start(work)) {
            return new Result(pil.versions(), List.of(
                    size("500×375 bench photos", small, decoder, preprocessor, repeats, warmUp, pil),
                    size("the same photos at 4000×3000 (12 MP)", large, decoder, preprocessor, repeats, warmUp, pil),
                    size("the 12 MP photos with image.fast-decode", large, fast, preprocessor, repeats, warmUp,
                            pil)),
                    difference(large, decoder, fast));
        }
    }

    private static Difference difference(List<Path> files, ImageDecoder exact, ImageDecoder fast)
            throws IOException, InvalidImageException {
        ImagePreprocessor levels = new ImagePreprocessor(SIZE, Resize.PIL_BICUBIC, true,
                new Normalization.Range(0, 255));
        double max = 0;
        double sum = 0;
        long count = 0;
        for (Path file : files) {
            byte[] bytes = Files.readAllBytes(file);
            float[] a = levels.preprocess(exact.decode(bytes));
            float[] b = levels.preprocess(fast.decode(bytes));
            for (int i = 0; i < a.length; i++) {
                double d = Math.abs(a[i] - b[i]);
                max = Math.max(max, d);
                sum += d;
            }
            count += a.length;
        }
        return new Difference((int) Math.round(max), sum / count);
    }

    /**
     * Per file, {@link #ROUNDS} rounds of PIL then hiertag, each side's figure the median of its round medians: the
     * load of other processes changes from second to second, and alternating gives both sides the same share of it.
     */
    private static Size size(String name, List<Path> files, ImageDecoder decoder, ImagePreprocessor preprocessor,
            int repeats, Duration warmUp, Reference pil) throws IOException, InvalidImageException {
        // Into one reused buffer, as the first pass writes each image into its row of the model's input.
        float[] pixels = new float[preprocessor.floatsPerImage()];
        List<byte[]> photos = new ArrayList<>();
        for (Path file : files) {
            photos.add(Files.readAllBytes(file));
        }
        long warmUntil = System.nanoTime() + warmUp.toNanos();
        for (int r = 0; r < repeats || System.nanoTime() < warmUntil; r++) {
            for (byte[] bytes : photos) {
                preprocessor.preprocessInto(decoder.decode(bytes), pixels, 0);
            }
        }
        int rounds = Math.max(1, Math.min(ROUNDS, repeats));
        int perRound = Math.max(1, repeats / rounds);
        double[] sums = new double[4]; // hiertag decode, hiertag total, PIL decode, PIL total
        for (int i = 0; i < files.size(); i++) {
            double[][] medians = new double[4][rounds];
            for (int round = 0; round < rounds; round++) {
                double[] reference = pil.time(files.get(i), perRound);
                double[] ours = time(photos.get(i), decoder, preprocessor, pixels, perRound);
                medians[0][round] = ours[0];
                medians[1][round] = ours[1];
                medians[2][round] = reference[0];
                medians[3][round] = reference[1];
            }
            for (int k = 0; k < 4; k++) {
                sums[k] += Percentiles.of(medians[k]).p50() / files.size();
            }
        }
        return new Size(name, sums[0], sums[1], sums[2], sums[3], sums[1] / sums[3]);
    }

    /** Like PIL's side: one untimed decode first (the other process has just had the caches), then the medians. */
    private static double[] time(byte[] bytes, ImageDecoder decoder, ImagePreprocessor preprocessor, float[] pixels,
            int repeats) throws InvalidImageException {
        preprocessor.preprocessInto(decoder.decode(bytes), pixels, 0);
        double[] decode = new double[repeats];
        double[] total = new double[repeats];
        for (int r = 0; r < repeats; r++) {
            long t0 = System.nanoTime();
            BufferedImage image = decoder.decode(bytes);
            long t1 = System.nanoTime();
            preprocessor.preprocessInto(image, pixels, 0);
            long t2 = System.nanoTime();
            decode[r] = (t1 - t0) / 1e6;
            total[r] = (t2 - t0) / 1e6;
        }
        return new double[] {Percentiles.of(decode).p50(), Percentiles.of(total).p50()};
    }

    /**
     * PIL and torchvision in one Python process that times a file when asked ({@code pil_time.py}); when Python or
     * its packages are missing, every time is NaN and {@link #versions()} says why.
     */
    private static final class Reference implements AutoCloseable {
        private static final double[] MISSING = {Double.NaN, Double.NaN};
        private final Process process;
        private final BufferedReader out;
        private final Writer in;
        private final String versions;

        private Reference(Process process, BufferedReader out, Writer in, String versions) {
            this.process = process;
            this.out = out;
            this.in = in;
            this.versions = versions;
        }

        static Reference start(Path work) throws IOException {
            if (!Files.isExecutable(PYTHON)) {
                return missing(PYTHON + " is missing");
            }
            Path script = work.resolve("pil_time.py");
            try (InputStream resource = PilComparison.class.getResourceAsStream("/hiertag/bench/pil_time.py")) {
                Files.write(script, resource.readAllBytes());
            }
            Process p = new ProcessBuilder(PYTHON.toString(), script.toString(), Integer.toString(SIZE))
                    .redirectErrorStream(true).start();
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(),
                    StandardCharsets.UTF_8));
            String first = out.readLine();
            if (first == null || !first.startsWith("Pillow ")) {
                String rest = out.lines().reduce((x, y) -> y).orElse("");
                p.destroy();
                return missing("the PIL timing script failed: " + (rest.isEmpty() ? first : rest));
            }
            return new Reference(p, out, new OutputStreamWriter(p.getOutputStream(), StandardCharsets.UTF_8), first);
        }

        private static Reference missing(String why) {
            return new Reference(null, null, null, "not available: " + why
                    + " (apt-get install python3-pil python3-torchvision)");
        }

        String versions() {
            return versions;
        }

        /** @return PIL's median decode and decode-plus-preprocessing milliseconds on the file */
        double[] time(Path file, int repeats) {
            if (process == null) {
                return MISSING;
            }
            try {
                in.write(repeats + "\t" + file + "\n");
                in.flush();
                String[] f = out.readLine().split("\t");
                return new double[] {Double.parseDouble(f[f.length - 2]), Double.parseDouble(f[f.length - 1])};
            } catch (IOException | RuntimeException e) {
                throw new IllegalStateException("the PIL timing script stopped answering on " + file, e);
            }
        }

        @Override
        public void close() throws InterruptedException {
            if (process != null) {
                try {
                    in.close();
                } catch (IOException e) {
                    // the process is ending anyway
                }
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            }
        }
    }

    private static byte[] upscaled(byte[] jpeg, int width, int height) throws IOException {
        BufferedImage src = ImageIO.read(new ByteArrayInputStream(jpeg));
        BufferedImage big = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = big.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BICUBIC);
            g.drawImage(src, 0, 0, width, height, null);
        } finally {
            g.dispose();
        }
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (MemoryCacheImageOutputStream stream = new MemoryCacheImageOutputStream(out)) {
            writer.setOutput(stream);
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionQuality(0.9f);
            writer.write(null, new IIOImage(big, null, null), param);
        } finally {
            writer.dispose();
        }
        return out.toByteArray();
    }
}
