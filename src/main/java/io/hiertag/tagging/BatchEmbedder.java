package io.hiertag.tagging;

import io.hiertag.image.ImagePreprocessor;
import io.hiertag.model.SavedModelDualEncoder;
import java.awt.image.BufferedImage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Embeds a batch of images the way the method needs them: each image and its left-right flip through the image
 * tower in one call, on [images; flipped images]. Every image's read is started first, all at once, so that slow
 * reads (web fetches) overlap and a batch waits at most one fetch deadline for all of them, however many it holds.
 * Awaiting, decoding and preprocessing then run on a pool of one thread per core, each image straight into its
 * row of the model's input; the caller waits for the whole batch. An image that cannot be loaded is refused
 * without taking the rest of the batch with it, and a failing model call is bisected until the image that breaks
 * it is alone. The one implementation behind the stream's first pass, {@code evaluate} and {@code bench}.
 *
 * <p>Thread-safe: each calling thread reuses its own input buffer; the pool is shared; model calls take turns.
 */
public final class BatchEmbedder implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(BatchEmbedder.class);

    /**
     * Where a batch item's pixels come from.
     *
     * @param <T> the batch item
     */
    public interface ImageSource<T> {
        /**
         * Starts reading the item's image and returns without waiting for it; called on the calling thread for
         * every item of a batch before any is awaited.
         */
        Loading start(T item);

        /** Names the item in operators' log lines. */
        String name(T item);
    }

    /** One item's image on its way. */
    public interface Loading extends AutoCloseable {
        /** Waits for the image and decodes it; runs on a decoding thread. */
        BufferedImage await() throws RejectedInputException;

        /** Gives up a read still under way; called for every item once its batch is loaded, awaited or not. */
        @Override
        default void close() {
        }
    }

    /**
     * One item after the batch: its raw embeddings, or why it was refused.
     *
     * @param embedding the image tower's output for the image, or null when refused
     * @param flippedEmbedding the same for the flipped image, or null when refused or the flip is off
     * @param rejection why the item was refused, or null
     */
    public record Embedded<T>(T item, float[] embedding, float[] flippedEmbedding, RejectedInputException rejection) {
        public boolean refused() {
            return rejection != null;
        }
    }

    private final SavedModelDualEncoder encoder;
    private final ImagePreprocessor preprocessor;
    private final boolean flip;
    private final int pixelsPerImage;
    private final ExecutorService decoders;
    private final ModelCalls calls;
    private final Object modelLock = new Object();
    private final ThreadLocal<float[]> pixels = new ThreadLocal<>();

    /** @param flip whether the flipped images are embedded too (the consistency rule's flip check) */
    public BatchEmbedder(SavedModelDualEncoder encoder, boolean flip) {
        this(encoder, flip, ModelCalls.NONE);
    }

    /** @param calls told the time of every model call of {@link #embed} (not the warm-up's) */
    public BatchEmbedder(SavedModelDualEncoder encoder, boolean flip, ModelCalls calls) {
        this.encoder = encoder;
        this.calls = calls;
        this.preprocessor = encoder.contract().image().preprocessor();
        this.flip = flip;
        this.pixelsPerImage = preprocessor.floatsPerImage();
        this.decoders = decodingThreads(Runtime.getRuntime().availableProcessors());
    }

    /**
     * Each batch submits at most its own items and waits for them, so the queue stays bounded by the batches in
     * flight; daemon threads, so an embedder never closed keeps no JVM alive.
     */
    private static ExecutorService decodingThreads(int threads) {
        AtomicInteger count = new AtomicInteger();
        return Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "hiertag-decode-" + count.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    public boolean flip() {
        return flip;
    }

    public String modelId() {
        return encoder.modelId();
    }

    /** Runs the image tower on {@code batchSize} blank images (and their flips) twice; returns the second time. */
    public Duration warmUp(int batchSize) {
        int n = flip ? 2 * batchSize : batchSize;
        float[] blank = new float[n * pixelsPerImage];
        encoder.embedImages(blank, n);
        long t0 = System.nanoTime();
        encoder.embedImages(blank, n);
        return Duration.ofNanos(System.nanoTime() - t0);
    }

    /**
     * @return one result per item, in input order
     * @throws CancellationException when the calling thread is interrupted while the batch loads
     * @throws RuntimeException when loading throws something other than a rejection (a bug, not bad input)
     */
    public <T> List<Embedded<T>> embed(List<T> batch, ImageSource<T> source) {
        int n = batch.size();
        float[] input = pixelBuffer(n);
        Slot[] slots = load(batch, source, input);
        List<Slot> loaded = compact(slots, n, input);
        embed(loaded, input, batch, source);
        List<Embedded<T>> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            Slot s = slots[i];
            out.add(new Embedded<>(batch.get(i), s.embedding, s.flippedEmbedding, s.rejection));
        }
        return out;
    }

    /** Stops the decoding threads; the embedder cannot embed afterwards. */
    @Override
    public void close() {
        decoders.shutdownNow();
    }

    /**
     * The model's input buffer for a batch of {@code n}, reused by the calling thread: a batch of 32 224×224
     * images and their flips is 38 MB, too much to allocate and zero for every batch.
     */
    private float[] pixelBuffer(int n) {
        int floats = (flip ? 2 : 1) * n * pixelsPerImage;
        float[] buffer = pixels.get();
        if (buffer == null || buffer.length < floats) {
            buffer = new float[floats];
            pixels.set(buffer);
        }
        return buffer;
    }

    /**
     * Starts every item's read, then awaits and preprocesses them on the decoding threads: image {@code i} into
     * row i, its flip into n + i. Reads are closed whatever happens, so none outlives its batch: the fetches in
     * flight are thus bounded by the batch size (per calling thread).
     */
    private <T> Slot[] load(List<T> batch, ImageSource<T> source, float[] input) {
        int n = batch.size();
        List<Loading> started = new ArrayList<>(n);
        try {
            for (T item : batch) {
                started.add(source.start(item));
            }
            List<Callable<Slot>> tasks = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                Loading loading = started.get(i);
                int row = i;
                tasks.add(() -> loadOne(loading, row, n, input));
            }
            return awaitAll(tasks);
        } finally {
            started.forEach(Loading::close);
        }
    }

    private Slot[] awaitAll(List<Callable<Slot>> tasks) {
        Slot[] slots = new Slot[tasks.size()];
        try {
            int i = 0;
            for (Future<Slot> f : decoders.invokeAll(tasks)) {
                slots[i++] = f.get();
            }
        } catch (InterruptedException e) {
            // The interrupt flag stays set for the caller, which decides what an interrupt means (Streams: shutdown).
            Thread.currentThread().interrupt();
            throw new CancellationException("interrupted while decoding a batch");
        } catch (ExecutionException e) {
            // Not a bad input (those come back as rejections): a bug, handled as if it happened on this thread.
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(e.getCause());
        }
        return slots;
    }

    private Slot loadOne(Loading loading, int row, int n, float[] input) {
        Slot slot = new Slot(row);
        try {
            preprocessor.preprocessInto(loading.await(), input, row * pixelsPerImage);
            if (flip) {
                ImagePreprocessor.flipHorizontally(input, row * pixelsPerImage, input, (n + row) * pixelsPerImage,
                        preprocessor.size());
            }
        } catch (RejectedInputException e) {
            slot.rejection = e;
        }
        return slot;
    }

    /**
     * Closes the gaps refused items leave, so that the k loaded images are rows 0..k-1 and their flips rows
     * k..2k-1. Rows only ever move towards the front, past rows already moved, so moving in row order is safe.
     */
    private List<Slot> compact(Slot[] slots, int n, float[] input) {
        List<Slot> loaded = new ArrayList<>(n);
        for (Slot s : slots) {
            if (s.rejection == null) {
                loaded.add(s);
            }
        }
        int k = loaded.size();
        for (int row = 0; row < k; row++) {
            moveRow(input, loaded.get(row).index, row);
        }
        if (flip) {
            for (int row = 0; row < k; row++) {
                moveRow(input, n + loaded.get(row).index, k + row);
            }
        }
        return loaded;
    }

    private void moveRow(float[] input, int from, int to) {
        if (from != to) {
            System.arraycopy(input, from * pixelsPerImage, input, to * pixelsPerImage, pixelsPerImage);
        }
    }

    /**
     * Embeds the slots (and their flips) in one call: {@code input} holds exactly their k images, then their k
     * flips. On failure the slots are split in halves, each copied into its own input, until the failing ones are
     * alone.
     */
    private <T> void embed(List<Slot> slots, float[] input, List<T> batch, ImageSource<T> source) {
        if (slots.isEmpty()) {
            return;
        }
        int k = slots.size();
        try {
            float[][] embeddings = timed(input, flip ? 2 * k : k);
            for (int i = 0; i < k; i++) {
                slots.get(i).embedding = embeddings[i];
                slots.get(i).flippedEmbedding = flip ? embeddings[k + i] : null;
            }
        } catch (RuntimeException e) {
            if (k == 1) {
                Slot slot = slots.get(0);
                LOG.warn("Model call failed for image {}: {}", source.name(batch.get(slot.index)), e.toString());
                slot.rejection = new RejectedInputException(RejectionReason.MODEL_FAILED,
                        "the image tower failed on this image: " + e, null);
                return;
            }
            LOG.warn("Model call failed for a batch of {}; splitting it to isolate the cause: {}", k, e.toString());
            embed(slots.subList(0, k / 2), rows(input, k, 0, k / 2), batch, source);
            embed(slots.subList(k / 2, k), rows(input, k, k / 2, k), batch, source);
        }
    }

    /**
     * One model call at a time, whichever thread asks: a second batch decodes while the first is in the model
     * (the pipelined first pass), but two calls at once would only split the device, or oversubscribe the cores
     * the tower already uses, and make both late. The timing starts once the call has the model.
     */
    private float[][] timed(float[] input, int rows) {
        synchronized (modelLock) {
            long t0 = System.nanoTime();
            try {
                return encoder.embedImages(input, rows);
            } finally {
                calls.called(System.nanoTime() - t0);
            }
        }
    }

    /** Images {@code from..to-1} of an input of k, and their flips, as an input of their own. */
    private float[] rows(float[] input, int k, int from, int to) {
        int m = to - from;
        float[] out = new float[(flip ? 2 * m : m) * pixelsPerImage];
        System.arraycopy(input, from * pixelsPerImage, out, 0, m * pixelsPerImage);
        if (flip) {
            System.arraycopy(input, (k + from) * pixelsPerImage, out, m * pixelsPerImage, m * pixelsPerImage);
        }
        return out;
    }

    /** One item's place in the batch while it is embedded. */
    private static final class Slot {
        final int index;
        float[] embedding;
        float[] flippedEmbedding;
        RejectedInputException rejection;

        Slot(int index) {
            this.index = index;
        }
    }
}
