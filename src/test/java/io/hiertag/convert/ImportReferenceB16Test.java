package io.hiertag.convert;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Done-when 1 at the paper's backbone size: ViT-B/16 (224 px, 12 × 768) with CLIP's text transformer (12 × 512)
 * or BERT-Base, each layout's full-size random checkpoint through {@code import-model} and {@code embed} beside
 * the PyTorch reference ({@link ReferenceCheck}). Slow: a checkpoint of 0.6 to 0.75 GB is written, imported and
 * run twice, a few minutes per layout on two cores.
 */
@Tag("slow")
class ImportReferenceB16Test {

    private static final Duration PYTHON = Duration.ofMinutes(15);
    /** The crop offsets of these sizes at 224 px are not 3 modulo 4 (see {@link ReferenceCheck.Case}). */
    private static final List<int[]> SIZES = List.of(new int[] {320, 240}, new int[] {300, 400});

    @TempDir
    Path dir;

    @Test
    void openClip() throws Exception {
        ReferenceCheck.run(dir, new ReferenceCheck.Case("openclip", 224, SIZES, ReferenceCheck.PREPROCESSING,
                PYTHON, List.of("--size", "b16", "--seed", "11", "--dtype", "fp16")));
    }

    @Test
    void huggingFaceClip() throws Exception {
        ReferenceCheck.run(dir, new ReferenceCheck.Case("hf-clip", 224, SIZES, ReferenceCheck.PREPROCESSING,
                PYTHON, List.of("--size", "b16", "--seed", "12")));
    }

    @Test
    void lit() throws Exception {
        ReferenceCheck.run(dir, new ReferenceCheck.Case("lit", 224, SIZES, ImportReferenceTest.LIT_PREPROCESSING,
                PYTHON, List.of("--size", "b16", "--seed", "13")));
    }
}
