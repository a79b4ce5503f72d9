package io.hiertag.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.hiertag.image.Normalization;
import io.hiertag.image.Resize;
import io.hiertag.model.ModelContract;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WordPieceTokenizerTest {

    // id = index
    private static final List<String> VOCABULARY = List.of(
            "[PAD]", "[UNK]", "[CLS]", "[SEP]", // 0-3
            "un", "##aff", "##able", "the", "cafe", // 4-8
            ",", "!", "a", "##b", "##c", "cat", "'", "s", "大"); // 9-17

    private final WordPieceTokenizer lower = new WordPieceTokenizer(VOCABULARY, 8, true);

    @Test
    void splitsIntoLongestSubWordsWithContinuationMarks() {
        assertEquals(List.of("un", "##aff", "##able"), lower.tokenize("unaffable"));
        assertEquals(List.of("a", "##b", "##c", "##b"), lower.tokenize("abcb"));
    }

    @Test
    void aWordThatCannotBeSplitIsOneUnknown() {
        assertEquals(List.of("[UNK]"), lower.tokenize("xyz"));
        // "un" matches but "##x" does not: the whole word is unknown, not "un [UNK]".
        assertEquals(List.of("the", "[UNK]", "cat"), lower.tokenize("the unx cat"));
        assertEquals(List.of("[UNK]"), lower.tokenize("a".repeat(101)));
    }

    @Test
    void encodeStartsWithClsHasNoSepAndPadsWithZero() {
        assertArrayEquals(new int[] {2, 7, 14, 0, 0, 0, 0, 0}, lower.encode("the cat"));
        assertArrayEquals(new int[] {2, 0, 0, 0, 0, 0, 0, 0}, lower.encode(""));
        assertArrayEquals(new int[] {2, 0, 0, 0, 0, 0, 0, 0}, lower.encode(" \t\n "));
        assertEquals(8, lower.maxLength());
    }

    @Test
    void encodeClipsToMaxLength() {
        assertArrayEquals(new int[] {2, 7, 7, 7}, new WordPieceTokenizer(VOCABULARY, 4, true)
                .encode("the the the the the"));
        // Clipping may cut a word's pieces: LiT does the same.
        assertArrayEquals(new int[] {2, 4, 5}, new WordPieceTokenizer(VOCABULARY, 3, true).encode("unaffable"));
        assertArrayEquals(new int[] {2}, new WordPieceTokenizer(VOCABULARY, 1, true).encode("the cat"));
    }

    @Test
    void lowerCasesAndStripsAccentsWhenAsked() {
        assertEquals(List.of("the", "cafe"), lower.tokenize("THE Café"));
        assertEquals(List.of("cafe"), lower.tokenize("CAFÉ")); // decomposed É -> E + combining acute
        WordPieceTokenizer cased = new WordPieceTokenizer(VOCABULARY, 8, false);
        assertEquals(List.of("[UNK]", "[UNK]"), cased.tokenize("The café"));
        assertEquals(List.of("the", "cafe"), cased.tokenize("the cafe"));
    }

    @Test
    void everyPunctuationCharacterIsItsOwnToken() {
        assertEquals(List.of("the", ",", "cat", "!", "!"), lower.tokenize("the,cat!!"));
        assertEquals(List.of("cat", "'", "s"), lower.tokenize("cat's"));
        assertEquals(List.of("[UNK]", "cat", "[UNK]"), lower.tokenize("(cat)")); // ( and ) are not in the vocabulary
        assertEquals(List.of("大", "[UNK]"), lower.tokenize("大猫")); // each CJK ideograph is a word
    }

    @Test
    void dropsControlCharactersAndSplitsOnAnyWhitespace() {
        assertEquals(List.of("cat"), lower.tokenize("c\u0000a\u200Bt"));
        assertEquals(List.of("the", "cat"), lower.tokenize("the\u00A0\tcat\r\n"));
    }

    @Test
    void theVocabularyMustStartWithPad() {
        assertThrows(IllegalArgumentException.class,
                () -> new WordPieceTokenizer(List.of("[UNK]", "[PAD]", "[CLS]"), 8, true));
        assertThrows(IllegalArgumentException.class,
                () -> new WordPieceTokenizer(List.of("[PAD]", "[CLS]"), 8, true));
    }

    @Test
    void loadsTheVocabularyFileTheContractNames(@TempDir Path dir) throws IOException {
        Files.write(dir.resolve("vocab.txt"), VOCABULARY);
        ModelContract contract = new ModelContract(ModelContract.VERSION, "lit", 64,
                ModelContract.ImageSpec.standard(224, Resize.TF_BILINEAR, false, new Normalization.Range(-1, 1)),
                ModelContract.TextSpec.standard(ModelContract.TokenizerType.WORDPIECE, "vocab.txt", 16, true));
        Tokenizer tokenizer = contract.tokenizer(dir);
        assertEquals(16, tokenizer.maxLength());
        assertArrayEquals(new int[] {2, 7, 8, 10, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, tokenizer.encode("The café!"));
    }
}
