package io.hiertag.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.CodedOutputStream;
import io.hiertag.testmodel.TestModelExporter;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.MetaGraphDef;
import org.tensorflow.proto.SavedModel;
import org.tensorflow.proto.SignatureDef;
import org.tensorflow.proto.TensorInfo;
import org.tensorflow.proto.TensorShapeProto;

/**
 * Issue 5, "Done when" 3: a model folder broken in each way the contract checks is refused by
 * {@link SavedModelDualEncoder#open(Path)} with a message that names the file and the field.
 *
 * <p>Each case copies the exported test model and breaks one thing, either in {@code hiertag-model.json} or in
 * a signature of {@code saved_model.pb} (edited as a protobuf, the way a differently exported model would look).
 */
class BrokenModelFolderTest {

    private static final String IMAGES = "embed_images";
    private static final String TEXTS = "embed_texts";

    @TempDir
    static Path tempDir;

    private static Path original;

    @BeforeAll
    static void export() throws IOException {
        original = tempDir.resolve("model");
        TestModelExporter.export(original, 1L);
    }

    @Test
    void theUnbrokenModelOpens() {
        SavedModelDualEncoder.open(original).close();
    }

    @Test
    void aMissingImageSignatureIsRefused() throws IOException {
        Path model = brokenModel("no-image-signature", saved -> withoutSignature(saved, IMAGES));
        assertRefused(model, "image.signature", "no signature 'embed_images'");
    }

    @Test
    void aMissingTextSignatureIsRefused() throws IOException {
        Path model = brokenModel("no-text-signature", saved -> withoutSignature(saved, TEXTS));
        assertRefused(model, "text.signature", "no signature 'embed_texts'");
    }

    @ParameterizedTest
    @CsvSource({
        "image, signature, embed_imagez",
        "image, input, pixels",
        "image, output, features",
        "text, signature, embed_textz",
        "text, input, input_ids",
        "text, maskInput, attention_mask",
        "text, output, features",
    })
    void aNameTheSavedModelDoesNotHaveIsRefused(String section, String field, String value) throws IOException {
        Path model = copy("wrong-" + section + "-" + field);
        editContract(model, json -> ((ObjectNode) json.get(section)).put(field, value));
        assertRefused(model, section + "." + field, "'" + value + "'");
    }

    @Test
    void anImageInputOfTheWrongDtypeIsRefused() throws IOException {
        Path model = brokenModel("uint8-images",
                saved -> withInput(saved, IMAGES, "images", info -> info.setDtype(DataType.DT_UINT8)));
        assertRefused(model, "image.input", "'images' is DT_UINT8, expected DT_FLOAT");
    }

    @Test
    void aTokenInputOfTheWrongDtypeIsRefused() throws IOException {
        // Hugging Face exports take int64 input_ids.
        Path model = brokenModel("int64-tokens",
                saved -> withInput(saved, TEXTS, "token_ids", info -> info.setDtype(DataType.DT_INT64)));
        assertRefused(model, "text.input", "'token_ids' is DT_INT64, expected DT_INT32");
    }

    @Test
    void anOutputOfTheWrongDtypeIsRefused() throws IOException {
        Path model = brokenModel("half-embeddings",
                saved -> withOutput(saved, IMAGES, "embeddings", info -> info.setDtype(DataType.DT_HALF)));
        assertRefused(model, "image.output", "'embeddings' is DT_HALF, expected DT_FLOAT");
    }

    @Test
    void anImageInputOfTheWrongRankIsRefused() throws IOException {
        Path model = brokenModel("rank-3-images",
                saved -> withInput(saved, IMAGES, "images", info -> info.setTensorShape(shape(-1, 64, 64))));
        assertRefused(model, "image.input", "'images' has shape [-1, 64, 64], expected NHWC with 3 channels");
    }

    @Test
    void aTokenInputOfTheWrongRankIsRefused() throws IOException {
        Path model = brokenModel("rank-1-tokens",
                saved -> withInput(saved, TEXTS, "token_ids", info -> info.setTensorShape(shape(-1))));
        assertRefused(model, "text.input", "'token_ids' has shape [-1], expected [batch, maxLength]");
    }

    @Test
    void anOutputOfTheWrongRankIsRefused() throws IOException {
        Path model = brokenModel("rank-3-embeddings",
                saved -> withOutput(saved, TEXTS, "embeddings", info -> info.setTensorShape(shape(-1, 16, 64))));
        assertRefused(model, "text.output", "'embeddings' has shape [-1, 16, 64], expected [batch, embeddingSize]");
    }

    @Test
    void anImageSizeTheSignatureDoesNotTakeIsRefused() throws IOException {
        Path model = brokenModel("224-images",
                saved -> withInput(saved, IMAGES, "images", info -> info.setTensorShape(shape(-1, 224, 224, 3))));
        assertRefused(model, "image.size", "is 64 but 'images' has shape [-1, 224, 224, 3]");
    }

    @Test
    void aTokenLengthTheSignatureDoesNotTakeIsRefused() throws IOException {
        Path model = brokenModel("77-tokens",
                saved -> withInput(saved, TEXTS, "token_ids", info -> info.setTensorShape(shape(-1, 77))));
        assertRefused(model, "text.maxLength", "is 16 but 'token_ids' has shape [-1, 77]");
    }

    /** A model that takes only its full length cannot be given batches cut to their longest text. */
    @Test
    void trimmingPaddingForASignatureOfOneLengthIsRefused() throws IOException {
        Path model = brokenModel("16-tokens-only",
                saved -> withInput(saved, TEXTS, "token_ids", info -> info.setTensorShape(shape(-1, 16))));
        assertRefused(model, "text.trimPadding", "is true but 'token_ids' has shape [-1, 16]: the signature takes no "
                + "other length");
        editContract(model, json -> ((ObjectNode) json.get("text")).remove("trimPadding"));
        try (SavedModelDualEncoder encoder = SavedModelDualEncoder.open(model)) {
            assertFalse(encoder.contract().text().trimPadding());
            assertEquals(2, encoder.embedTexts(List.of("a photo of a dog", "")).length);
        }
    }

    @Test
    void anInputTheContractDoesNotNameIsRefused() throws IOException {
        TensorInfo mask = TensorInfo.newBuilder().setName("attention_mask:0").setDtype(DataType.DT_INT32)
                .setTensorShape(shape(-1, -1)).build();
        Path model = brokenModel("unnamed-mask",
                saved -> withSignature(saved, TEXTS, s -> s.putInputs("attention_mask", mask)));
        assertRefused(model, "text.input", "also takes inputs [attention_mask]");
    }

    @Test
    void towersOfDifferentEmbeddingSizesAreRefused() throws IOException {
        Path model = brokenModel("towers-disagree",
                saved -> withOutput(saved, TEXTS, "embeddings", info -> info.setTensorShape(shape(-1, 32))));
        assertRefused(model, "embeddingSize",
                "the towers disagree: image output 'embeddings' has 64 values, text output 'embeddings' has 32");
    }

    @Test
    void anEmbeddingSizeTheModelDoesNotHaveIsRefused() throws IOException {
        Path model = copy("wrong-embedding-size");
        editContract(model, json -> json.put("embeddingSize", 512));
        assertRefused(model, "embeddingSize", "is 512 but the model's outputs have 64 values");
    }

    @Test
    void aMissingVocabularyFileIsRefused() throws IOException {
        Path model = copy("no-vocabulary");
        Files.delete(model.resolve(TestModelExporter.VOCABULARY_FILE));
        assertRefused(model, "text.vocabulary", "file " + model.resolve(TestModelExporter.VOCABULARY_FILE) + " not found");
    }

    @Test
    void aMissingContractFileIsRefused() throws IOException {
        Path model = copy("no-contract");
        Files.delete(model.resolve(ModelContract.FILE_NAME));
        assertRefusedAsAWhole(model, "file not found");
    }

    @Test
    void aContractThatIsNotJsonIsRefused() throws IOException {
        Path model = copy("not-json");
        Files.writeString(model.resolve(ModelContract.FILE_NAME), "{\"contractVersion\": 1,");
        assertRefusedAsAWhole(model, "not valid JSON");
    }

    private static void assertRefused(Path model, String field, String problem) {
        ModelContractException e = assertThrows(ModelContractException.class, () -> SavedModelDualEncoder.open(model));
        assertEquals(field, e.field(), e.getMessage());
        String prefix = model.resolve(ModelContract.FILE_NAME) + ": field '" + field + "': ";
        assertTrue(e.getMessage().startsWith(prefix), e.getMessage());
        assertTrue(e.getMessage().contains(problem), e.getMessage());
    }

    private static void assertRefusedAsAWhole(Path model, String problem) {
        ModelContractException e = assertThrows(ModelContractException.class, () -> SavedModelDualEncoder.open(model));
        assertNull(e.field(), e.getMessage());
        assertTrue(e.getMessage().startsWith(model.resolve(ModelContract.FILE_NAME) + ": " + problem),
                e.getMessage());
    }

    private static Path brokenModel(String name, UnaryOperator<SavedModel> breakIt) throws IOException {
        Path model = copy(name);
        Path file = model.resolve(ModelContract.SAVED_MODEL_FILE);
        SavedModel broken = breakIt.apply(SavedModel.parseFrom(Files.readAllBytes(file)));
        try (OutputStream out = Files.newOutputStream(file)) {
            CodedOutputStream coded = CodedOutputStream.newInstance(out);
            broken.writeTo(coded);
            coded.flush();
        }
        return model;
    }

    private static SavedModel withoutSignature(SavedModel saved, String key) {
        SavedModel.Builder builder = saved.toBuilder();
        builder.getMetaGraphsBuilder(0).removeSignatureDef(key);
        return builder.build();
    }

    private static SavedModel withSignature(SavedModel saved, String key, UnaryOperator<SignatureDef.Builder> edit) {
        SavedModel.Builder builder = saved.toBuilder();
        MetaGraphDef.Builder graph = builder.getMetaGraphsBuilder(0);
        graph.putSignatureDef(key, edit.apply(graph.getSignatureDefOrThrow(key).toBuilder()).build());
        return builder.build();
    }

    private static SavedModel withInput(SavedModel saved, String key, String input,
            UnaryOperator<TensorInfo.Builder> edit) {
        return withSignature(saved, key,
                s -> s.putInputs(input, edit.apply(s.getInputsOrThrow(input).toBuilder()).build()));
    }

    private static SavedModel withOutput(SavedModel saved, String key, String output,
            UnaryOperator<TensorInfo.Builder> edit) {
        return withSignature(saved, key,
                s -> s.putOutputs(output, edit.apply(s.getOutputsOrThrow(output).toBuilder()).build()));
    }

    private static TensorShapeProto shape(long... dims) {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
        for (long d : dims) {
            shape.addDim(TensorShapeProto.Dim.newBuilder().setSize(d));
        }
        return shape.build();
    }

    private static void editContract(Path model, Consumer<ObjectNode> edit) throws IOException {
        ObjectMapper mapper = new ObjectMapper();
        Path file = model.resolve(ModelContract.FILE_NAME);
        ObjectNode json = (ObjectNode) mapper.readTree(file.toFile());
        edit.accept(json);
        mapper.writeValue(file.toFile(), json);
    }

    private static Path copy(String name) throws IOException {
        Path target = tempDir.resolve(name);
        try (Stream<Path> files = Files.walk(original)) {
            for (Path source : (Iterable<Path>) files::iterator) {
                Path destination = target.resolve(original.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(destination);
                } else {
                    Files.copy(source, destination);
                }
            }
        }
        return target;
    }
}
