package io.hiertag.model.graph;

/**
 * CLIP's text transformer: token and position embeddings, pre-norm blocks under a causal mask, a final layer norm,
 * the features at the end-of-text token (the row's largest id, as CLIP's {@code argmax} pooling takes it) and a
 * projection without bias.
 *
 * @param vocabularySize the rows of the token-embedding table
 * @param contextLength the token rows' length (the position table's rows), 77 for CLIP
 * @param transformer the blocks
 * @param embeddingSize the projection's output size
 */
public record ClipTextSpec(int vocabularySize, int contextLength, TransformerSpec transformer, int embeddingSize)
        implements TextTowerSpec {

    public ClipTextSpec {
        if (vocabularySize < 1 || contextLength < 2 || embeddingSize < 1) {
            throw new IllegalArgumentException("Bad CLIP text tower: vocabulary " + vocabularySize + ", context "
                    + contextLength + ", embedding " + embeddingSize);
        }
    }

    @Override
    public int outputSize() {
        return embeddingSize;
    }
}
