package io.hiertag.model;

import com.fasterxml.jackson.annotation.JacksonInject;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.OptBoolean;
import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.InjectableValues;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.hiertag.image.ImagePreprocessor;
import io.hiertag.image.JpegDecoding;
import io.hiertag.image.Normalization;
import io.hiertag.image.Resize;
import io.hiertag.text.ClipBpeTokenizer;
import io.hiertag.text.Tokenizer;
import io.hiertag.text.WordPieceTokenizer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The model contract, {@code hiertag-model.json} beside a SavedModel: which signatures embed images and texts,
 * their named inputs and outputs, and how to preprocess images and tokenize texts for them.
 *
 * <p>Every field must be present in the file ({@code "maskInput": null} spells out that there is no mask);
 * unknown fields are refused, so a typo cannot silently fall back to a default.
 *
 * @param contractVersion always {@value #VERSION}
 * @param name the model's name, the first part of {@link #modelId(Path)}
 * @param embeddingSize the length of one image or text embedding
 * @param image the image signature and its preprocessing
 * @param text the text signature and its tokenizer
 */
public record ModelContract(int contractVersion, String name, int embeddingSize, ImageSpec image, TextSpec text) {

    /** The only contract version this code reads and writes. */
    public static final int VERSION = 1;
    /** The contract's file name inside the model folder. */
    public static final String FILE_NAME = "hiertag-model.json";
    /** The SavedModel's graph file inside the model folder. */
    public static final String SAVED_MODEL_FILE = "saved_model.pb";

    /** Every field is required but these, absent from contracts written before they existed. */
    private static final String DEFAULT_JPEG_DECODING = "image.jpegDecoding";
    private static final String DEFAULT_TRIM_PADDING = "text.trimPadding";
    private static final ObjectMapper MAPPER = new ObjectMapper()
            .setInjectableValues(new InjectableValues.Std().addValue(DEFAULT_JPEG_DECODING, JpegDecoding.PIL)
                    .addValue(DEFAULT_TRIM_PADDING, Boolean.FALSE))
            .enable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(SerializationFeature.INDENT_OUTPUT);
    private static final int MODEL_ID_HEX_CHARS = 12;

    /** Which tokenizer the text signature expects. */
    public enum TokenizerType {
        /** BERT-style WordPiece as used by LiT: {@code [CLS]} first, no {@code [SEP]}. */
        @JsonProperty("wordpiece")
        WORDPIECE,
        /** CLIP's byte-level BPE with start and end tokens. */
        @JsonProperty("clip-bpe")
        CLIP_BPE
    }

    /**
     * The image signature: float32 NHWC batch in, embeddings out.
     *
     * @param signature the SignatureDef key, e.g. {@code embed_images}
     * @param input the signature's input key, e.g. {@code images}
     * @param output the signature's output key, e.g. {@code embeddings}
     * @param size the square side in pixels the model takes
     * @param resize how to resample to {@code size}
     * @param centerCrop true: scale the shorter side to {@code size} and crop the centre; false: scale both
     *     sides to {@code size}, ignoring the aspect ratio
     * @param normalization how pixel values become model inputs
     * @param jpegDecoding which IDCT decodes JPEGs; {@code pil} when absent
     */
    public record ImageSpec(
            String signature,
            String input,
            String output,
            int size,
            Resize resize,
            boolean centerCrop,
            Normalization normalization,
            @JacksonInject(value = DEFAULT_JPEG_DECODING, useInput = OptBoolean.TRUE) JpegDecoding jpegDecoding) {

        public ImageSpec {
            jpegDecoding = jpegDecoding == null ? JpegDecoding.PIL : jpegDecoding;
        }

        /**
         * The section hiertag's own SavedModels have: signature {@code embed_images}, input {@code images},
         * output {@code embeddings}.
         */
        public static ImageSpec standard(int size, Resize resize, boolean centerCrop, Normalization normalization) {
            return standard(size, resize, centerCrop, normalization, JpegDecoding.PIL);
        }

        /** The usual signature and tensor names, decoding JPEGs as {@code jpegDecoding} says. */
        public static ImageSpec standard(int size, Resize resize, boolean centerCrop, Normalization normalization,
                JpegDecoding jpegDecoding) {
            return new ImageSpec("embed_images", "images", "embeddings", size, resize, centerCrop, normalization,
                    jpegDecoding);
        }

        /** @return the preprocessing this section names */
        public ImagePreprocessor preprocessor() {
            return new ImagePreprocessor(size, resize, centerCrop, normalization);
        }
    }

    /**
     * The text signature: int32 token ids (and optionally a mask) in, embeddings out.
     *
     * @param signature the SignatureDef key, e.g. {@code embed_texts}
     * @param input the signature's token-id input key, e.g. {@code token_ids}
     * @param maskInput the signature's attention-mask input key (1 for real tokens, 0 for padding), or null
     * @param output the signature's output key, e.g. {@code embeddings}
     * @param tokenizer the tokenizer type
     * @param vocabulary the tokenizer's vocabulary file, relative to the model folder
     * @param maxLength the token sequence length (padded or clipped)
     * @param lowerCase whether text is lower-cased (and, for WordPiece, stripped of accents) first
     * @param trimPadding true: the signature takes any length up to {@code maxLength}, and the padding after a
     *     text changes nothing of its embedding (CLIP's causal mask, BERT's padding mask), so each batch is cut
     *     to its longest text; false when absent
     */
    public record TextSpec(
            String signature,
            String input,
            String maskInput,
            String output,
            TokenizerType tokenizer,
            String vocabulary,
            int maxLength,
            boolean lowerCase,
            @JacksonInject(value = DEFAULT_TRIM_PADDING, useInput = OptBoolean.TRUE) boolean trimPadding) {

        /**
         * The section hiertag's own SavedModels have: signature {@code embed_texts}, input {@code token_ids}, no
         * mask, output {@code embeddings}, any length.
         */
        public static TextSpec standard(TokenizerType tokenizer, String vocabulary, int maxLength,
                boolean lowerCase) {
            return new TextSpec("embed_texts", "token_ids", null, "embeddings", tokenizer, vocabulary, maxLength,
                    lowerCase, true);
        }
    }

    /**
     * Builds the tokenizer the text section names.
     *
     * <p>For {@code clip-bpe} the vocabulary is CLIP's merges file (gzipped or not); {@link #read} has already made
     * sure it exists. CLIP always lower-cases, whatever {@code lowerCase} says.
     *
     * @param modelDir the model folder, against which the vocabulary file is resolved
     * @return the tokenizer
     */
    public Tokenizer tokenizer(Path modelDir) {
        Path vocabulary = modelDir.resolve(text.vocabulary());
        return switch (text.tokenizer()) {
            case WORDPIECE -> WordPieceTokenizer.load(vocabulary, text.maxLength(), text.lowerCase());
            case CLIP_BPE -> ClipBpeTokenizer.load(vocabulary, text.maxLength());
        };
    }

    /**
     * Reads and validates {@code hiertag-model.json} from a model folder.
     *
     * @param modelDir the model folder
     * @return the contract
     * @throws ModelContractException when the file is missing, malformed or invalid; the message names the field
     */
    public static ModelContract read(Path modelDir) {
        Path file = modelDir.resolve(FILE_NAME);
        ModelContract contract;
        try (InputStream in = Files.newInputStream(file)) {
            contract = MAPPER.readValue(in, ModelContract.class);
        } catch (NoSuchFileException e) {
            throw new ModelContractException(file, null, "file not found", e);
        } catch (JsonMappingException e) {
            throw new ModelContractException(file, jsonPath(e), e.getOriginalMessage(), e);
        } catch (JacksonException e) {
            throw new ModelContractException(file, null, "not valid JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + file, e);
        }
        if (contract == null) {
            throw new ModelContractException(file, null, "empty document");
        }
        contract.validate(file, modelDir);
        return contract;
    }

    /**
     * Writes this contract as {@code hiertag-model.json} into a model folder.
     *
     * @param modelDir the model folder (must exist)
     * @throws UncheckedIOException when the file cannot be written
     */
    public void write(Path modelDir) {
        try {
            MAPPER.writeValue(modelDir.resolve(FILE_NAME).toFile(), this);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write " + modelDir.resolve(FILE_NAME), e);
        }
    }

    /**
     * Identifies the exact model: {@code name@} followed by the first 12 hex digits of a SHA-256 over the
     * model's files ({@code saved_model.pb}, {@code variables/*}, the vocabulary and {@code hiertag-model.json}),
     * each hashed with its relative path and length, in the order of their relative paths.
     *
     * @param modelDir the model folder
     * @return e.g. {@code hiertag-test-model@3fa2c19b04de}
     * @throws UncheckedIOException when a file cannot be read
     */
    public String modelId(Path modelDir) {
        MessageDigest sha256;
        try {
            sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("Every Java platform must provide SHA-256", e);
        }
        byte[] buffer = new byte[1 << 16];
        try {
            for (Path file : modelFiles(modelDir)) {
                String relative = modelDir.relativize(file).toString().replace('\\', '/');
                sha256.update(relative.getBytes(StandardCharsets.UTF_8));
                sha256.update(ByteBuffer.allocate(Long.BYTES + 1).put((byte) 0).putLong(Files.size(file)).flip());
                try (InputStream in = Files.newInputStream(file)) {
                    for (int n; (n = in.read(buffer)) > 0; ) {
                        sha256.update(buffer, 0, n);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot hash the model files in " + modelDir, e);
        }
        String hex = HexFormat.of().formatHex(sha256.digest());
        return name + "@" + hex.substring(0, MODEL_ID_HEX_CHARS);
    }

    private List<Path> modelFiles(Path modelDir) throws IOException {
        List<Path> files = new ArrayList<>();
        files.add(modelDir.resolve(SAVED_MODEL_FILE));
        Path variables = modelDir.resolve("variables");
        if (Files.isDirectory(variables)) {
            try (Stream<Path> walk = Files.walk(variables)) {
                files.addAll(walk.filter(Files::isRegularFile).collect(Collectors.toList()));
            }
        }
        files.add(modelDir.resolve(text.vocabulary()));
        files.add(modelDir.resolve(FILE_NAME));
        files.sort(Comparator.comparing(f -> modelDir.relativize(f).toString().replace('\\', '/')));
        return files;
    }

    private void validate(Path file, Path modelDir) {
        if (contractVersion != VERSION) {
            throw new ModelContractException(file, "contractVersion",
                    "is " + contractVersion + ", this code reads version " + VERSION);
        }
        requireText(file, "name", name);
        requirePositive(file, "embeddingSize", embeddingSize);
        if (image == null) {
            throw new ModelContractException(file, "image", "must be an object");
        }
        requireText(file, "image.signature", image.signature());
        requireText(file, "image.input", image.input());
        requireText(file, "image.output", image.output());
        requirePositive(file, "image.size", image.size());
        if (image.resize() == null) {
            throw new ModelContractException(file, "image.resize",
                    "must be pil-bicubic, pil-bilinear, tf-bilinear, tf-bicubic or tf-area");
        }
        validateNormalization(file, image.normalization());
        if (text == null) {
            throw new ModelContractException(file, "text", "must be an object");
        }
        requireText(file, "text.signature", text.signature());
        requireText(file, "text.input", text.input());
        if (text.maskInput() != null && (text.maskInput().isBlank() || text.maskInput().equals(text.input()))) {
            throw new ModelContractException(file, "text.maskInput", "must be null or a second input's name");
        }
        requireText(file, "text.output", text.output());
        if (text.tokenizer() == null) {
            throw new ModelContractException(file, "text.tokenizer", "must be wordpiece or clip-bpe");
        }
        requireText(file, "text.vocabulary", text.vocabulary());
        if (!Files.isRegularFile(modelDir.resolve(text.vocabulary()))) {
            throw new ModelContractException(file, "text.vocabulary",
                    "file " + modelDir.resolve(text.vocabulary()) + " not found");
        }
        requirePositive(file, "text.maxLength", text.maxLength());
    }

    private static void validateNormalization(Path file, Normalization normalization) {
        if (normalization instanceof Normalization.MeanStd meanStd) {
            if (meanStd.mean() == null || meanStd.mean().size() != 3 || meanStd.mean().contains(null)) {
                throw new ModelContractException(file, "image.normalization.mean", "needs 3 values (R, G, B)");
            }
            if (meanStd.std() == null || meanStd.std().size() != 3
                    || !meanStd.std().stream().allMatch(s -> s != null && s > 0)) {
                throw new ModelContractException(file, "image.normalization.std", "needs 3 positive values");
            }
        } else if (normalization instanceof Normalization.Range range) {
            if (!(range.max() > range.min())) {
                throw new ModelContractException(file, "image.normalization.max", "must be greater than min");
            }
        } else {
            throw new ModelContractException(file, "image.normalization",
                    "must be {\"type\": \"mean-std\", ...} or {\"type\": \"range\", ...}");
        }
    }

    private static void requireText(Path file, String field, String value) {
        if (value == null || value.isBlank()) {
            throw new ModelContractException(file, field, "must not be blank");
        }
    }

    private static void requirePositive(Path file, String field, int value) {
        if (value <= 0) {
            throw new ModelContractException(file, field, "must be positive, is " + value);
        }
    }

    private static String jsonPath(JsonMappingException e) {
        StringBuilder path = new StringBuilder();
        for (JsonMappingException.Reference ref : e.getPath()) {
            if (ref.getIndex() >= 0) {
                path.append('[').append(ref.getIndex()).append(']');
            } else if (ref.getFieldName() != null) {
                path.append(path.length() == 0 ? "" : ".").append(ref.getFieldName());
            }
        }
        return path.length() == 0 ? null : path.toString();
    }
}
