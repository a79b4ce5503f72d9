package io.hiertag.text;

import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;

/**
 * CLIP's byte-level BPE, as OpenAI's {@code simple_tokenizer.py} and {@code clip.tokenize} do it.
 *
 * <p>The text is cleaned ({@link ClipTextCleaner}: ftfy's fixes less mojibake repair, HTML references decoded,
 * whitespace collapsed, lower case), split into pieces (words, single digits, runs of other symbols, English
 * contractions such as {@code 's}), and each piece's UTF-8 bytes are merged by BPE, the last byte marked as the
 * end of a word ({@code </w>}). A row is {@code <|startoftext|>}, the tokens, {@code <|endoftext|>}; a longer one is
 * clipped to the context length with {@code <|endoftext|>} as its last token, as {@code clip.tokenize(...,
 * truncate=True)} does. As in the reference, the texts {@code <|startoftext|>} and {@code <|endoftext|>} inside
 * the input become those special tokens.
 *
 * <p>The vocabulary comes from a merges file ({@code bpe_simple_vocab_16e6.txt}, gzipped or not): a header line,
 * then one merge per line. Ids are the 256 byte symbols, the same with {@code </w>}, one per merge for the first
 * {@value #MERGES} merges, then the start and end tokens: {@value #VOCABULARY_SIZE} in all.
 *
 * <p>Thread-safe: the vocabulary is immutable and the BPE cache is concurrent.
 */
public final class ClipBpeTokenizer implements Tokenizer {

    /** The number of merges CLIP uses (49152 - 256 - 2); later lines of the file are ignored. */
    public static final int MERGES = 48_894;
    /** The id of {@code <|startoftext|>}. */
    public static final int START_ID = 2 * 256 + MERGES;
    /** The id of {@code <|endoftext|>}. */
    public static final int END_ID = START_ID + 1;
    /** The number of ids. */
    public static final int VOCABULARY_SIZE = END_ID + 1;
    /** CLIP's context length. */
    public static final int CONTEXT_LENGTH = 77;

    /** The resource holding the CLIP merges file hiertag ships, as OpenAI publishes it. */
    public static final String BUNDLED = "/hiertag/tokenizers/clip-bpe-vocab-16e6.txt.gz";
    private static final String START_TEXT = "<|startoftext|>";
    private static final String END_TEXT = "<|endoftext|>";
    private static final String END_OF_WORD = "</w>";
    // CLIP's split pattern. It is case-insensitive, which matters even on lower-cased text: "'ſ" (long s) is a
    // contraction like "'s"; and U+0345, whose case-fold iota is a letter, is neither letter nor symbol, so it
    // falls between pieces and is dropped, which leaving it out of the last class reproduces.
    private static final Pattern PIECE = Pattern.compile(
            "<\\|startoftext\\|>|<\\|endoftext\\|>|'s|'t|'re|'ve|'m|'ll|'d|\\p{L}+|\\p{N}|[^\\s\\p{L}\\p{N}\\x{345}]+",
            Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE | Pattern.UNICODE_CHARACTER_CLASS);
    // The reference caches every piece forever; a long-running service must not, so the cache starts over when full.
    private static final int MAX_CACHED_PIECES = 100_000;
    // Bytes '!'..'~', 0xA1..0xAC and 0xAE..0xFF.
    private static final int PRINTABLE_BYTES = 94 + 12 + 82;

    private final List<String> vocabulary;
    private final int[] byteIds;
    private final int[] byteOfSymbol;
    // Key: the two parts' ids; value: the merge's rank. A rank's parts and result are in the arrays below.
    private final Map<Long, Integer> ranks;
    private final int[] firstOfRank;
    private final int[] secondOfRank;
    private final int[] mergedOfRank;
    private final int contextLength;
    private final Map<String, int[]> cache = new ConcurrentHashMap<>();

    private ClipBpeTokenizer(List<String[]> merges, int contextLength) {
        if (contextLength < 2) {
            throw new IllegalArgumentException("contextLength must leave room for the start and end tokens, is "
                    + contextLength);
        }
        // CLIP's bytes_to_unicode: the printable Latin-1 bytes stand for themselves and come first (ids 0-187);
        // the others (controls, space, soft hyphen) follow as the characters from U+0100 on, so no symbol is
        // whitespace or a control.
        this.byteIds = new int[256];
        this.byteOfSymbol = new int[2 * 256 - PRINTABLE_BYTES];
        List<String> tokens = new ArrayList<>(VOCABULARY_SIZE);
        for (boolean printable : new boolean[] {true, false}) {
            for (int b = 0; b < 256; b++) {
                if (isPrintable(b) == printable) {
                    char symbol = (char) (printable ? b : 256 + tokens.size() - PRINTABLE_BYTES);
                    byteIds[b] = tokens.size();
                    byteOfSymbol[symbol] = b;
                    tokens.add(String.valueOf(symbol));
                }
            }
        }
        for (int id = 0; id < 256; id++) {
            tokens.add(tokens.get(id) + END_OF_WORD);
        }
        for (String[] merge : merges) {
            tokens.add(merge[0] + merge[1]);
        }
        tokens.add(START_TEXT);
        tokens.add(END_TEXT);
        this.vocabulary = List.copyOf(tokens);
        // As in the reference's dict, a token spelled twice has the later id.
        Map<String, Integer> ids = new HashMap<>(VOCABULARY_SIZE * 2);
        for (int id = 0; id < tokens.size(); id++) {
            ids.put(tokens.get(id), id);
        }
        this.ranks = new HashMap<>(MERGES * 2);
        this.firstOfRank = new int[MERGES];
        this.secondOfRank = new int[MERGES];
        this.mergedOfRank = new int[MERGES];
        for (int rank = 0; rank < MERGES; rank++) {
            String[] parts = merges.get(rank);
            firstOfRank[rank] = requiredId(ids, parts[0], rank);
            secondOfRank[rank] = requiredId(ids, parts[1], rank);
            mergedOfRank[rank] = ids.get(parts[0] + parts[1]);
            ranks.put(pair(firstOfRank[rank], secondOfRank[rank]), rank);
        }
        this.contextLength = contextLength;
    }

    /**
     * Reads a merges file.
     *
     * @param mergesFile CLIP's {@code bpe_simple_vocab_16e6.txt}, gzipped or plain UTF-8
     * @param contextLength the length of every encoded row, at least 2
     * @return the tokenizer
     * @throws UncheckedIOException when the file cannot be read
     * @throws IllegalArgumentException when it has fewer than {@value #MERGES} merges or a malformed one
     */
    public static ClipBpeTokenizer load(Path mergesFile, int contextLength) {
        try (InputStream in = Files.newInputStream(mergesFile)) {
            return new ClipBpeTokenizer(readMerges(in, mergesFile.toString()), contextLength);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read BPE merges " + mergesFile, e);
        }
    }

    /**
     * The tokenizer with the merges file shipped in this jar (CLIP's {@code bpe_simple_vocab_16e6.txt.gz}).
     *
     * @param contextLength the length of every encoded row, at least 2; CLIP's is {@value #CONTEXT_LENGTH}
     * @return the tokenizer
     */
    public static ClipBpeTokenizer bundled(int contextLength) {
        try (InputStream in = ClipBpeTokenizer.class.getResourceAsStream(BUNDLED)) {
            if (in == null) {
                throw new IllegalStateException("Missing resource " + BUNDLED);
            }
            return new ClipBpeTokenizer(readMerges(in, BUNDLED), contextLength);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read BPE merges " + BUNDLED, e);
        }
    }

    /** Writes the merges file hiertag ships ({@link #BUNDLED}, gzipped) to a file, for a model folder to name. */
    public static void writeBundled(Path file) throws IOException {
        try (InputStream in = ClipBpeTokenizer.class.getResourceAsStream(BUNDLED)) {
            if (in == null) {
                throw new IllegalStateException("Missing resource " + BUNDLED);
            }
            Files.copy(in, file);
        }
    }

    /**
     * {@inheritDoc}
     *
     * @return start id, token ids, end id; at most {@link #maxLength()} ids, the last one always the end id
     */
    @Override
    public int[] encodeUnpadded(String text) {
        int[] row = new int[contextLength];
        int count = 0;
        row[count++] = START_ID;
        Matcher pieces = PIECE.matcher(ClipTextCleaner.clean(text));
        // Tokens past the context length would be cut, so pieces after it are not even merged.
        while (count < contextLength && pieces.find()) {
            for (int id : pieceIds(pieces.group())) {
                if (count == contextLength) {
                    break;
                }
                row[count++] = id;
            }
        }
        if (count < contextLength) {
            row[count++] = END_ID;
        } else {
            row[contextLength - 1] = END_ID;
        }
        return Arrays.copyOf(row, count);
    }

    @Override
    public int maxLength() {
        return contextLength;
    }

    /** @return the number of ids, {@value #VOCABULARY_SIZE} */
    public int vocabularySize() {
        return vocabulary.size();
    }

    /**
     * @param id a token id
     * @return the token as the vocabulary spells it: bytes as CLIP's printable stand-ins, {@code </w>} marking
     *     the end of a word, e.g. {@code hello</w>}
     */
    public String token(int id) {
        return vocabulary.get(id);
    }

    /**
     * Turns ids back into text as the reference's {@code decode} does: the tokens' bytes read as UTF-8 (invalid
     * sequences, e.g. from a character split across tokens, become U+FFFD), each {@code </w>} a space.
     *
     * @param ids token ids
     * @return the text
     */
    public String decode(int... ids) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (int id : ids) {
            String token = vocabulary.get(id);
            for (int i = 0; i < token.length(); i++) {
                bytes.write(byteOfSymbol[token.charAt(i)]);
            }
        }
        return bytes.toString(StandardCharsets.UTF_8).replace(END_OF_WORD, " ");
    }

    private int[] pieceIds(String piece) {
        if (piece.equals(START_TEXT)) {
            return new int[] {START_ID};
        }
        if (piece.equals(END_TEXT)) {
            return new int[] {END_ID};
        }
        int[] cached = cache.get(piece);
        if (cached == null) {
            cached = bpe(piece.getBytes(StandardCharsets.UTF_8));
            if (cache.size() >= MAX_CACHED_PIECES) {
                cache.clear();
            }
            cache.put(piece, cached);
        }
        return cached;
    }

    /**
     * Merges a piece's byte symbols: repeatedly the pair of lowest rank, all its occurrences left to right, as the
     * reference does; a heap of candidate pairs keeps this O(n log n) for long pieces, where the reference's
     * rescans are quadratic.
     */
    private int[] bpe(byte[] bytes) {
        int n = bytes.length;
        int[] symbols = new int[n];
        int[] next = new int[n];
        int[] prev = new int[n];
        for (int i = 0; i < n; i++) {
            symbols[i] = byteIds[bytes[i] & 0xFF];
            next[i] = i + 1 < n ? i + 1 : -1;
            prev[i] = i - 1;
        }
        symbols[n - 1] += 256; // the same byte with </w>
        // Entries are rank << 32 | position: equal ranks come out left to right. Stale entries are skipped.
        PriorityQueue<Long> candidates = new PriorityQueue<>();
        for (int i = 0; i + 1 < n; i++) {
            offer(candidates, symbols, next, i);
        }
        List<Integer> merged = new ArrayList<>();
        while (!candidates.isEmpty()) {
            int rank = (int) (candidates.peek() >>> 32);
            merged.clear();
            while (!candidates.isEmpty() && (int) (candidates.peek() >>> 32) == rank) {
                int left = (int) (long) candidates.poll();
                int right = next[left];
                if (symbols[left] == firstOfRank[rank] && right >= 0 && symbols[right] == secondOfRank[rank]) {
                    symbols[left] = mergedOfRank[rank];
                    symbols[right] = -1;
                    next[left] = next[right];
                    if (next[right] >= 0) {
                        prev[next[right]] = left;
                    }
                    merged.add(left);
                }
            }
            // The new pairs join only after this merge is done everywhere, even if they rank lower.
            for (int left : merged) {
                if (prev[left] >= 0) {
                    offer(candidates, symbols, next, prev[left]);
                }
                offer(candidates, symbols, next, left);
            }
        }
        int[] ids = new int[n];
        int count = 0;
        for (int i = 0; i >= 0; i = next[i]) {
            ids[count++] = symbols[i];
        }
        return Arrays.copyOf(ids, count);
    }

    private void offer(PriorityQueue<Long> candidates, int[] symbols, int[] next, int left) {
        if (next[left] < 0) {
            return;
        }
        Integer rank = ranks.get(pair(symbols[left], symbols[next[left]]));
        if (rank != null) {
            candidates.add((long) rank << 32 | left);
        }
    }

    private static long pair(int first, int second) {
        return (long) first << 32 | second;
    }

    private static int requiredId(Map<String, Integer> ids, String part, int rank) {
        Integer id = ids.get(part);
        if (id == null) {
            throw new IllegalArgumentException("Merge " + (rank + 1) + " uses " + part + ", which no earlier merge "
                    + "or byte makes");
        }
        return id;
    }

    private static List<String[]> readMerges(InputStream raw, String source) throws IOException {
        BufferedInputStream in = new BufferedInputStream(raw);
        in.mark(2);
        boolean gzipped = in.read() == 0x1F && in.read() == 0x8B;
        in.reset();
        BufferedReader reader = new BufferedReader(new InputStreamReader(
                gzipped ? new GZIPInputStream(in) : in, StandardCharsets.UTF_8));
        reader.readLine(); // the version header
        List<String[]> merges = new ArrayList<>(MERGES);
        for (String line; merges.size() < MERGES && (line = reader.readLine()) != null; ) {
            String[] parts = line.strip().split("\\s+");
            if (parts.length != 2) {
                throw new IllegalArgumentException(source + " line " + (merges.size() + 2)
                        + " is not a merge of two symbols: " + line);
            }
            merges.add(parts);
        }
        if (merges.size() < MERGES) {
            throw new IllegalArgumentException(source + " has " + merges.size() + " merges, CLIP uses " + MERGES);
        }
        return merges;
    }

    private static boolean isPrintable(int b) {
        return (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
    }
}
