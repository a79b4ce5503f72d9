package io.hiertag.convert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hiertag.cli.Hiertag;
import io.hiertag.samples.SampleImages;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One checkpoint through the whole road a user takes, beside its reference: {@code make_checkpoint.py} writes it,
 * {@code hiertag import-model} converts it, {@code hiertag embed} embeds texts and images, and
 * {@code reference_embed.py} embeds the same inputs as the checkpoint's authors' code would; the rows must agree.
 */
final class ReferenceCheck {

    /** Texts and images at the model's own side: the model alone is compared. */
    static final double MODEL = 0.99999;
    /** Images of other sizes, through the whole preprocessing. */
    static final double PREPROCESSING = 0.9999;

    /** Plain, shouting, punctuated, empty, accented, CJK, and far past CLIP's 77 tokens. */
    static final List<String> TEXTS = List.of(
            "a photo of a dog.",
            "A PHOTO OF A CAT, seen from above!",
            "an origami crane made of red paper; 3 of them",
            "",
            "cafe au lait in Zurich, a naive facade: caf\u00e9, na\u00efve, \u00fcber",
            "\u65e5\u672c\u8a9e\u306e\u30c6\u30ad\u30b9\u30c8 and some words",
            "a very long caption " + "that goes on and on ".repeat(30) + "until it ends");

    /**
     * @param format {@code openclip}, {@code hf-clip} or {@code lit}
     * @param side the model's image side
     * @param others image sizes (width, height) for the whole preprocessing; for the CLIPs chosen so that the crop
     *     offset is not 3 modulo 4, where Hugging Face's (floored) and torchvision's (rounded) differ by a pixel
     * @param preprocessing the cosine the whole-preprocessing rows must reach
     * @param generator {@code make_checkpoint.py}'s arguments
     */
    record Case(String format, int side, List<int[]> others, double preprocessing, Duration pythonTimeout,
            List<String> generator) {}

    private ReferenceCheck() {
    }

    static void run(Path dir, Case c) throws IOException, InterruptedException {
        CheckpointReference.require(dir);
        Path checkpoint = dir.resolve("checkpoint");
        List<String> gen = new ArrayList<>(List.of("--format", c.format()));
        gen.addAll(c.generator());
        CheckpointReference.make(dir, checkpoint, c.pythonTimeout(), gen.toArray(String[]::new));
        Path model = dir.resolve("model");
        assertEquals(0, Hiertag.execute("import-model", "--from", checkpoint.toString(), "--out", model.toString()),
                "import-model failed");

        Path texts = dir.resolve("texts.txt");
        Files.write(texts, TEXTS, StandardCharsets.UTF_8);
        List<String> images = images(dir.resolve("images"), c);
        compare(dir, c, model, checkpoint, "texts", List.of("--texts", texts.toString()), TEXTS.size(), 0);
        List<String> imageArgs = new ArrayList<>(List.of("--images"));
        imageArgs.addAll(images);
        compare(dir, c, model, checkpoint, "images", imageArgs, 3, c.preprocessing());
    }

    /** Three images at the model's side, then one per other size; returns their paths in that order. */
    private static List<String> images(Path folder, Case c) throws IOException {
        Files.createDirectories(folder);
        List<int[]> sizes = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            sizes.add(new int[] {c.side(), c.side()});
        }
        sizes.addAll(c.others());
        List<String> paths = new ArrayList<>();
        for (int i = 0; i < sizes.size(); i++) {
            Path file = folder.resolve(String.format("%02d-%dx%d.png", i, sizes.get(i)[0], sizes.get(i)[1]));
            Files.write(file, SampleImages.png(SampleImages.generate(14, i, sizes.get(i)[0], sizes.get(i)[1])));
            paths.add(file.toString());
        }
        return paths;
    }

    /**
     * Both sides embed the same inputs; the first {@code atModelSize} rows (all, when that is 0 for texts) must
     * agree to {@link #MODEL}, the rest to {@code rest}.
     */
    private static void compare(Path dir, Case c, Path model, Path checkpoint, String kind, List<String> input,
            int atModelSize, double rest) throws IOException, InterruptedException {
        Path ours = dir.resolve("ours-" + kind);
        List<String> embed = new ArrayList<>(List.of("embed", "--model", model.toString(), "--out", ours.toString()));
        embed.addAll(input);
        assertEquals(0, Hiertag.execute(embed.toArray(String[]::new)), "embed " + kind + " failed");
        Path theirs = dir.resolve("reference-" + kind);
        List<String> reference = new ArrayList<>(List.of("--format", c.format(), "--from", checkpoint.toString()));
        reference.addAll(input);
        CheckpointReference.embed(dir, theirs, c.pythonTimeout(), reference.toArray(String[]::new));
        double[] cos = CheckpointReference.cosines(CheckpointReference.rows(ours.resolve(kind + ".npy")),
                CheckpointReference.rows(theirs.resolve(kind + ".npy")));
        String report = c.format() + " " + c.generator() + " " + kind + " cosines " + Arrays.toString(cos);
        System.out.println(report);
        for (int i = 0; i < cos.length; i++) {
            double bound = atModelSize == 0 || i < atModelSize ? MODEL : rest;
            assertTrue(cos[i] >= bound, report + ": row " + i + " below " + bound);
        }
    }
}
