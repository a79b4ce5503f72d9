package io.hiertag.testmodel;

import com.google.protobuf.CodedOutputStream;
import io.hiertag.image.Normalization;
import io.hiertag.image.Resize;
import io.hiertag.model.ModelContract;
import io.hiertag.model.TensorFlowNatives;
import io.hiertag.text.Tokenizer;
import io.hiertag.text.WordPieceTokenizer;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.Signature;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Assign;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.ReduceSum;
import org.tensorflow.op.core.Variable;
import org.tensorflow.proto.SavedModel;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * Writes a deterministic test model: a SavedModel with the signatures {@code embed_images} and
 * {@code embed_texts} (architecture in {@link TestModelVariant}, weights in {@link TestModelWeights}), its
 * {@code vocab.txt} and its {@code hiertag-model.json} ({@link #contract(TestModelVariant)}).
 *
 * <p>The vocabulary is {@code [PAD] [UNK] [CLS] [SEP]}, then every printable ASCII character and its {@code ##}
 * form (so any ASCII word splits into pieces, never {@code [UNK]}), then every distinct word of the corpus after
 * {@link WordPieceTokenizer}'s lower-casing basic tokenisation, sorted.
 *
 * <p>Weights are variables set by feeding placeholders, not constants, so they are stored once, in
 * {@code variables/}, and {@code saved_model.pb} stays a few kilobytes. Equal arguments give byte-equal files.
 */
public final class TestModelExporter {

    /** The vocabulary file's name inside the model folder. */
    public static final String VOCABULARY_FILE = "vocab.txt";
    /** Square input side of the default test model in pixels. */
    public static final int IMAGE_SIZE = TestModelVariant.TEST.imageSize();
    /** Token rows are padded or clipped to this length. */
    public static final int MAX_LENGTH = TestModelVariant.MAX_LENGTH;

    private static final Logger log = LoggerFactory.getLogger(TestModelExporter.class);
    private static final List<String> SPECIAL_TOKENS = List.of(
            WordPieceTokenizer.PAD, WordPieceTokenizer.UNK, WordPieceTokenizer.CLS, "[SEP]");
    private TestModelExporter() {}

    /** @return the default test model's contract ({@link TestModelVariant#TEST}) */
    public static ModelContract contract() {
        return contract(TestModelVariant.TEST);
    }

    /**
     * @return a variant's contract: CLIP's mean/std normalisation, bilinear resize with centre crop to the
     *     variant's size, lower-casing WordPiece with 16 tokens
     */
    public static ModelContract contract(TestModelVariant variant) {
        return new ModelContract(
                ModelContract.VERSION,
                variant.modelName(),
                variant.embeddingSize(),
                new ModelContract.ImageSpec("embed_images", "images", "embeddings", variant.imageSize(),
                        Resize.TF_BILINEAR, true,
                        new Normalization.MeanStd(List.of(0.48145466, 0.4578275, 0.40821073),
                                List.of(0.26862954, 0.26130258, 0.27577711))),
                new ModelContract.TextSpec("embed_texts", "token_ids", null, "embeddings",
                        ModelContract.TokenizerType.WORDPIECE, VOCABULARY_FILE, MAX_LENGTH, true));
    }

    /** Writes the default test model ({@link TestModelVariant#TEST}); see the variant-taking overload. */
    public static void export(Path dir, long seed, Collection<String> corpus) throws IOException {
        export(dir, TestModelVariant.TEST, seed, corpus);
    }

    /**
     * Writes a test model into a folder (created if missing; files of an earlier export are overwritten).
     *
     * @param dir the model folder
     * @param variant the architecture
     * @param seed the weights' seed ({@link TestModelWeights#generate(TestModelVariant, long, int)})
     * @param corpus texts whose words become whole-word tokens
     * @throws IOException when a file cannot be written
     */
    public static void export(Path dir, TestModelVariant variant, long seed, Collection<String> corpus)
            throws IOException {
        TensorFlowNatives.engine(); // loads the natives through DJL's path before any org.tensorflow class
        Files.createDirectories(dir);
        ModelContract contract = contract(variant);
        List<String> vocabulary = vocabulary(corpus);
        TestModelWeights weights = TestModelWeights.generate(variant, seed, vocabulary.size());

        try (Graph graph = new Graph(); Session session = new Session(graph)) {
            Ops tf = Ops.create(graph);
            List<WeightFeed> feeds = new ArrayList<>();
            Signature images = imageTower(tf, contract.image(), weights, feeds);
            Signature texts = textTower(tf, contract.text(), weights, feeds);
            assignWeights(session, feeds);
            SavedModelBundle.exporter(dir.toString())
                    .withSession(session)
                    .withSignature(images)
                    .withSignature(texts)
                    .export();
        }
        serializeDeterministically(dir.resolve(ModelContract.SAVED_MODEL_FILE));
        Files.write(dir.resolve(VOCABULARY_FILE), vocabulary, StandardCharsets.UTF_8);
        contract.write(dir);
        log.info("Exported {} (seed {}, {} tokens) to {}", variant.modelName(), seed, vocabulary.size(), dir);
    }

    /**
     * @param corpus texts whose words become whole-word tokens
     * @return the test vocabulary, id = index
     */
    static List<String> vocabulary(Collection<String> corpus) {
        Set<String> tokens = new LinkedHashSet<>(SPECIAL_TOKENS);
        for (char c = '!'; c <= '~'; c++) {
            tokens.add(String.valueOf(c));
            tokens.add(WordPieceTokenizer.CONTINUATION + c);
        }
        Set<String> words = new TreeSet<>();
        for (String text : corpus) {
            words.addAll(WordPieceTokenizer.basicTokens(text, true));
        }
        tokens.addAll(words);
        return List.copyOf(tokens);
    }

    // TensorFlow writes each node's attribute map in hash order, so two equal exports differ byte for byte;
    // deterministic serialisation makes them equal, and so their modelId and any cache keyed by it.
    private static void serializeDeterministically(Path savedModel) throws IOException {
        SavedModel model = SavedModel.parseFrom(Files.readAllBytes(savedModel));
        try (OutputStream out = Files.newOutputStream(savedModel)) {
            CodedOutputStream coded = CodedOutputStream.newInstance(out);
            coded.useDeterministicSerialization();
            model.writeTo(coded);
            coded.flush();
        }
    }

    private static Signature imageTower(
            Ops tf, ModelContract.ImageSpec spec, TestModelWeights weights, List<WeightFeed> feeds) {
        Placeholder<TFloat32> images = tf.withName(spec.input())
                .placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, -1, -1, 3)));
        TestModelVariant variant = weights.variant();
        Operand<TFloat32> x = images;
        for (int l = 0; l < variant.layers().size(); l++) {
            TestModelVariant.Conv conv = variant.layers().get(l);
            int in = variant.inChannels(l);
            Variable<TFloat32> kernel = weight(tf, "conv" + (l + 1) + "_kernel", weights.convKernel(l), feeds,
                    conv.kernel(), conv.kernel(), in, conv.out());
            Variable<TFloat32> bias = weight(tf, "conv" + (l + 1) + "_bias", weights.convBias(l), feeds,
                    conv.out());
            List<Long> strides = List.of(1L, (long) conv.stride(), (long) conv.stride(), 1L);
            x = tf.nn.relu(tf.nn.biasAdd(tf.nn.conv2d(x, kernel, strides, "SAME"), bias));
        }
        Operand<TFloat32> pooled = tf.math.mean(x, tf.constant(new int[] {1, 2}));
        int e = variant.embeddingSize();
        Variable<TFloat32> projection = weight(tf, "image_projection", weights.imageProjection(), feeds,
                variant.pooledChannels(), e);
        Operand<TFloat32> embeddings = l2Normalize(tf, tf.linalg.matMul(pooled, projection), "image_embeddings");
        return Signature.builder().key(spec.signature())
                .input(spec.input(), images)
                .output(spec.output(), embeddings)
                .build();
    }

    private static Signature textTower(
            Ops tf, ModelContract.TextSpec spec, TestModelWeights weights, List<WeightFeed> feeds) {
        Placeholder<TInt32> ids = tf.withName(spec.input())
                .placeholder(TInt32.class, Placeholder.shape(Shape.of(-1, -1)));
        int e = weights.variant().embeddingSize();
        Variable<TFloat32> table = weight(tf, "text_token_embeddings", weights.tokenEmbeddings(), feeds,
                weights.vocabularySize(), e);
        Operand<TFloat32> tokens = tf.gather(table, ids, tf.constant(0));
        if (weights.variant().textLayers() > 0) {
            // Dense layers on each token: the rows are flattened to [batch·length, e] and shaped back after.
            Operand<TInt32> shape = tf.shape(tokens);
            Operand<TFloat32> flat = tf.reshape(tokens, tf.constant(new int[] {-1, e}));
            for (int l = 0; l < weights.variant().textLayers(); l++) {
                Variable<TFloat32> kernel = weight(tf, "text_dense" + (l + 1) + "_kernel", weights.textKernel(l),
                        feeds, e, e);
                Variable<TFloat32> bias = weight(tf, "text_dense" + (l + 1) + "_bias", weights.textBias(l), feeds,
                        e);
                flat = tf.nn.relu(tf.nn.biasAdd(tf.linalg.matMul(flat, kernel), bias));
            }
            tokens = tf.reshape(flat, shape);
        }
        // Padding (id 0) must not dilute the mean: average only the real tokens; an empty row stays zero.
        Operand<TFloat32> mask = tf.dtypes.cast(tf.math.notEqual(ids, tf.constant(Tokenizer.PAD_ID)), TFloat32.class);
        Operand<TFloat32> sum = tf.reduceSum(tf.math.mul(tokens, tf.expandDims(mask, tf.constant(-1))),
                tf.constant(1));
        Operand<TFloat32> count = tf.reduceSum(mask, tf.constant(1), ReduceSum.keepDims(true));
        Operand<TFloat32> mean = tf.math.div(sum, tf.math.maximum(count, tf.constant(1f)));
        Variable<TFloat32> projection = weight(tf, "text_projection", weights.textProjection(), feeds, e, e);
        Operand<TFloat32> embeddings = l2Normalize(tf, tf.linalg.matMul(mean, projection), "text_embeddings");
        return Signature.builder().key(spec.signature())
                .input(spec.input(), ids)
                .output(spec.output(), embeddings)
                .build();
    }

    // y * rsqrt(max(sum(y²), 1e-12)) per row: the epsilon keeps an all-zero row at zero instead of NaN.
    private static Operand<TFloat32> l2Normalize(Ops tf, Operand<TFloat32> y, String name) {
        Operand<TFloat32> squares = tf.reduceSum(tf.math.square(y), tf.constant(1), ReduceSum.keepDims(true));
        return tf.withName(name).math.mul(y, tf.math.rsqrt(tf.math.maximum(squares, tf.constant(1e-12f))));
    }

    private static Variable<TFloat32> weight(
            Ops tf, String name, float[] values, List<WeightFeed> feeds, long... dims) {
        Shape shape = Shape.of(dims);
        Variable<TFloat32> variable = tf.withName(name).variable(shape, TFloat32.class);
        Placeholder<TFloat32> feed = tf.placeholder(TFloat32.class, Placeholder.shape(shape));
        feeds.add(new WeightFeed(feed, tf.assign(variable, feed), values, shape));
        return variable;
    }

    private static void assignWeights(Session session, List<WeightFeed> feeds) {
        List<Tensor> tensors = new ArrayList<>();
        try {
            Session.Runner runner = session.runner();
            for (WeightFeed f : feeds) {
                TFloat32 tensor = TFloat32.tensorOf(f.shape(), DataBuffers.of(f.values(), true, false));
                tensors.add(tensor);
                runner.feed(f.placeholder(), tensor).addTarget(f.assign());
            }
            runner.run().close();
        } finally {
            tensors.forEach(Tensor::close);
        }
    }

    private record WeightFeed(Placeholder<TFloat32> placeholder, Assign<TFloat32> assign, float[] values,
            Shape shape) {}
}
