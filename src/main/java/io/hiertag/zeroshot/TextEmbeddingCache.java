package io.hiertag.zeroshot;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Text embeddings on disk, so the text tower runs once per model and label set rather than at every start. An
 * entry is keyed by a SHA-256 over the model id (itself a hash of the model files) and every text in order, so
 * any change to the label set, the templates, the hierarchy or the prompt format makes a new entry. Files hold
 * little-endian float32 rows after a small header ({@link CacheFiles} for how they are written and read).
 */
public final class TextEmbeddingCache {

    private static final Logger LOG = LoggerFactory.getLogger(TextEmbeddingCache.class);
    private static final int MAGIC = 0x48544543; // "HTEC"
    private static final int VERSION = 1;
    private static final int CHUNK = 1024;

    private final Path dir;
    private final AtomicLong hits = new AtomicLong();
    private final AtomicLong misses = new AtomicLong();

    /** @param dir the cache folder, or null for no caching (embeddings are computed every time) */
    public TextEmbeddingCache(Path dir) {
        this.dir = dir;
    }

    /**
     * The embeddings of {@code texts}, from the cache when present, otherwise computed in chunks (reporting
     * progress) and stored.
     *
     * @param name a readable part of the file name, e.g. the label set and what the texts are
     */
    public float[][] embeddings(String name, String modelId, List<String> texts, TextEmbedder embedder,
            EncodingProgress progress) {
        Path file = dir == null ? null : CacheFiles.entry(dir, name, key(modelId, texts), "f32");
        float[][] cached = file == null ? null : CacheFiles.read(file, "text-embedding", in -> read(in, texts.size()));
        if (cached != null) {
            LOG.info("Text embeddings for {} ({} texts) read from cache {}", name, texts.size(), file);
            hits.addAndGet(texts.size());
            return cached;
        }
        misses.addAndGet(texts.size());
        long t0 = System.nanoTime();
        float[][] out = new float[texts.size()][];
        progress.update(name, 0, texts.size());
        for (int from = 0; from < texts.size(); from += CHUNK) {
            int to = Math.min(texts.size(), from + CHUNK);
            float[][] part = embedder.embedTexts(new ArrayList<>(texts.subList(from, to)));
            System.arraycopy(part, 0, out, from, part.length);
            progress.update(name, to, texts.size());
        }
        LOG.info("Embedded {} texts for {} in {} ms", texts.size(), name, (System.nanoTime() - t0) / 1_000_000);
        if (file != null) {
            CacheFiles.write(file, "text-embedding", data -> write(data, out));
        }
        return out;
    }

    /** Texts so far whose embeddings were read from the cache. */
    public long hits() {
        return hits.get();
    }

    /** Texts so far whose embeddings were computed (not in the cache, or no cache folder). */
    public long misses() {
        return misses.get();
    }

    /** The cache folder, or null for none. */
    Path dir() {
        return dir;
    }

    static CacheFiles.Key key(String modelId, List<String> texts) {
        CacheFiles.Key key = new CacheFiles.Key(modelId);
        texts.forEach(key::add);
        return key;
    }

    /** Null when the file is not a complete entry of the expected size (it is then recomputed). */
    private static float[][] read(DataInputStream data, int rows) throws IOException {
        if (data.readInt() != MAGIC || data.readInt() != VERSION || data.readInt() != rows) {
            return null;
        }
        int d = data.readInt();
        byte[] buf = new byte[d * 4];
        float[][] out = new float[rows][d];
        for (int r = 0; r < rows; r++) {
            data.readFully(buf);
            ByteBuffer.wrap(buf).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(out[r]);
        }
        return out;
    }

    private static void write(DataOutputStream data, float[][] rows) throws IOException {
        int d = rows.length == 0 ? 0 : rows[0].length;
        data.writeInt(MAGIC);
        data.writeInt(VERSION);
        data.writeInt(rows.length);
        data.writeInt(d);
        ByteBuffer buf = ByteBuffer.allocate(d * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float[] row : rows) {
            buf.clear();
            buf.asFloatBuffer().put(row);
            data.write(buf.array());
        }
    }
}
