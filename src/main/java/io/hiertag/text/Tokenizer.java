package io.hiertag.text;


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
}
