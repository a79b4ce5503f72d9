package io.hiertag.model.graph;

/** A text tower: token ids {@code [batch, length]} in, any length up to {@code contextLength}; a vector a row out. */
public sealed interface TextTowerSpec permits ClipTextSpec, BertSpec {

    /** @return the token rows' length */
    int contextLength();

    /** @return the rows of the token-embedding table */
    int vocabularySize();

    /** @return the tower's output size */
    int outputSize();

    /** @return the blocks */
    TransformerSpec transformer();

    /** Floating-point operations of one token row. */
    default long flops() {
        return transformer().flops(contextLength()) + 2L * transformer().width() * outputSize();
    }
}
