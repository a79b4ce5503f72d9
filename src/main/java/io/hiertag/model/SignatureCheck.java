package io.hiertag.model;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.SignatureDef;
import org.tensorflow.proto.TensorInfo;
import org.tensorflow.proto.TensorShapeProto;

/**
 * Checks a SavedModel's two signatures against its contract when it is loaded: DJL itself only warns about a
 * missing signature and then runs whichever comes first, and TensorFlow would report a wrong input only at the
 * first call. Every failure names the contract file and the field to fix.
 */
final class SignatureCheck {

    private SignatureCheck() {
    }

    /**
     * @param file the contract file, named in errors
     * @throws ModelContractException when a signature, input or output is missing or of the wrong type or shape
     */
    static void verify(Path file, ModelContract contract, Map<String, SignatureDef> signatures) {
        ModelContract.ImageSpec image = contract.image();
        SignatureDef imageSignature = signature(file, signatures, "image", image.signature());
        TensorInfo images = input(file, imageSignature, "image.input", image.input(), DataType.DT_FLOAT);
        requireNoOtherInputs(file, imageSignature, "image", image.input());
        TensorShapeProto imageShape = images.getTensorShape();
        if (!imageShape.getUnknownRank()) {
            List<TensorShapeProto.Dim> dims = imageShape.getDimList();
            if (dims.size() != 4 || dims.get(3).getSize() != 3) {
                throw new ModelContractException(file, "image.input", "'" + image.input() + "' has shape "
                        + shape(imageShape) + ", expected NHWC with 3 channels");
            }
            for (int axis = 1; axis <= 2; axis++) {
                long side = dims.get(axis).getSize();
                if (side > 0 && side != image.size()) {
                    throw new ModelContractException(file, "image.size", "is " + image.size() + " but '"
                            + image.input() + "' has shape " + shape(imageShape));
                }
            }
        }
        long imageEmbedding = output(file, imageSignature, "image.output", image.output());

        ModelContract.TextSpec text = contract.text();
        SignatureDef textSignature = signature(file, signatures, "text", text.signature());
        TensorInfo ids = input(file, textSignature, "text.input", text.input(), DataType.DT_INT32);
        requireTokenShape(file, "text.input", text, text.input(), ids);
        if (text.maskInput() != null) {
            TensorInfo mask = input(file, textSignature, "text.maskInput", text.maskInput(), DataType.DT_INT32);
            requireTokenShape(file, "text.maskInput", text, text.maskInput(), mask);
            requireNoOtherInputs(file, textSignature, "text", text.input(), text.maskInput());
        } else {
            requireNoOtherInputs(file, textSignature, "text", text.input());
        }
        long textEmbedding = output(file, textSignature, "text.output", text.output());
        requireEmbeddingSize(file, contract, imageEmbedding, textEmbedding);
    }

    private static void requireTokenShape(Path file, String field, ModelContract.TextSpec text, String name,
            TensorInfo info) {
        TensorShapeProto shape = info.getTensorShape();
        if (shape.getUnknownRank()) {
            return;
        }
        if (shape.getDimCount() != 2) {
            throw new ModelContractException(file, field, "'" + name + "' has shape " + shape(shape)
                    + ", expected [batch, maxLength]");
        }
        long length = shape.getDim(1).getSize();
        if (length > 0 && length != text.maxLength()) {
            throw new ModelContractException(file, "text.maxLength", "is " + text.maxLength() + " but '" + name
                    + "' has shape " + shape(shape));
        }
        if (length > 0 && text.trimPadding()) {
            throw new ModelContractException(file, "text.trimPadding", "is true but '" + name + "' has shape "
                    + shape(shape) + ": the signature takes no other length");
        }
    }

    // The towers are compared with each other first: when they disagree, no embeddingSize can fix the model.
    private static void requireEmbeddingSize(Path file, ModelContract contract, long image, long text) {
        if (image > 0 && text > 0 && image != text) {
            throw new ModelContractException(file, "embeddingSize", "the towers disagree: image output '"
                    + contract.image().output() + "' has " + image + " values, text output '"
                    + contract.text().output() + "' has " + text);
        }
        long model = Math.max(image, text);
        if (model > 0 && model != contract.embeddingSize()) {
            throw new ModelContractException(file, "embeddingSize", "is " + contract.embeddingSize()
                    + " but the model's outputs have " + model + " values");
        }
    }

    private static SignatureDef signature(
            Path file, Map<String, SignatureDef> signatures, String section, String key) {
        SignatureDef signature = signatures.get(key);
        if (signature == null) {
            throw new ModelContractException(file, section + ".signature", "the SavedModel has no signature '"
                    + key + "'; it has " + new TreeSet<>(signatures.keySet()));
        }
        return signature;
    }

    private static TensorInfo input(Path file, SignatureDef signature, String field, String name, DataType type) {
        TensorInfo info = signature.getInputsMap().get(name);
        if (info == null) {
            throw new ModelContractException(file, field, "the signature has no input '" + name + "'; it has "
                    + new TreeSet<>(signature.getInputsMap().keySet()));
        }
        if (info.getDtype() != type) {
            throw new ModelContractException(file, field, "input '" + name + "' is " + info.getDtype()
                    + ", expected " + type);
        }
        return info;
    }

    // DJL would pass nothing for an input the contract does not name, and TensorFlow would fail at run time.
    private static void requireNoOtherInputs(Path file, SignatureDef signature, String section, String... names) {
        TreeSet<String> extra = new TreeSet<>(signature.getInputsMap().keySet());
        extra.removeAll(List.of(names));
        if (!extra.isEmpty()) {
            throw new ModelContractException(file, section + ".input",
                    "the signature also takes inputs " + extra + " that the contract does not name");
        }
    }

    /** @return the output's embedding length, or -1 when the SavedModel leaves it open */
    private static long output(Path file, SignatureDef signature, String field, String name) {
        TensorInfo info = signature.getOutputsMap().get(name);
        if (info == null) {
            throw new ModelContractException(file, field, "the signature has no output '" + name + "'; it has "
                    + new TreeSet<>(signature.getOutputsMap().keySet()));
        }
        if (info.getDtype() != DataType.DT_FLOAT) {
            throw new ModelContractException(file, field, "output '" + name + "' is " + info.getDtype()
                    + ", expected " + DataType.DT_FLOAT);
        }
        TensorShapeProto shape = info.getTensorShape();
        if (shape.getUnknownRank()) {
            return -1;
        }
        if (shape.getDimCount() != 2) {
            throw new ModelContractException(file, field, "output '" + name + "' has shape " + shape(shape)
                    + ", expected [batch, embeddingSize]");
        }
        return shape.getDim(1).getSize();
    }

    private static String shape(TensorShapeProto shape) {
        return shape.getDimList().stream().map(d -> String.valueOf(d.getSize())).toList().toString();
    }
}
