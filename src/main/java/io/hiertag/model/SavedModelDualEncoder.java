package io.hiertag.model;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.engine.Engine;
import ai.djl.engine.StandardCapabilities;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ModelNotFoundException;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.tensorflow.engine.SavedModelBundle;
import ai.djl.tensorflow.engine.TfSymbolBlock;
import ai.djl.training.ParameterStore;
import io.hiertag.image.ImagePreprocessor;
import io.hiertag.text.Tokenizer;
import io.hiertag.zeroshot.BankScoring;
import io.hiertag.zeroshot.ClassifierBank;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import java.util.stream.IntStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One loaded image-text SavedModel and its contract: embeds preprocessed images and texts.
 *
 * <p>The SavedModel is loaded once through DJL (image signature); the text signature runs on the same
 * {@link SavedModelBundle}. Both signatures are checked against the contract at load, because DJL itself only
 * warns about a missing signature and then runs whichever comes first. Inputs are passed as NDArrays named after
 * the contract's inputs, so DJL never matches them by position.
 *
 * <p>Thread-safe: calls are serialised by one lock. DJL does not promise that a {@code TfSymbolBlock} may run
 * concurrently, and one batch already keeps every core busy through TensorFlow's intra-op threads. Tokenising
 * happens outside the lock. Each call works in its own {@link NDManager}, closed before it returns, so no
 * native memory outlives a call.
 */
public final class SavedModelDualEncoder implements AutoCloseable {

    // Bounds the native tensors of one call when a caller embeds tens of thousands of prompts at once.
    private static final int TEXT_CHUNK = 256;
    private static final Logger log = LoggerFactory.getLogger(SavedModelDualEncoder.class);

    private final ModelContract contract;
    private final String modelId;
    private final Tokenizer tokenizer;
    private final ZooModel<NDList, NDList> model;
    private final TfSymbolBlock imageBlock;
    private final TfSymbolBlock textBlock;
    private final Device device;
    private final ReentrantLock lock = new ReentrantLock();
    private boolean closed;

    private SavedModelDualEncoder(ModelContract contract, String modelId, Tokenizer tokenizer,
            ZooModel<NDList, NDList> model, TfSymbolBlock imageBlock, TfSymbolBlock textBlock, Device device) {
        this.contract = contract;
        this.modelId = modelId;
        this.tokenizer = tokenizer;
        this.model = model;
        this.imageBlock = imageBlock;
        this.textBlock = textBlock;
        this.device = device;
    }

    /**
     * Reads the folder's contract, loads its SavedModel and verifies both signatures.
     *
     * @param modelDir a folder holding {@code saved_model.pb}, {@code variables/}, the vocabulary and
     *     {@code hiertag-model.json}
     * @return the open encoder; close it to free the native model
     * @throws ModelContractException when the contract is invalid or the SavedModel does not match it
     * @throws UncheckedIOException when the model files cannot be read
     */
    public static SavedModelDualEncoder open(Path modelDir) {
        return open(modelDir, ModelDevice.AUTO);
    }

    /**
     * As {@link #open(Path)}, on the given device; logs where TensorFlow can place the model.
     *
     * @throws IllegalStateException when {@code device} is GPU and TensorFlow sees no usable GPU
     */
    public static SavedModelDualEncoder open(Path modelDir, ModelDevice device) {
        ModelContract contract = ModelContract.read(modelDir);
        Tokenizer tokenizer = contract.tokenizer(modelDir);
        Engine engine = TensorFlowNatives.engine();
        boolean gpu = engine.hasCapability(StandardCapabilities.CUDA);
        if (device == ModelDevice.GPU && !gpu) {
            throw new IllegalStateException("device=gpu but TensorFlow " + engine.getVersion() + " sees no usable "
                    + "GPU (is the build made with -Pgpu, and are the NVIDIA driver and libcuda.so.1 present?)");
        }
        Device placement = device == ModelDevice.CPU || !gpu ? Device.cpu() : Device.gpu();
        log.info("TensorFlow {}: {}; the model runs on {}", engine.getVersion(),
                gpu ? "a GPU is usable" : "no usable GPU, falling back to the CPU", placement);
        long start = System.nanoTime();
        ZooModel<NDList, NDList> model = load(modelDir, contract, placement);
        try {
            TfSymbolBlock imageBlock = (TfSymbolBlock) model.getBlock();
            SavedModelBundle bundle = imageBlock.getSavedModelBundle();
            SignatureCheck.verify(modelDir.resolve(ModelContract.FILE_NAME), contract,
                    bundle.getMetaGraphDef().getSignatureDefMap());
            // Shares the bundle: closing this block would close the session under the image block too.
            TfSymbolBlock textBlock = new TfSymbolBlock(bundle, contract.text().signature());
            String modelId = contract.modelId(modelDir);
            log.info("Loaded model {} from {} in {} ms: signatures {}({}) and {}({})", modelId, modelDir,
                    (System.nanoTime() - start) / 1_000_000, contract.image().signature(), contract.image().input(),
                    contract.text().signature(), contract.text().input());
            return new SavedModelDualEncoder(contract, modelId, tokenizer, model, imageBlock, textBlock, placement);
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
    }

    /** @return the model's contract */
    public ModelContract contract() {
        return contract;
    }

    /** @return {@link ModelContract#modelId(Path)} of the loaded folder */
    public String modelId() {
        return modelId;
    }

    /**
     * Scores batches against a classifier bank on the engine, on the device this model runs on.
     *
     * @param bank the label set's classifiers
     * @return the scoring; close it to free the uploaded bank
     */
    public BankScoring bankScoring(ClassifierBank bank) {
        return new EngineBankScoring(bank, device);
    }

    /** @return the length of every embedding */
    public int embeddingSize() {
        return contract.embeddingSize();
    }

    /**
     * Embeds preprocessed images of the contract's size.
     *
     * @param nhwc {@code count × size × size × 3} floats (see {@link ImagePreprocessor}); may be longer, the
     *     rest is ignored
     * @param count the number of images
     * @return one embedding per image
     */
    public float[][] embedImages(float[] nhwc, int count) {
        int size = contract.image().size();
        return embedImages(nhwc, count, size, size);
    }

    /**
     * Embeds preprocessed images of any size the model accepts (a ViT takes only its own).
     *
     * @param nhwc {@code count × height × width × 3} floats; may be longer, the rest is ignored
     * @param count the number of images
     * @param height image height in pixels
     * @param width image width in pixels
     * @return one embedding per image
     */
    public float[][] embedImages(float[] nhwc, int count, int height, int width) {
        if (count < 0 || height <= 0 || width <= 0) {
            throw new IllegalArgumentException("Bad batch shape " + count + "×" + height + "×" + width);
        }
        long length = 3L * count * height * width;
        if (nhwc.length < length) {
            throw new IllegalArgumentException(
                    "Need " + length + " floats for " + count + " images, got " + nhwc.length);
        }
        if (count == 0) {
            return new float[0][];
        }
        String input = contract.image().input();
        Shape shape = new Shape(count, height, width, 3);
        return run(imageBlock, contract.image().output(), count, manager -> {
            // Wrapping avoids a Java-side copy; DJL copies once into a direct buffer for TensorFlow.
            NDArray images = manager.create(FloatBuffer.wrap(nhwc, 0, Math.toIntExact(length)), shape);
            images.setName(input);
            return new NDList(images);
        });
    }

    /**
     * Tokenises texts with the contract's tokenizer and embeds them.
     *
     * @param texts any texts
     * @return one embedding per text
     */
    public float[][] embedTexts(List<String> texts) {
        return embedTokenIds(texts.stream().map(tokenizer::encode).toArray(int[][]::new));
    }

    /**
     * Embeds token-id rows (all of one length, padded with {@link Tokenizer#PAD_ID}), in chunks of 256. When the
     * contract says padding changes nothing ({@code text.trimPadding}), rows go in order of their length and each
     * chunk is cut to its longest: prompts are a few tokens of CLIP's 77, and a text tower's time follows the
     * tokens it is given.
     *
     * @param ids the rows
     * @return one embedding per row, in the rows' order
     */
    public float[][] embedTokenIds(int[][] ids) {
        float[][] embeddings = new float[ids.length][];
        if (ids.length == 0) {
            return embeddings;
        }
        int length = ids[0].length;
        for (int[] row : ids) {
            if (row.length != length || length == 0) {
                throw new IllegalArgumentException("Token rows must share one non-zero length, found "
                        + length + " and " + row.length);
            }
        }
        int[] used = new int[ids.length];
        for (int r = 0; r < ids.length; r++) {
            used[r] = contract.text().trimPadding() ? usedLength(ids[r]) : length;
        }
        int[] order = IntStream.range(0, ids.length).boxed().sorted(Comparator.comparingInt(r -> used[r]))
                .mapToInt(Integer::intValue).toArray();
        for (int from = 0; from < ids.length; from += TEXT_CHUNK) {
            int rows = Math.min(TEXT_CHUNK, ids.length - from);
            float[][] chunk = embedTokenChunk(ids, order, from, rows, used[order[from + rows - 1]]);
            for (int r = 0; r < rows; r++) {
                embeddings[order[from + r]] = chunk[r];
            }
        }
        return embeddings;
    }

    /** @return the row's length without the padding after its last token (at least 1) */
    private static int usedLength(int[] row) {
        int end = row.length;
        while (end > 1 && row[end - 1] == Tokenizer.PAD_ID) {
            end--;
        }
        return end;
    }

    /** Embeds rows {@code order[from … from + rows − 1]}, each cut to its first {@code length} ids. */
    private float[][] embedTokenChunk(int[][] ids, int[] order, int from, int rows, int length) {
        int[] flat = new int[rows * length];
        for (int r = 0; r < rows; r++) {
            System.arraycopy(ids[order[from + r]], 0, flat, r * length, length);
        }
        ModelContract.TextSpec text = contract.text();
        Shape shape = new Shape(rows, length);
        return run(textBlock, text.output(), rows, manager -> {
            NDArray tokens = manager.create(IntBuffer.wrap(flat), shape);
            tokens.setName(text.input());
            NDList inputs = new NDList(tokens);
            if (text.maskInput() != null) {
                int[] mask = new int[flat.length];
                for (int i = 0; i < flat.length; i++) {
                    mask[i] = flat[i] == Tokenizer.PAD_ID ? 0 : 1;
                }
                NDArray maskArray = manager.create(IntBuffer.wrap(mask), shape);
                maskArray.setName(text.maskInput());
                inputs.add(maskArray);
            }
            return inputs;
        });
    }

    private float[][] run(TfSymbolBlock block, String output, int rows, Function<NDManager, NDList> inputs) {
        int size = contract.embeddingSize();
        lock.lock();
        try {
            if (closed) {
                throw new IllegalStateException("Model " + modelId + " is closed");
            }
            try (NDManager manager = model.getNDManager().newSubManager()) {
                NDArray result = block.forward(new ParameterStore(manager, false), inputs.apply(manager), false)
                        .get(output);
                if (!result.getShape().equals(new Shape(rows, size))) {
                    throw new IllegalStateException("Output '" + output + "' has shape " + result.getShape()
                            + ", expected (" + rows + ", " + size + ") from embeddingSize in the contract");
                }
                float[] flat = result.toFloatArray();
                float[][] embeddings = new float[rows][];
                for (int r = 0; r < rows; r++) {
                    embeddings[r] = Arrays.copyOfRange(flat, r * size, (r + 1) * size);
                }
                return embeddings;
            }
        } finally {
            lock.unlock();
        }
    }

    /** Frees the native model. Idempotent; later calls to embed fail. */
    @Override
    public void close() {
        lock.lock();
        try {
            if (!closed) {
                closed = true;
                model.close(); // closes the shared bundle, and with it the text signature
            }
        } finally {
            lock.unlock();
        }
    }

    private static ZooModel<NDList, NDList> load(Path modelDir, ModelContract contract, Device device) {
        Criteria<NDList, NDList> criteria = Criteria.builder()
                .setTypes(NDList.class, NDList.class)
                .optModelPath(modelDir)
                .optDevice(device)
                .optEngine(TensorFlowNatives.ENGINE_NAME)
                .optOption("Tags", "serve")
                .optOption("SignatureDefKey", contract.image().signature())
                .build();
        try {
            return criteria.loadModel();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the SavedModel in " + modelDir, e);
        } catch (ModelNotFoundException | MalformedModelException e) {
            throw new ModelContractException(modelDir.resolve(ModelContract.SAVED_MODEL_FILE), null,
                    "not a loadable SavedModel with tag 'serve': " + e.getMessage(), e);
        }
    }
}
