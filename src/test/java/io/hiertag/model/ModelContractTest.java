package io.hiertag.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hiertag.image.JpegDecoding;
import io.hiertag.image.Normalization;
import io.hiertag.image.Resize;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Reading, validating and writing {@code hiertag-model.json}, and the model id; no TensorFlow involved. */
class ModelContractTest {

    /** A LiT-like contract: every field set, WordPiece over {@code vocab.txt}, TensorFlow's bilinear resize. */
    private static final ModelContract FIXTURE = new ModelContract(ModelContract.VERSION, "hiertag-test-model", 64,
            ModelContract.ImageSpec.standard(64, Resize.TF_BILINEAR, true, Normalization.CLIP),
            ModelContract.TextSpec.standard(ModelContract.TokenizerType.WORDPIECE, "vocab.txt", 16, true));

    @TempDir
    Path dir;

    @BeforeEach
    void writeVocabulary() throws IOException {
        Files.write(dir.resolve("vocab.txt"), List.of("[PAD]", "[UNK]", "[CLS]"));
    }

    @Test
    void roundTrips() {
        ModelContract contract = FIXTURE;
        contract.write(dir);
        assertEquals(contract, ModelContract.read(dir));

        ModelContract.ImageSpec image = contract.image();
        ModelContract lit = new ModelContract(1, "lit", 768,
                new ModelContract.ImageSpec(image.signature(), image.input(), image.output(), 224,
                        Resize.TF_AREA, false, new Normalization.Range(-1, 1), JpegDecoding.TF),
                contract.text());
        lit.write(dir);
        assertEquals(lit, ModelContract.read(dir));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "\"contractVersion\": 1|\"contractVersion\": 2|contractVersion",
        "\"name\": \"hiertag-test-model\"|\"name\": \" \"|name",
        "\"embeddingSize\": 64|\"embeddingSize\": 0|embeddingSize",
        "\"signature\": \"embed_images\"|\"signature\": \"\"|image.signature",
        "\"resize\": \"tf-bilinear\"|\"resize\": \"nearest\"|image.resize",
        "\"size\": 64|\"size\": -3|image.size",
        "\"size\": 64|\"size\": null|image.size",
        "\"type\": \"mean-std\"|\"type\": \"gamma\"|image.normalization",
        "\"std\": [|\"stdev\": [|image.normalization.std",
        "\"tokenizer\": \"wordpiece\"|\"tokenizer\": \"sentencepiece\"|text.tokenizer",
        "\"vocabulary\": \"vocab.txt\"|\"vocabulary\": \"missing.txt\"|text.vocabulary",
        "\"maxLength\": 16|\"maxLength\": 0|text.maxLength",
        "\"maskInput\": null|\"maskInput\": \"token_ids\"|text.maskInput",
        "\"maskInput\": null,|\"colour\": true, \"maskInput\": null,|text.colour",
        "\"maskInput\": null,||text.maskInput",
        "\"jpegDecoding\": \"pil\"|\"jpegDecoding\": \"islow\"|image.jpegDecoding",
    })
    void anInvalidContractIsRefusedNamingTheField(String original, String replacement, String field)
            throws IOException {
        FIXTURE.write(dir);
        Path file = dir.resolve(ModelContract.FILE_NAME);
        String json = Files.readString(file).replace("\" : ", "\": "); // Jackson pretty-prints "key" : value
        assertTrue(json.contains(original), json);
        Files.writeString(file, json.replace(original, replacement == null ? "" : replacement));

        ModelContractException e = assertThrows(ModelContractException.class, () -> ModelContract.read(dir));
        assertEquals(field, e.field(), e.getMessage());
        assertTrue(e.getMessage().startsWith(file + ": field '" + field + "'"), e.getMessage());
    }

    /** Each resize name reads as its reference's; the names from before the references were named still do. */
    @ParameterizedTest
    @CsvSource({
        "pil-bicubic, PIL_BICUBIC", "pil-bilinear, PIL_BILINEAR",
        "tf-bilinear, TF_BILINEAR", "tf-bicubic, TF_BICUBIC", "tf-area, TF_AREA",
        "bilinear, TF_BILINEAR", "bicubic, TF_BICUBIC", "area, TF_AREA",
    })
    void readsEveryResizeNameAndTheOldAliases(String name, Resize expected) throws IOException {
        FIXTURE.write(dir);
        Path file = dir.resolve(ModelContract.FILE_NAME);
        String json = Files.readString(file);
        assertTrue(json.contains("\"tf-bilinear\""), json);
        Files.writeString(file, json.replace("\"tf-bilinear\"", "\"" + name + "\""));
        assertEquals(expected, ModelContract.read(dir).image().resize());
    }

    /** The one optional field: contracts written before it existed decode JPEGs as they did, the PIL way. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"\"jpegDecoding\": \"tf\"|TF", "\"jpegDecoding\": \"pil\"|PIL", "|PIL"})
    void readsTheJpegDecodingWithPilWhenAbsent(String field, JpegDecoding expected) throws IOException {
        FIXTURE.write(dir);
        Path file = dir.resolve(ModelContract.FILE_NAME);
        String json = Files.readString(file).replace("\" : ", "\": ");
        String original = "\"jpegDecoding\": \"pil\"";
        assertTrue(json.contains(original), json);
        Files.writeString(file, field == null ? json.replace(",\n    " + original, "")
                : json.replace(original, field));
        assertEquals(field == null, !Files.readString(file).contains("jpegDecoding"));
        assertEquals(expected, ModelContract.read(dir).image().jpegDecoding());
    }

    /** Folders imported before the field existed have fixed-length text signatures: they are not trimmed. */
    @Test
    void readsTrimPaddingAsFalseWhenAbsent() throws IOException {
        FIXTURE.write(dir);
        Path file = dir.resolve(ModelContract.FILE_NAME);
        String json = Files.readString(file).replace("\" : ", "\": ");
        String field = ",\n    \"trimPadding\": true";
        assertTrue(json.contains(field), json);
        assertTrue(ModelContract.read(dir).text().trimPadding());
        Files.writeString(file, json.replace(field, ""));
        assertFalse(ModelContract.read(dir).text().trimPadding());
    }

    @Test
    void aMissingOrBrokenFileIsRefused() throws IOException {
        ModelContractException missing = assertThrows(ModelContractException.class, () -> ModelContract.read(dir));
        assertTrue(missing.getMessage().contains(ModelContract.FILE_NAME), missing.getMessage());
        Files.writeString(dir.resolve(ModelContract.FILE_NAME), "{\"name\": ");
        ModelContractException broken = assertThrows(ModelContractException.class, () -> ModelContract.read(dir));
        assertTrue(broken.getMessage().contains("not valid JSON"), broken.getMessage());
    }

    @Test
    void modelIdHashesTheModelFiles() throws IOException {
        ModelContract contract = FIXTURE;
        contract.write(dir);
        Files.writeString(dir.resolve(ModelContract.SAVED_MODEL_FILE), "graph");
        Files.createDirectories(dir.resolve("variables"));
        Files.writeString(dir.resolve("variables/variables.index"), "index");
        Files.writeString(dir.resolve("unrelated.txt"), "ignored");
        String id = contract.modelId(dir);
        assertTrue(id.matches("hiertag-test-model@[0-9a-f]{12}"), id);

        Files.writeString(dir.resolve("unrelated.txt"), "still ignored");
        assertEquals(id, contract.modelId(dir));
        Files.writeString(dir.resolve("variables/variables.index"), "index2");
        assertNotEquals(id, contract.modelId(dir));
    }
}
