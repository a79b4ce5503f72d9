package io.hiertag.zeroshot;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TextEmbeddingCacheTest {

    @TempDir
    Path dir;

    private final AtomicInteger embedded = new AtomicInteger();

    /** A stand-in text tower: a deterministic vector per text, counting how many texts it was asked for. */
    private float[][] embed(List<String> texts) {
        embedded.addAndGet(texts.size());
        float[][] out = new float[texts.size()][];
        for (int i = 0; i < texts.size(); i++) {
            int h = texts.get(i).hashCode();
            out[i] = new float[] {h & 0xff, (h >> 8) & 0xff, (h >> 16) & 0xff};
        }
        return out;
    }

    private static List<String> texts(int n) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add("a photo of a thing number " + i + ".");
        }
        return out;
    }

    @Test
    void aSecondLookupReadsTheFileInsteadOfEmbedding() throws Exception {
        TextEmbeddingCache cache = new TextEmbeddingCache(dir);
        List<String> progress = new ArrayList<>();
        float[][] first = cache.embeddings("set-a", "model@1", texts(2500), this::embed,
                (what, done, total) -> progress.add(what + " " + done + "/" + total));
        assertEquals(2500, embedded.get());
        assertEquals(List.of("set-a 0/2500", "set-a 1024/2500", "set-a 2048/2500", "set-a 2500/2500"), progress);
        float[][] second = cache.embeddings("set-a", "model@1", texts(2500), this::embed, EncodingProgress.NONE);
        assertEquals(2500, embedded.get(), "the text tower must not run again");
        for (int i = 0; i < first.length; i++) {
            assertArrayEquals(first[i], second[i]);
        }
    }

    @Test
    void anotherModelOrAnyChangedTextMakesANewEntry() throws Exception {
        TextEmbeddingCache cache = new TextEmbeddingCache(dir);
        cache.embeddings("set", "model@1", texts(10), this::embed, EncodingProgress.NONE);
        cache.embeddings("set", "model@2", texts(10), this::embed, EncodingProgress.NONE);
        List<String> changed = texts(10);
        changed.set(3, "a photo of something else.");
        cache.embeddings("set", "model@1", changed, this::embed, EncodingProgress.NONE);
        assertEquals(30, embedded.get());
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(3, files.count());
        }
    }

    @Test
    void aDamagedFileIsRecomputedAndNoCacheMeansAlwaysCompute() throws Exception {
        TextEmbeddingCache cache = new TextEmbeddingCache(dir);
        cache.embeddings("set", "m", texts(5), this::embed, EncodingProgress.NONE);
        try (Stream<Path> files = Files.list(dir)) {
            Path file = files.findFirst().orElseThrow();
            Files.write(file, new byte[] {1, 2, 3});
        }
        cache.embeddings("set", "m", texts(5), this::embed, EncodingProgress.NONE);
        assertEquals(10, embedded.get());
        TextEmbeddingCache none = new TextEmbeddingCache(null);
        none.embeddings("set", "m", texts(5), this::embed, EncodingProgress.NONE);
        none.embeddings("set", "m", texts(5), this::embed, EncodingProgress.NONE);
        assertEquals(20, embedded.get());
    }
}
