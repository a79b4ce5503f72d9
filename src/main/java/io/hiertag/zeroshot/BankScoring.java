package io.hiertag.zeroshot;

/**
 * Scores image embeddings against a {@link ClassifierBank}. The production implementation runs one matrix
 * product on the model's engine; {@link JavaBankScoring} is the plain reference used by tests and small banks.
 */
public interface BankScoring extends AutoCloseable {

    /**
     * @param queries {@code n × dimension} unit image embeddings, row-major
     * @param blocks how many leading classifiers of the bank to use (1 for the class name only)
     * @param fullBlocks how many leading classifiers to return full logits for
     */
    BlockScores score(float[] queries, int n, int blocks, int fullBlocks);

    @Override
    default void close() {
    }
}
