package io.hiertag.eval;

import io.hiertag.image.ImageDecoder;
import io.hiertag.image.ImagePreprocessor;
import io.hiertag.image.InvalidImageException;
import io.hiertag.image.Normalization;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;

/**
 * Writes exactly what the image tower is fed for some image files, for people and other tools to check:
 * {@code pixels.npy} (float32 {@code [N, S, S, 3]}, after normalisation, in the order given), {@code pixels.txt}
 * (the files read, one a line, in the same order) and a PNG preview of each crop, the normalisation undone.
 */
public final class PixelDump {

    /** @param refused each file that could not be read, with the reason */
    public record Result(List<Path> written, List<String> refused) {}

    private final ImageDecoder decoder;
    private final ImagePreprocessor preprocessor;
    private final Normalization normalization;

    /** @param normalization the one {@code preprocessor} applies, undone for the previews */
    public PixelDump(ImageDecoder decoder, ImagePreprocessor preprocessor, Normalization normalization) {
        this.decoder = decoder;
        this.preprocessor = preprocessor;
        this.normalization = normalization;
    }

    public Result write(List<Path> files, Path out) throws IOException {
        Files.createDirectories(out);
        int per = preprocessor.floatsPerImage();
        List<Path> written = new ArrayList<>();
        List<String> refused = new ArrayList<>();
        List<float[]> pixels = new ArrayList<>();
        for (Path file : files) {
            try {
                float[] p = preprocessor.preprocess(decoder.decode(Files.readAllBytes(file)));
                pixels.add(p);
                written.add(file);
                Path preview = out.resolve(String.format("preview-%04d.png", written.size()));
                ImageIO.write(preview(p), "png", preview.toFile());
            } catch (IOException e) {
                refused.add(file + ": cannot read: " + e.getMessage());
            } catch (InvalidImageException e) {
                refused.add(file + ": " + e.reason() + ": " + e.getMessage());
            }
        }
        float[] all = new float[pixels.size() * per];
        for (int i = 0; i < pixels.size(); i++) {
            System.arraycopy(pixels.get(i), 0, all, i * per, per);
        }
        int s = preprocessor.size();
        NpyWriter.float32(out.resolve("pixels.npy"), all, pixels.size(), s, s, 3);
        Files.write(out.resolve("pixels.txt"), written.stream().map(Path::toString).toList(), StandardCharsets.UTF_8);
        return new Result(written, refused);
    }

    /** The crop as 8-bit RGB: each model input value mapped back through the normalisation, rounded. */
    private BufferedImage preview(float[] p) {
        int s = preprocessor.size();
        BufferedImage img = new BufferedImage(s, s, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < s; y++) {
            for (int x = 0; x < s; x++) {
                int i = 3 * (y * s + x);
                img.setRGB(x, y, level(p[i], 0) << 16 | level(p[i + 1], 1) << 8 | level(p[i + 2], 2));
            }
        }
        return img;
    }

    private int level(float v, int channel) {
        long l = Math.round((v - normalization.offset(channel)) / normalization.scale(channel));
        return (int) Math.max(0, Math.min(255, l));
    }
}
