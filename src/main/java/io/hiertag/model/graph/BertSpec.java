package io.hiertag.model.graph;

/**
 * BERT as LiT's text tower runs it (flaxformer's {@code BertEncoder}): token, position and segment-0 embeddings
 * summed and layer-normed, post-norm blocks that ignore the padding (id 0), the {@code [CLS]} position's features
 * and an optional linear head with bias.
 *
 * @param vocabularySize the rows of the token-embedding table
 * @param contextLength the token rows' length; the first rows of the position table are used
 * @param transformer the blocks; its epsilon is also the embedding norm's
 * @param embeddingSize the head's output size, or 0 for no head
 */
public record BertSpec(int vocabularySize, int contextLength, TransformerSpec transformer, int embeddingSize)
        implements TextTowerSpec {

    public BertSpec {
        if (vocabularySize < 1 || contextLength < 1 || embeddingSize < 0) {
            throw new IllegalArgumentException("Bad BERT tower: vocabulary " + vocabularySize + ", context "
                    + contextLength + ", embedding " + embeddingSize);
        }
    }

    @Override
    public int outputSize() {
        return embeddingSize > 0 ? embeddingSize : transformer.width();
    }
}
