package io.hiertag.model;

import java.nio.file.Path;

/** Turns a text into the fixed-length token-id row a text signature takes. Implementations are thread-safe. */
public interface Tokenizer {

    /** The id every row is padded with; the text towers treat it as "no token". */
    int PAD_ID = 0;

    /**
     * @param text any text
     * @return exactly {@link #maxLength()} ids: the tokens, clipped or padded with {@link #PAD_ID}
     */
    int[] encode(String text);

    /** @return the length of every encoded row */
    int maxLength();

    /**
     * Builds the tokenizer a model's contract names.
     *
     * @param contract the model's contract
     * @param modelDir the model folder, against which the vocabulary file is resolved
     * @return the tokenizer
     * @throws UnsupportedOperationException for a tokenizer type not implemented yet
     */
    static Tokenizer forContract(ModelContract contract, Path modelDir) {
        ModelContract.TextSpec text = contract.text();
        return switch (text.tokenizer()) {
            case WORDPIECE -> WordPieceTokenizer.load(
                    modelDir.resolve(text.vocabulary()), text.maxLength(), text.lowerCase());
            case CLIP_BPE -> throw new UnsupportedOperationException("Tokenizer clip-bpe is not yet supported");
        };
    }
}
