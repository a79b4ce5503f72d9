package io.hiertag.model.graph;

import com.google.protobuf.CodedOutputStream;
import io.hiertag.model.ModelContract;
import io.hiertag.model.TensorFlowNatives;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.Signature;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.ReduceSum;
import org.tensorflow.proto.SavedModel;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * Writes a dual encoder as a SavedModel: an image tower and a text tower, their weights from a
 * {@link WeightSource}, the two signatures the contract names, both outputs L2-normalised. The batch dimension is
 * open, and so is the token length up to the text tower's context length (padding changes no text's embedding,
 * so callers may cut a batch to its longest text); the image side is fixed by the tower. Only standard
 * TensorFlow ops are used, so the same folder runs on a CPU or a GPU.
 */
public final class DualEncoderWriter {

    private DualEncoderWriter() {
    }

    /**
     * Writes {@code saved_model.pb} and {@code variables/} into a folder (created if missing); the contract file
     * and vocabulary are the caller's. Equal arguments give byte-equal files.
     *
     * @param contract names the signatures, inputs and outputs; its sizes must agree with the towers
     * @throws IllegalArgumentException when the contract and the towers disagree
     * @throws RuntimeException whatever the source throws for a weight it cannot give, before anything is read
     */
    public static void write(Path dir, ModelContract contract, VitSpec image, TextTowerSpec text,
            WeightSource source) throws IOException {
        requireAgreement(contract, image, text);
        TensorFlowNatives.engine(); // loads the natives through DJL's path before any org.tensorflow class
        Files.createDirectories(dir);
        try (Graph graph = new Graph(); Session session = new Session(graph)) {
            Ops tf = Ops.create(graph);
            TransformerGraph g = new TransformerGraph(tf, new GraphWeights(tf));
            ModelContract.ImageSpec imageSpec = contract.image();
            Placeholder<TFloat32> images = tf.withName(imageSpec.input()).placeholder(TFloat32.class,
                    Placeholder.shape(Shape.of(-1, image.imageSize(), image.imageSize(), 3)));
            Operand<TFloat32> imageEmbeddings = l2Normalize(tf, VitGraph.build(g, image, images), "image_embeddings");
            ModelContract.TextSpec textSpec = contract.text();
            Placeholder<TInt32> ids = tf.withName(textSpec.input()).placeholder(TInt32.class,
                    Placeholder.shape(Shape.of(-1, -1)));
            Operand<TFloat32> textEmbeddings = l2Normalize(tf, text instanceof BertSpec bert
                    ? BertGraph.build(g, bert, ids) : ClipTextGraph.build(g, (ClipTextSpec) text, ids),
                    "text_embeddings");
            g.weights().assign(session, source);
            SavedModelBundle.exporter(dir.toString())
                    .withSession(session)
                    .withSignature(Signature.builder().key(imageSpec.signature())
                            .input(imageSpec.input(), images).output(imageSpec.output(), imageEmbeddings).build())
                    .withSignature(Signature.builder().key(textSpec.signature())
                            .input(textSpec.input(), ids).output(textSpec.output(), textEmbeddings).build())
                    .export();
        }
        serializeDeterministically(dir.resolve(ModelContract.SAVED_MODEL_FILE));
    }

    private static void requireAgreement(ModelContract contract, VitSpec image, TextTowerSpec text) {
        if (contract.image().size() != image.imageSize() || contract.text().maxLength() != text.contextLength()
                || contract.embeddingSize() != image.outputSize() || contract.embeddingSize() != text.outputSize()
                || contract.text().maskInput() != null) {
            throw new IllegalArgumentException("The contract (image " + contract.image().size() + " px, "
                    + contract.text().maxLength() + " tokens, embedding " + contract.embeddingSize()
                    + ", mask input " + contract.text().maskInput() + ") does not match the towers (image "
                    + image.imageSize() + " px, " + text.contextLength() + " tokens, outputs " + image.outputSize()
                    + " and " + text.outputSize() + ", no mask input)");
        }
    }

    // y * rsqrt(max(sum(y²), 1e-12)) per row: the epsilon keeps an all-zero row at zero instead of NaN.
    private static Operand<TFloat32> l2Normalize(Ops tf, Operand<TFloat32> y, String name) {
        Operand<TFloat32> squares = tf.reduceSum(tf.math.square(y), tf.constant(1), ReduceSum.keepDims(true));
        return tf.withName(name).math.mul(y, tf.math.rsqrt(tf.math.maximum(squares, tf.constant(1e-12f))));
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
}
