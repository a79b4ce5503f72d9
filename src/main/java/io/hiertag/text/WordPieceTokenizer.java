package io.hiertag.text;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * BERT-style WordPiece, as LiT's text towers use it: {@code [CLS]} first, no {@code [SEP]}, padded with
 * {@code [PAD]} (id 0) or clipped to {@link #maxLength()}.
 *
 * <p>Basic tokenisation follows BERT's: control characters are dropped, any whitespace separates words, each
 * punctuation character and each CJK ideograph becomes its own word; with {@code lowerCase} the text is
 * lower-cased and stripped of accents (NFD, combining marks dropped), as BERT's uncased models do; a cased
 * vocabulary keeps its accents. Each word is then split greedily, longest match first, into pieces whose
 * continuations carry a {@code ##} prefix; a word that cannot be split, or of more than 100 characters, becomes
 * {@code [UNK]}.
 *
 * <p>Immutable and thread-safe.
 */
public final class WordPieceTokenizer implements Tokenizer {

    // Public for the test model's exporter, which writes a vocabulary this tokenizer reads.
    public static final String PAD = "[PAD]";
    public static final String UNK = "[UNK]";
    public static final String CLS = "[CLS]";
    /** Marks a word piece that continues the word before it. */
    public static final String CONTINUATION = "##";
    // BERT's limit: longer "words" are noise (URLs, base64) and would cost quadratic time.
    private static final int MAX_WORD_CHARS = 100;

    private final List<String> vocabulary;
    private final Map<String, Integer> ids;
    private final int maxLength;
    private final boolean lowerCase;
    private final int unkId;
    private final int clsId;

    /**
     * @param vocabulary the tokens, id = index; must start with {@code [PAD]} and contain {@code [UNK]} and
     *     {@code [CLS]}
     * @param maxLength the length of every encoded row, at least 1
     * @param lowerCase lower-case and strip accents before splitting
     */
    public WordPieceTokenizer(List<String> vocabulary, int maxLength, boolean lowerCase) {
        if (maxLength < 1) {
            throw new IllegalArgumentException("maxLength must be at least 1, is " + maxLength);
        }
        if (vocabulary.isEmpty() || !PAD.equals(vocabulary.get(PAD_ID))) {
            throw new IllegalArgumentException("The vocabulary must start with " + PAD + " (id " + PAD_ID + ")");
        }
        this.vocabulary = List.copyOf(vocabulary);
        this.ids = new HashMap<>(vocabulary.size() * 2);
        for (int i = 0; i < vocabulary.size(); i++) {
            ids.put(vocabulary.get(i), i);
        }
        this.unkId = requiredId(UNK);
        this.clsId = requiredId(CLS);
        this.maxLength = maxLength;
        this.lowerCase = lowerCase;
    }

    /**
     * Reads a vocabulary file: one token per line (UTF-8, surrounding whitespace ignored), id = line number
     * counted from 0.
     *
     * @param vocabularyFile the file
     * @param maxLength the length of every encoded row
     * @param lowerCase lower-case and strip accents before splitting
     * @return the tokenizer
     * @throws UncheckedIOException when the file cannot be read
     */
    public static WordPieceTokenizer load(Path vocabularyFile, int maxLength, boolean lowerCase) {
        try {
            List<String> lines = Files.readAllLines(vocabularyFile, StandardCharsets.UTF_8);
            return new WordPieceTokenizer(lines.stream().map(String::strip).toList(), maxLength, lowerCase);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read vocabulary " + vocabularyFile, e);
        }
    }

    @Override
    public int[] encodeUnpadded(String text) {
        List<Integer> pieces = pieceIds(text, maxLength - 1);
        int[] row = new int[pieces.size() + 1];
        row[0] = clsId;
        for (int i = 0; i < pieces.size(); i++) {
            row[i + 1] = pieces.get(i);
        }
        return row;
    }

    @Override
    public int maxLength() {
        return maxLength;
    }

    /**
     * @param text any text
     * @return its word pieces, without {@code [CLS]}, padding or clipping
     */
    public List<String> tokenize(String text) {
        return pieceIds(text, Integer.MAX_VALUE).stream().map(vocabulary::get).toList();
    }

    /**
     * BERT's basic tokenisation (everything before WordPiece): the words and punctuation marks of a text.
     *
     * @param text any text
     * @param lowerCase lower-case and strip accents
     * @return the words, in order
     */
    public static List<String> basicTokens(String text, boolean lowerCase) {
        String normalized = lowerCase ? stripAccents(text.toLowerCase(Locale.ROOT)) : text;
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        for (int i = 0; i < normalized.length(); ) {
            int cp = normalized.codePointAt(i);
            i += Character.charCount(cp);
            if (isWhitespace(cp)) {
                flush(word, words);
            } else if (isPunctuation(cp) || isCjk(cp)) {
                flush(word, words);
                words.add(Character.toString(cp));
            } else if (!isDropped(cp)) {
                word.appendCodePoint(cp);
            }
        }
        flush(word, words);
        return words;
    }

    private List<Integer> pieceIds(String text, int limit) {
        List<Integer> out = new ArrayList<>();
        for (String word : basicTokens(text, lowerCase)) {
            if (out.size() >= limit) {
                break;
            }
            appendPieces(word, out);
        }
        return out.size() > limit ? out.subList(0, limit) : out;
    }

    private void appendPieces(String word, List<Integer> out) {
        if (word.codePointCount(0, word.length()) > MAX_WORD_CHARS) {
            out.add(unkId);
            return;
        }
        List<Integer> pieces = new ArrayList<>();
        for (int start = 0; start < word.length(); ) {
            Integer id = null;
            int end = word.length();
            while (end > start) {
                String piece = word.substring(start, end);
                id = ids.get(start == 0 ? piece : CONTINUATION + piece);
                if (id != null) {
                    break;
                }
                end = word.offsetByCodePoints(end, -1);
            }
            if (id == null) {
                out.add(unkId);
                return;
            }
            pieces.add(id);
            start = end;
        }
        out.addAll(pieces);
    }

    private int requiredId(String token) {
        Integer id = ids.get(token);
        if (id == null) {
            throw new IllegalArgumentException("The vocabulary has no " + token);
        }
        return id;
    }

    private static String stripAccents(String text) {
        String decomposed = Normalizer.normalize(text, Normalizer.Form.NFD);
        StringBuilder out = new StringBuilder(decomposed.length());
        decomposed.codePoints()
                .filter(cp -> Character.getType(cp) != Character.NON_SPACING_MARK)
                .forEach(out::appendCodePoint);
        return out.toString();
    }

    private static void flush(StringBuilder word, List<String> words) {
        if (word.length() > 0) {
            words.add(word.toString());
            word.setLength(0);
        }
    }

    private static boolean isWhitespace(int cp) {
        return cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r'
                || Character.getType(cp) == Character.SPACE_SEPARATOR;
    }

    // BERT drops NUL, the replacement character and every "other" (C*) character that is not whitespace.
    private static boolean isDropped(int cp) {
        if (cp == 0 || cp == 0xFFFD) {
            return true;
        }
        int type = Character.getType(cp);
        return type == Character.CONTROL || type == Character.FORMAT || type == Character.PRIVATE_USE
                || type == Character.UNASSIGNED || type == Character.SURROGATE;
    }

    // BERT counts all non-alphanumeric ASCII as punctuation (e.g. $, +, ^), plus Unicode's P* categories.
    private static boolean isPunctuation(int cp) {
        if ((cp >= 33 && cp <= 47) || (cp >= 58 && cp <= 64) || (cp >= 91 && cp <= 96) || (cp >= 123 && cp <= 126)) {
            return true;
        }
        int type = Character.getType(cp);
        return type == Character.CONNECTOR_PUNCTUATION || type == Character.DASH_PUNCTUATION
                || type == Character.START_PUNCTUATION || type == Character.END_PUNCTUATION
                || type == Character.INITIAL_QUOTE_PUNCTUATION || type == Character.FINAL_QUOTE_PUNCTUATION
                || type == Character.OTHER_PUNCTUATION;
    }

    // CJK ideographs are written without spaces; BERT makes each its own word.
    private static boolean isCjk(int cp) {
        return (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF)
                || (cp >= 0x20000 && cp <= 0x2A6DF) || (cp >= 0x2A700 && cp <= 0x2B73F)
                || (cp >= 0x2B740 && cp <= 0x2B81F) || (cp >= 0x2B820 && cp <= 0x2CEAF)
                || (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0x2F800 && cp <= 0x2FA1F);
    }
}
