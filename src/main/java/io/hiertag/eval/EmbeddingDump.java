package io.hiertag.eval;

import io.hiertag.image.ImageDecoder;
import io.hiertag.image.ImagePreprocessor;
import io.hiertag.image.InvalidImageException;
import io.hiertag.model.SavedModelDualEncoder;
import io.hiertag.zeroshot.Vectors;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code hiertag embed}: the model's embeddings of some texts or image files, L2-normalised as the tagger uses
 * them, written as {@code texts.npy} / {@code images.npy} (float32 {@code [N, D]}, rows in input order) with
 * {@code texts.txt} / {@code images.txt} listing the rows. Images go through the contract's preprocessing, the
 * same code as the stream's.
 */
public final class EmbeddingDump {

    // Images per model call: bounds the input batch at 32 × 224 × 224 × 3 floats (19 MB) for a CLIP.
    private static final int IMAGE_BATCH = 32;

    /** @param refused each file that could not be read, with the reason */
    public record Result(int rows, List<String> refused) {}

    private final SavedModelDualEncoder encoder;

    public EmbeddingDump(SavedModelDualEncoder encoder) {
        this.encoder = encoder;
    }

    /** Writes {@code texts.npy} and {@code texts.txt}: one row per text. */
    public Result texts(List<String> texts, Path out) throws IOException {
        Files.createDirectories(out);
        write(out, "texts", encoder.embedTexts(texts), texts);
        return new Result(texts.size(), List.of());
    }

    /** Writes {@code images.npy} and {@code images.txt}: one row per file read, in the order given. */
    public Result images(ImageDecoder decoder, List<Path> files, Path out) throws IOException {
        Files.createDirectories(out);
        ImagePreprocessor preprocessor = encoder.contract().image().preprocessor();
        int per = preprocessor.floatsPerImage();
        List<float[]> rows = new ArrayList<>();
        List<String> written = new ArrayList<>();
        List<String> refused = new ArrayList<>();
        float[] batch = new float[IMAGE_BATCH * per];
        int inBatch = 0;
        for (Path file : files) {
            try {
                preprocessor.preprocessInto(decoder.decode(Files.readAllBytes(file)), batch, inBatch * per);
                inBatch++;
                written.add(file.toString());
            } catch (IOException e) {
                refused.add(file + ": cannot read: " + e.getMessage());
            } catch (InvalidImageException e) {
                refused.add(file + ": " + e.reason() + ": " + e.getMessage());
            }
            if (inBatch == IMAGE_BATCH) {
                rows.addAll(List.of(encoder.embedImages(batch, inBatch)));
                inBatch = 0;
            }
        }
        if (inBatch > 0) {
            rows.addAll(List.of(encoder.embedImages(batch, inBatch)));
        }
        write(out, "images", rows.toArray(float[][]::new), written);
        return new Result(rows.size(), refused);
    }

    private void write(Path out, String name, float[][] embeddings, List<String> labels) throws IOException {
        int d = encoder.embeddingSize();
        float[] flat = Vectors.normalizedRows(Vectors.flatten(List.of(embeddings)), embeddings.length, d);
        NpyWriter.float32(out.resolve(name + ".npy"), flat, embeddings.length, d);
        Files.write(out.resolve(name + ".txt"), labels, StandardCharsets.UTF_8);
    }
}
