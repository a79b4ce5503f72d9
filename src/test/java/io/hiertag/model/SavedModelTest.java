package io.hiertag.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hiertag.testmodel.TestModelExporter;
import io.hiertag.testmodel.TestModelVariant;
import io.hiertag.testmodel.TestModelWeights;
import io.hiertag.text.ClipBpeTokenizer;
import io.hiertag.text.Tokenizer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Exports the test model, loads it through DJL/TensorFlow and checks both signatures against plain Java. */
class SavedModelTest {

    private static final long SEED = 20240611L;
    private static final int LENGTH = TestModelExporter.MAX_LENGTH;
    private static final double TOLERANCE = 1e-5;

    @TempDir
    static Path tempDir;

    private static Path modelDir;
    private static SavedModelDualEncoder encoder;
    private static TestModelReference reference;

    @BeforeAll
    static void exportAndOpen() throws IOException {
        modelDir = tempDir.resolve("model");
        TestModelExporter.export(modelDir, SEED);
        encoder = SavedModelDualEncoder.open(modelDir);
        reference = new TestModelReference(new TestModelWeights(SEED), TestModelVariant.TEST);
    }

    @AfterAll
    static void close() {
        if (encoder != null) {
            encoder.close();
        }
    }

    @Test
    void runsOfflineWithNativesFoundByTheApplication() {
        TensorFlowNatives.ensureConfigured();
        assertEquals("true", System.getProperty("ai.djl.offline"));
        String libraryPath = System.getenv(TensorFlowNatives.LIBRARY_PATH);
        assertNotNull(libraryPath != null ? libraryPath : System.getProperty(TensorFlowNatives.LIBRARY_PATH));
    }

    @Test
    void writesTheContractAndAStableModelId() {
        assertEquals(TestModelExporter.contract(), ModelContract.read(modelDir));
        assertEquals(64, encoder.embeddingSize());
        assertTrue(encoder.modelId().matches("hiertag-test-model@[0-9a-f]{12}"), encoder.modelId());
        assertEquals(encoder.modelId(), encoder.contract().modelId(modelDir));
    }

    @Test
    void theSameSeedGivesTheSameModelId() throws IOException {
        Path again = tempDir.resolve("again");
        TestModelExporter.export(again, SEED);
        assertEquals(encoder.modelId(), TestModelExporter.contract().modelId(again));
    }

    @Test
    void imageSignatureMatchesPlainJava() {
        int size = TestModelExporter.IMAGE_SIZE;
        float[] images = randomImages(3, size, size, 1);
        assertClose(reference.embedImages(images, 3), encoder.embedImages(images, 3));
    }

    @Test
    void imagesOfAnotherSizeAreRefused() {
        // A ViT's position table fixes its side; the signature says so, and TensorFlow refuses the call.
        float[] images = randomImages(2, 17, 10, 2);
        assertThrows(RuntimeException.class, () -> encoder.embedImages(images, 2, 17, 10));
    }

    @Test
    void imagesAtTheEndOfALongerBufferAreIgnored() {
        int size = TestModelExporter.IMAGE_SIZE;
        float[] buffer = randomImages(2, size, size, 3);
        float[][] one = encoder.embedImages(buffer, 1);
        assertEquals(1, one.length);
        assertClose(reference.embedImages(buffer, 1), one);
        assertEquals(0, encoder.embedImages(buffer, 0).length);
    }

    @Test
    void textSignatureMatchesPlainJava() {
        int start = ClipBpeTokenizer.START_ID;
        int end = ClipBpeTokenizer.END_ID;
        int[][] ids = {
            row(start, 320, 1125, 539, 320, 1929, end),
            row(start, end),
            row(), // all padding: pools at the first position, as CLIP's argmax does
            row(start, 10, 57, 200, 3000, 4000, 5000, 6000, 7000, 8000, 9000, 10000, 11000, 12000, 13000, end),
        };
        float[][] embeddings = encoder.embedTokenIds(ids);
        assertClose(reference.embedTokenIds(ids), embeddings);
        assertEquals(1.0, norm(embeddings[0]), 1e-5);
    }

    private static int[] row(int... ids) {
        return Arrays.copyOf(ids, LENGTH);
    }

    @Test
    void embedTextsTokenisesWithTheContractsTokenizer() {
        List<String> texts = List.of("a photo of a goldfish", "CRÈME brûlée", "zebra?", "");
        Tokenizer tokenizer = encoder.contract().tokenizer(modelDir);
        int[][] ids = texts.stream().map(tokenizer::encode).toArray(int[][]::new);
        assertClose(reference.embedTokenIds(ids), encoder.embedTexts(texts));
    }

    @Test
    void manyTextsRunInChunks() {
        SplittableRandom random = new SplittableRandom(7);
        int[][] ids = new int[300][LENGTH];
        for (int[] row : ids) {
            int length = 1 + random.nextInt(row.length);
            for (int i = 0; i < length; i++) {
                row[i] = 1 + random.nextInt(ClipBpeTokenizer.VOCABULARY_SIZE - 1);
            }
        }
        assertClose(reference.embedTokenIds(ids), encoder.embedTokenIds(ids));
    }

    @Test
    void aClosedEncoderRefusesWork() {
        SavedModelDualEncoder other = SavedModelDualEncoder.open(modelDir);
        other.close();
        other.close(); // idempotent
        assertThrows(IllegalStateException.class, () -> other.embedTokenIds(new int[][] {row(2)}));
        assertEquals(1, encoder.embedTokenIds(new int[][] {row(2)}).length); // the bundle was not shared
    }

    private static float[] randomImages(int count, int height, int width, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] images = new float[count * height * width * 3];
        for (int i = 0; i < images.length; i++) {
            images[i] = (float) (random.nextDouble() * 4 - 2); // the range CLIP normalisation produces
        }
        return images;
    }

    private static void assertClose(float[][] expected, float[][] actual) {
        assertEquals(expected.length, actual.length);
        double worst = 0;
        for (int r = 0; r < expected.length; r++) {
            assertEquals(expected[r].length, actual[r].length);
            for (int c = 0; c < expected[r].length; c++) {
                worst = Math.max(worst, Math.abs(expected[r][c] - actual[r][c]));
            }
        }
        assertTrue(worst < TOLERANCE, "max |difference| " + worst);
    }

    private static double norm(float[] v) {
        double squares = 0;
        for (float x : v) {
            squares += x * x;
        }
        return Math.sqrt(squares);
    }
}
