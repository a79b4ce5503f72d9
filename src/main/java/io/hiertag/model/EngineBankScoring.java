package io.hiertag.model;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.hiertag.zeroshot.BankScoring;
import io.hiertag.zeroshot.BlockScores;
import io.hiertag.zeroshot.ClassifierBank;
import java.nio.FloatBuffer;

/**
 * Scores a batch against every classifier of a {@link ClassifierBank} with one matrix product on the TensorFlow
 * engine, then reduces on the engine too (argmax and max per classifier), so only small results come back to
 * Java. The bank is uploaded once, transposed, when this is created, to the device the model runs on (the
 * engine's default device would put it on a GPU even with {@code device=cpu}).
 *
 * <p>Thread-safe: each call works in its own sub-manager; the uploaded bank is only read.
 */
public final class EngineBankScoring implements BankScoring {

    private final NDManager manager;
    private final NDArray allT;
    private final NDArray nameT;
    private final int classes;
    private final int dimension;
    private final int blocks;

    /** @param device where the bank lives and the products run: the model's own device */
    public EngineBankScoring(ClassifierBank bank, Device device) {
        this.classes = bank.classes();
        this.dimension = bank.dimension();
        this.blocks = bank.blocks();
        this.manager = TensorFlowNatives.engine().newBaseManager(device);
        NDArray w = manager.create(FloatBuffer.wrap(bank.weights()), new Shape((long) blocks * classes, dimension));
        this.allT = w.transpose();
        // The flipped images only need the class-name block; a separate copy avoids slicing per batch.
        this.nameT = w.get("0:" + classes + ", :").transpose();
        w.close();
    }

    @Override
    public BlockScores score(float[] queries, int n, int usedBlocks, int fullBlocks) {
        if (usedBlocks != blocks && usedBlocks != 1) {
            throw new IllegalArgumentException("score all " + blocks + " classifiers or the class name only");
        }
        try (NDManager m = manager.newSubManager()) {
            NDArray q = m.create(FloatBuffer.wrap(queries, 0, n * dimension), new Shape(n, dimension));
            NDArray logits = q.matMul(usedBlocks == 1 ? nameT : allT).reshape(n, usedBlocks, classes);
            long[] argmax = logits.argMax(2).toLongArray();
            float[] max = logits.max(new int[] {2}).toFloatArray();
            float[] full = fullBlocks == 0 ? new float[0]
                    : logits.get(":, 0:" + fullBlocks + ", :").toFloatArray();
            int[] arg = new int[argmax.length];
            for (int i = 0; i < arg.length; i++) {
                arg[i] = (int) argmax[i];
            }
            return new BlockScores(n, usedBlocks, fullBlocks, classes, arg, max, full);
        }
    }

    @Override
    public void close() {
        manager.close();
    }
}
