package io.hiertag.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.hiertag.image.JpegDecoding;
import io.hiertag.image.Normalization;
import io.hiertag.image.Resize;
import io.hiertag.testmodel.TestModelExporter;
import io.hiertag.text.ClipBpeTokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Python export recipes in {@code tools/export} (which cannot run here: no TensorFlow for Python) take every
 * contract field from a template JSON file and fill in only {@code name}, {@code embeddingSize} and
 * {@code image.size}. Parsing those templates with {@link ModelContract} keeps the recipes and the Java side in
 * step.
 */
class ExportRecipesTest {

    private static final Path TOOLS = Path.of("tools", "export");
    private static final ModelContract TEST_MODEL = TestModelExporter.contract();

    @TempDir
    Path dir;

    @Test
    void theLitTemplateIsAValidContractForLit() throws IOException {
        ModelContract lit = readTemplate("lit-hiertag-model.json");
        assertSameSignatures(lit);
        assertEquals(ModelContract.TokenizerType.WORDPIECE, lit.text().tokenizer());
        assertEquals(16, lit.text().maxLength());
        assertTrue(lit.text().lowerCase());
        assertEquals("vocab.txt", lit.text().vocabulary());
        // big_vision's LiT evaluation: decode|resize(224)|value_range(-1, 1), i.e. TensorFlow's default (fast)
        // IDCT, both sides bilinear, no crop.
        assertEquals(JpegDecoding.TF, lit.image().jpegDecoding());
        assertEquals(new Normalization.Range(-1, 1), lit.image().normalization());
        assertEquals(Resize.TF_BILINEAR, lit.image().resize());
        assertFalse(lit.image().centerCrop());
        assertEquals(224, lit.image().size());
    }

    @Test
    void theClipTemplateIsAValidContractForClip() throws IOException {
        ModelContract clip = readTemplate("clip-hiertag-model.json");
        assertSameSignatures(clip);
        assertEquals(ModelContract.TokenizerType.CLIP_BPE, clip.text().tokenizer());
        assertEquals(ClipBpeTokenizer.CONTEXT_LENGTH, clip.text().maxLength());
        assertEquals(new Normalization.MeanStd(List.of(0.48145466, 0.4578275, 0.40821073),
                List.of(0.26862954, 0.26130258, 0.27577711)), clip.image().normalization());
        assertEquals(Resize.PIL_BICUBIC, clip.image().resize()); // clip._transform: PIL Resize(224, BICUBIC)
        assertTrue(clip.image().centerCrop());
        assertEquals(JpegDecoding.PIL, clip.image().jpegDecoding()); // PIL decodes with libjpeg's accurate IDCT
        assertEquals(224, clip.image().size());
        // export_clip.py copies the merges file hiertag bundles, under the name the template gives it.
        assertTrue(ClipBpeTokenizer.BUNDLED.endsWith("/" + clip.text().vocabulary()), clip.text().vocabulary());
        assertTrue(Files.isRegularFile(Path.of("src/main/resources").resolve(ClipBpeTokenizer.BUNDLED.substring(1))));
    }

    @Test
    void theRecipesLoadTheirTemplates() throws IOException {
        assertTrue(Files.readString(TOOLS.resolve("export_lit.py")).contains("\"lit-hiertag-model.json\""));
        assertTrue(Files.readString(TOOLS.resolve("export_clip.py")).contains("\"clip-hiertag-model.json\""));
        assertTrue(Files.readString(TOOLS.resolve("hiertag_contract.py"))
                .contains("CONTRACT_FILE = \"" + ModelContract.FILE_NAME + "\""));
    }

    // The same signature and tensor names as the test model, so one SavedModel layout serves every model.
    private static void assertSameSignatures(ModelContract contract) {
        assertEquals(ModelContract.VERSION, contract.contractVersion());
        assertEquals(TEST_MODEL.image().signature(), contract.image().signature());
        assertEquals(TEST_MODEL.image().input(), contract.image().input());
        assertEquals(TEST_MODEL.image().output(), contract.image().output());
        assertEquals(TEST_MODEL.text().signature(), contract.text().signature());
        assertEquals(TEST_MODEL.text().input(), contract.text().input());
        assertEquals(TEST_MODEL.text().output(), contract.text().output());
        assertNull(contract.text().maskInput(), "the recipes export token ids only");
    }

    // ModelContract.read also checks that the vocabulary file exists; an empty stand-in is enough here.
    private ModelContract readTemplate(String template) throws IOException {
        Path file = Files.copy(TOOLS.resolve(template), dir.resolve(ModelContract.FILE_NAME));
        String vocabulary = new ObjectMapper().readTree(file.toFile()).path("text").path("vocabulary").asText();
        Files.createFile(dir.resolve(vocabulary));
        return ModelContract.read(dir);
    }
}
