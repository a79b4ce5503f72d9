package io.hiertag.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hiertag.model.ModelContract;
import io.hiertag.testmodel.TestModelExporter;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

class ClipBpeTokenizerTest {

    private static final ClipBpeTokenizer CLIP = ClipBpeTokenizer.bundled(ClipBpeTokenizer.CONTEXT_LENGTH);
    private static final int S = ClipBpeTokenizer.START_ID;
    private static final int E = ClipBpeTokenizer.END_ID;
    private static final int A = 320; // "a</w>"

    /** One line of clip-bpe-cases.tsv: the text and the ids OpenAI's tokenizer gives it. */
    private record Case(String text, int[] ids) {}

    @TestFactory
    Stream<DynamicTest> matchesEveryReferenceCase() throws IOException {
        List<Case> cases = referenceCases();
        assertEquals(82, cases.size());
        return cases.stream().map(c -> DynamicTest.dynamicTest(shortName(c.text()), () -> {
            assertArrayEquals(c.ids(), CLIP.encodeUnpadded(c.text()));
            assertArrayEquals(Arrays.copyOf(c.ids(), 77), CLIP.encode(c.text()));
        }));
    }

    @Test
    void knownAnswerPadsWithZeros() {
        int[] expected = new int[77];
        System.arraycopy(new int[] {49406, 3306, 1002, 256, 49407}, 0, expected, 0, 5);
        assertArrayEquals(expected, CLIP.encode("Hello World!"));
        assertArrayEquals(new int[] {49406, 3306, 1002, 256, 49407}, CLIP.encodeUnpadded("Hello World!"));
        assertEquals(77, CLIP.maxLength());
    }

    @Test
    void vocabularyIsBytesThenBytesEndingAWordThenMergesThenSpecialTokens() {
        assertEquals(49408, CLIP.vocabularySize());
        assertEquals(49406, S);
        assertEquals(49407, E);
        // Printable bytes first, in byte order: '!' .. '~', '¡' .. '¬', '®' .. 'ÿ'.
        assertEquals("!", CLIP.token(0));
        assertEquals("a", CLIP.token(64));
        assertEquals("~", CLIP.token(93));
        assertEquals("¡", CLIP.token(94));
        assertEquals("®", CLIP.token(106));
        assertEquals("ÿ", CLIP.token(187));
        // Then the other bytes, as U+0100 on: NUL, ..., space (the 33rd), ..., soft hyphen last.
        assertEquals("\u0100", CLIP.token(188));
        assertEquals("\u0120", CLIP.token(188 + ' '));
        assertEquals("\u0143", CLIP.token(255));
        assertEquals("!</w>", CLIP.token(256));
        assertEquals("a</w>", CLIP.token(A));
        assertEquals("\u0143</w>", CLIP.token(511));
        assertEquals("in", CLIP.token(512)); // the first merge, "i n"
        assertEquals("<|startoftext|>", CLIP.token(S));
        assertEquals("<|endoftext|>", CLIP.token(E));
        assertArrayEquals(new int[] {S, A, E}, CLIP.encodeUnpadded("a"));
        assertArrayEquals(new int[] {S, 93 + 256, E}, CLIP.encodeUnpadded("~"));
        assertEquals(" ", CLIP.decode(188 + ' '));
    }

    @Test
    void normalisesWhitespaceAndCase() {
        int[] plain = CLIP.encodeUnpadded("hello world!");
        assertArrayEquals(plain, CLIP.encodeUnpadded("  Hello \t\n  WORLD!  "));
        assertArrayEquals(plain, CLIP.encodeUnpadded("HELLO\u00a0\u2003\u3000world!"));
        assertArrayEquals(new int[] {S, E}, CLIP.encodeUnpadded(" \t\n "));
        assertArrayEquals(new int[] {S, E}, CLIP.encodeUnpadded(""));
    }

    @Test
    void clipsToTheContextLengthKeepingTheEndToken() {
        int[] full = new int[77];
        Arrays.fill(full, A);
        full[0] = S;
        full[76] = E;
        assertArrayEquals(full, CLIP.encodeUnpadded("a ".repeat(75)));
        assertArrayEquals(full, CLIP.encodeUnpadded("a ".repeat(76)));
        assertArrayEquals(full, CLIP.encode("a ".repeat(500)));
        assertEquals(76, CLIP.encodeUnpadded("a ".repeat(74)).length);

        ClipBpeTokenizer four = ClipBpeTokenizer.bundled(4);
        assertArrayEquals(new int[] {S, A, 321, E}, four.encode("a b c d"));
        assertArrayEquals(new int[] {S, A, E, 0}, four.encode("a"));
        assertThrows(IllegalArgumentException.class, () -> ClipBpeTokenizer.bundled(1));
    }

    @Test
    void aLongWordBecomesSeveralTokensThatSpellIt() {
        for (String word : List.of("antidisestablishmentarianism", "pneumonoultramicroscopicsilicovolcanoconiosis")) {
            int[] ids = CLIP.encodeUnpadded(word);
            int[] tokens = Arrays.copyOfRange(ids, 1, ids.length - 1);
            assertTrue(tokens.length > 1, word);
            String spelled = Arrays.stream(tokens).mapToObj(CLIP::token).collect(Collectors.joining());
            assertEquals(word + "</w>", spelled);
            assertEquals(word + " ", CLIP.decode(tokens));
        }
        // Bytes of one character may be split across tokens; decoding all of them restores it.
        int[] ids = CLIP.encodeUnpadded("crème brûlée");
        assertEquals("crème brûlée ", CLIP.decode(Arrays.copyOfRange(ids, 1, ids.length - 1)));
    }

    @Test
    void theSpecialTokensWrittenInTheTextBecomeSpecialTokensAsInTheReference() {
        assertArrayEquals(new int[] {S, A, E, 321, E}, CLIP.encodeUnpadded("a <|endoftext|> b"));
        assertArrayEquals(new int[] {S, 3306, S, E}, CLIP.encodeUnpadded("hello <|startoftext|>"));
    }

    @Test
    void heapMergingEqualsTheReferencesMergeLoop() throws IOException {
        Map<String, Integer> ranks = new HashMap<>();
        try (BufferedReader merges = mergesReader()) {
            merges.readLine();
            for (int rank = 0; rank < ClipBpeTokenizer.MERGES; rank++) {
                ranks.put(merges.readLine(), rank);
            }
        }
        Map<String, Integer> ids = new HashMap<>();
        for (int id = 0; id < CLIP.vocabularySize(); id++) {
            ids.put(CLIP.token(id), id);
        }
        ClipBpeTokenizer unclipped = ClipBpeTokenizer.bundled(1000);
        Random random = new Random(42);
        String letters = "etaoinshrdlucmfwypvbgkjqxz";
        for (int i = 0; i < 1500; i++) {
            String alphabet = letters.substring(0, 2 + random.nextInt(25));
            StringBuilder word = new StringBuilder();
            for (int n = 1 + random.nextInt(i % 10 == 0 ? 300 : 30); n > 0; n--) {
                word.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            int[] expected = mergeLoop(word.toString(), ranks).stream().mapToInt(ids::get).toArray();
            int[] row = unclipped.encodeUnpadded(word.toString());
            assertArrayEquals(expected, Arrays.copyOfRange(row, 1, row.length - 1), word.toString());
        }
    }

    @Test
    void threadsSharingOneTokenizerAgree() throws Exception {
        List<String> texts = new ArrayList<>();
        referenceCases().forEach(c -> texts.add(c.text()));
        IntStream.range(0, 200).forEach(i -> texts.add("photo " + i + " of item" + Integer.toString(i * 7919, 36)));
        ClipBpeTokenizer sequential = ClipBpeTokenizer.bundled(77);
        List<int[]> expected = texts.stream().map(sequential::encode).toList();

        ClipBpeTokenizer shared = ClipBpeTokenizer.bundled(77); // its cache starts empty: the threads fill it
        int threads = 8;
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<List<String>>> results = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                long seed = t;
                Callable<List<String>> task = () -> {
                    List<Integer> order = new ArrayList<>(IntStream.range(0, texts.size()).boxed().toList());
                    Collections.shuffle(order, new Random(seed));
                    start.await();
                    List<String> failures = new ArrayList<>();
                    for (int round = 0; round < 20; round++) {
                        for (int i : order) {
                            if (!Arrays.equals(expected.get(i), shared.encode(texts.get(i)))) {
                                failures.add(texts.get(i));
                            }
                        }
                    }
                    return failures;
                };
                results.add(pool.submit(task));
            }
            start.countDown();
            for (Future<List<String>> result : results) {
                assertEquals(List.of(), result.get(2, TimeUnit.MINUTES));
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void forContractReadsTheModelsMergesFile(@TempDir Path dir) throws IOException {
        // A plain-text copy of the merges, cut after the merges CLIP uses: read as well as the gzipped one.
        List<String> lines = new ArrayList<>();
        try (BufferedReader merges = mergesReader()) {
            for (int i = 0; i <= ClipBpeTokenizer.MERGES; i++) {
                lines.add(merges.readLine());
            }
        }
        Files.write(dir.resolve("bpe_simple_vocab_16e6.txt"), lines, StandardCharsets.UTF_8);
        Tokenizer loaded = clipContract("bpe_simple_vocab_16e6.txt", 77).tokenizer(dir);
        assertTrue(loaded instanceof ClipBpeTokenizer);
        String text = "A photo of a Shetland Sheepdog.";
        assertArrayEquals(CLIP.encode(text), loaded.encode(text));
        assertEquals(16, clipContract("bpe_simple_vocab_16e6.txt", 16).tokenizer(dir).maxLength());

        Files.write(dir.resolve("short.txt"), lines.subList(0, 1000), StandardCharsets.UTF_8);
        assertThrows(IllegalArgumentException.class, () -> ClipBpeTokenizer.load(dir.resolve("short.txt"), 77));
    }

    private static ModelContract clipContract(String vocabulary, int maxLength) {
        ModelContract base = TestModelExporter.contract();
        ModelContract.TextSpec text = base.text();
        return new ModelContract(base.contractVersion(), base.name(), base.embeddingSize(), base.image(),
                new ModelContract.TextSpec(text.signature(), text.input(), null, text.output(),
                        ModelContract.TokenizerType.CLIP_BPE, vocabulary, maxLength, true, true));
    }

    // The reference's loop: merge the lowest-ranked pair everywhere, left to right, until no pair has a rank.
    private static List<String> mergeLoop(String word, Map<String, Integer> ranks) {
        List<String> symbols = new ArrayList<>();
        word.chars().forEach(c -> symbols.add(String.valueOf((char) c)));
        symbols.set(symbols.size() - 1, symbols.get(symbols.size() - 1) + "</w>");
        while (symbols.size() > 1) {
            String best = null;
            for (int i = 0; i + 1 < symbols.size(); i++) {
                String pair = symbols.get(i) + " " + symbols.get(i + 1);
                if (ranks.containsKey(pair) && (best == null || ranks.get(pair) < ranks.get(best))) {
                    best = pair;
                }
            }
            if (best == null) {
                break;
            }
            String[] parts = best.split(" ");
            List<String> merged = new ArrayList<>();
            for (int i = 0; i < symbols.size(); i++) {
                if (i + 1 < symbols.size() && symbols.get(i).equals(parts[0]) && symbols.get(i + 1).equals(parts[1])) {
                    merged.add(parts[0] + parts[1]);
                    i++;
                } else {
                    merged.add(symbols.get(i));
                }
            }
            symbols.clear();
            symbols.addAll(merged);
        }
        return symbols;
    }

    private static BufferedReader mergesReader() throws IOException {
        InputStream in = ClipBpeTokenizer.class.getResourceAsStream(ClipBpeTokenizer.BUNDLED);
        return new BufferedReader(new InputStreamReader(new GZIPInputStream(in), StandardCharsets.UTF_8));
    }

    static List<Case> referenceCases() throws IOException {
        List<Case> cases = new ArrayList<>();
        try (InputStream in = ClipBpeTokenizerTest.class.getResourceAsStream("/clip-bpe-cases.tsv");
                BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            for (String line; (line = reader.readLine()) != null; ) {
                String[] fields = line.split("\t");
                cases.add(new Case(fields[0], Arrays.stream(fields[1].split(" ")).mapToInt(Integer::parseInt)
                        .toArray()));
            }
        }
        return cases;
    }

    private static String shortName(String text) {
        return text.length() <= 60 ? text : text.substring(0, 57) + "...";
    }
}
