package io.hiertag.model;

import java.nio.file.Path;
import java.util.Arrays;

/** Turns a text into the fixed-length token-id row a text signature takes. Implementations are thread-safe. */
public interface Tokenizer {

    /** The id every row is padded with; the text towers treat it as "no token". */
    int PAD_ID = 0;

    /**
     * @param text any text
     * @return exactly {@link #maxLength()} ids: the tokens, clipped or padded with {@link #PAD_ID}
     */
    default int[] encode(String text) {
        return Arrays.copyOf(encodeUnpadded(text), maxLength()); // zero-filled: PAD_ID
    }

    /**
     * The ids the model is fed, without the padding: what {@code hiertag tokenize} shows.
     *
     * @param text any text
     * @return the start token(s), the text's tokens and any end token, clipped to {@link #maxLength()}
     */
    int[] encodeUnpadded(String text);

    /** @return the length of every encoded row */
    int maxLength();

    /**
     * Builds the tokenizer a model's contract names.
     *
     * <p>For {@code clip-bpe} the vocabulary is CLIP's merges file (gzipped or not); the contract check has
     * already made sure it exists. CLIP always lower-cases, whatever {@code lowerCase} says.
     *
     * @param contract the model's contract
     * @param modelDir the model folder, against which the vocabulary file is resolved
     * @return the tokenizer
     */
    static Tokenizer forContract(ModelContract contract, Path modelDir) {
        ModelContract.TextSpec text = contract.text();
        Path vocabulary = modelDir.resolve(text.vocabulary());
        return switch (text.tokenizer()) {
            case WORDPIECE -> WordPieceTokenizer.load(vocabulary, text.maxLength(), text.lowerCase());
            case CLIP_BPE -> ClipBpeTokenizer.load(vocabulary, text.maxLength());
        };
    }
}
