package io.hiertag.cli;

import io.hiertag.config.HiertagConfig;
import io.hiertag.eval.EmbeddingDump;
import io.hiertag.model.SavedModelDualEncoder;
import io.hiertag.tagging.TaggingEngine;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "embed", description = "Write a model's embeddings of some texts or images, L2-normalised as the "
        + "tagger uses them: texts.npy or images.npy (float32 [N, D], rows in input order) and texts.txt or "
        + "images.txt listing the rows. A smoke test for a model folder, and embeddings for retrieval.")
final class EmbedCommand implements Callable<Integer> {

    @Option(names = "--model", required = true, paramLabel = "DIR",
            description = "A model folder (hiertag-model.json).")
    Path model;

    @ArgGroup(multiplicity = "1")
    Input input;

    static final class Input {
        @Option(names = "--texts", paramLabel = "FILE", description = "One text per line (UTF-8).")
        Path texts;

        @Option(names = "--images", arity = "1..*", paramLabel = "PATH",
                description = "Image files, and folders (their image files, sorted).")
        List<Path> images;
    }

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Where the files go.")
    Path out;

    @Mixin
    ConfigOptions options = new ConfigOptions();

    @Override
    public Integer call() throws IOException {
        HiertagConfig config = options.load();
        List<String> texts = input.texts == null ? null : readLines(input.texts);
        List<Path> files = input.images == null ? null
                : ImagePaths.expand(input.images).stream().map(ImagePaths.Found::file).toList();
        try (SavedModelDualEncoder encoder = SavedModelDualEncoder.open(model, config.device())) {
            EmbeddingDump dump = new EmbeddingDump(encoder);
            EmbeddingDump.Result r = texts != null ? dump.texts(texts, out)
                    : dump.images(TaggingEngine.imageDecoder(config, encoder.contract().image()), files, out);
            r.refused().forEach(line -> System.err.println("hiertag: not read: " + line));
            String kind = texts != null ? "texts" : "images";
            System.out.println(r.rows() + " " + kind + " embedded (" + encoder.embeddingSize() + " values each) to "
                    + out.resolve(kind + ".npy").toAbsolutePath());
            return r.rows() == 0 && !r.refused().isEmpty() ? 2 : 0;
        }
    }

    private static List<String> readLines(Path file) throws IOException {
        try {
            return Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new UserInputException("no such file: " + file);
        }
    }
}
