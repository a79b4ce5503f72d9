package io.hiertag.convert;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Done-when 1 at a tiny size: each layout, in each of its storage variants, through {@code import-model} and
 * {@code embed}, agrees with an independent PyTorch implementation of its authors' architecture
 * ({@link ReferenceCheck}). The full ViT-B/16 size is {@link ImportReferenceB16Test}.
 */
class ImportReferenceTest {

    private static final Duration PYTHON = Duration.ofMinutes(3);
    private static final List<int[]> CLIP_SIZES = List.of(new int[] {64, 48}, new int[] {100, 50},
            new int[] {45, 120});
    /**
     * LiT's release truncates the resized image to 8 bits before -1..1, and so does {@code tf-bilinear}; float
     * against double arithmetic can still put a value on the other side of an integer, one level apart.
     */
    static final double LIT_PREPROCESSING = 0.9999;

    @TempDir
    Path dir;

    /** One case per layout, each in a different storage type. */
    static Stream<Arguments> layouts() {
        return Stream.of(
                clip("openclip", "--dtype", "fp16"),
                clip("hf-clip", "--dtype", "bf16"),
                lit("--dtype", "fp32"));
    }

    /** The other variants: activations, the legacy Hugging Face files, pre-Linen numbering. */
    static Stream<Arguments> variants() {
        return Stream.of(
                clip("openclip", "--dtype", "fp32", "--activation", "gelu"),
                clip("hf-clip", "--dtype", "fp16", "--hf-style", "legacy", "--activation", "gelu_new"),
                lit("--dtype", "fp16", "--lit-names", "pre-linen"));
    }

    private static Arguments clip(String format, String... args) {
        return Arguments.of(format + " " + String.join(" ", args), new ReferenceCheck.Case(format, 32, CLIP_SIZES,
                ReferenceCheck.PREPROCESSING, PYTHON, generator(args)));
    }

    private static Arguments lit(String... args) {
        return Arguments.of("lit " + String.join(" ", args), new ReferenceCheck.Case("lit", 32, CLIP_SIZES,
                LIT_PREPROCESSING, PYTHON, generator(args)));
    }

    private static List<String> generator(String... args) {
        return Stream.concat(Stream.of("--size", "tiny", "--seed", "7"), Stream.of(args)).toList();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("layouts")
    void importedModelEmbedsAsTheAuthorsCodeDoes(String name, ReferenceCheck.Case c) throws Exception {
        ReferenceCheck.run(dir, c);
    }

    // About 30 s each under load, for what the readers' and the tables' own tests mostly cover already.
    @Tag("slow")
    @ParameterizedTest(name = "{0}")
    @MethodSource("variants")
    void everyVariantEmbedsAsTheAuthorsCodeDoes(String name, ReferenceCheck.Case c) throws Exception {
        ReferenceCheck.run(dir, c);
    }
}
