package io.hiertag.streams;

import io.hiertag.avro.ImageEvent;
import io.hiertag.avro.PendingImage;
import io.hiertag.avro.Stage;
import io.hiertag.avro.TagResult;
import io.hiertag.config.HiertagConfig;
import io.hiertag.image.ImageDecoder;
import io.hiertag.image.ImageFetcher;
import io.hiertag.image.ImageLoader;
import io.hiertag.image.ImagePreprocessor;
import io.hiertag.image.InvalidImageException;
import io.hiertag.model.SavedModelDualEncoder;
import io.hiertag.zeroshot.FirstPassResult;
import io.hiertag.zeroshot.LabelSetModel;
import io.hiertag.zeroshot.Vectors;
import java.awt.image.BufferedImage;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.errors.InterruptException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the first pass on one batch of buffered records: decode and preprocess each image and its left-right
 * flip, run the image tower once on [images; flipped images], then score every classifier of the record's label
 * set and decide confident or uncertain. Reading, decoding and preprocessing run on a pool of one thread per
 * core while the stream thread waits. A record that fails becomes a dead letter without taking the rest of
 * the batch with it; a failing model call is bisected until the record that breaks it is alone. Shared by every
 * stream task; holds no per-batch state beyond each stream thread's reused input buffer. Public so that
 * {@code hiertag bench} can time the first pass without Kafka.
 */
public final class ImageBatchTagger implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ImageBatchTagger.class);

    private final SavedModelDualEncoder encoder;
    private final ImagePreprocessor preprocessor;
    private final ImageLoader images;
    private final ImageEventReader reader;
    private final Map<String, LabelSetModel> labelSets;
    private final boolean flip;
    private final Clock clock;
    private final int pixelsPerImage;
    private final ExecutorService decoders;
    private final ThreadLocal<float[]> pixels = new ThreadLocal<>();

    /** The tagger the application runs: input limits, uri policy and flip check as configured. */
    public static ImageBatchTagger create(HiertagConfig config, SavedModelDualEncoder encoder,
            Map<String, LabelSetModel> labelSets) {
        ImageLoader images = new ImageLoader(
                new ImageDecoder(config.inputMaxBytes(), config.inputMaxPixels(), config.inputFormats()),
                new ImageFetcher(config.inputUriAllowedDirs(), config.inputUriAllowedHosts(),
                        config.inputMaxBytes(), config.inputUriTimeout()));
        return new ImageBatchTagger(encoder, images, labelSets, config.consistencyRule().flip(), Clock.systemUTC());
    }

    /** @param flip whether the flipped images are embedded too (the consistency rule's flip check) */
    ImageBatchTagger(SavedModelDualEncoder encoder, ImageLoader images, Map<String, LabelSetModel> labelSets,
            boolean flip, Clock clock) {
        this.encoder = encoder;
        this.preprocessor = encoder.contract().image().preprocessor();
        this.images = images;
        this.reader = new ImageEventReader(labelSets.keySet(), images);
        this.labelSets = Map.copyOf(labelSets);
        this.flip = flip;
        this.clock = clock;
        this.pixelsPerImage = preprocessor.floatsPerImage();
        this.decoders = decodingThreads(Runtime.getRuntime().availableProcessors());
    }

    /**
     * Shared by every stream task. Each flush submits at most its batch and waits for it, so the queue stays
     * bounded by the batches in flight; daemon threads, so a tagger never left open keeps the JVM alive.
     */
    private static ExecutorService decodingThreads(int threads) {
        AtomicInteger count = new AtomicInteger();
        return Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "hiertag-decode-" + count.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    ImageEventReader reader() {
        return reader;
    }

    LabelSetModel labelSet(String name) {
        return labelSets.get(name);
    }

    String modelId() {
        return encoder.modelId();
    }

    Clock clock() {
        return clock;
    }

    /** Runs the image tower on {@code batchSize} blank images (and their flips) twice; returns the second time. */
    Duration warmUp(int batchSize) {
        int n = flip ? 2 * batchSize : batchSize;
        float[] blank = new float[n * pixelsPerImage];
        encoder.embedImages(blank, n);
        long t0 = System.nanoTime();
        encoder.embedImages(blank, n);
        return Duration.ofNanos(System.nanoTime() - t0);
    }

    /** @return one outcome per record, in input order */
    public List<BatchOutcome> tag(List<PendingImage> batch) {
        BatchOutcome[] outcomes = new BatchOutcome[batch.size()];
        float[] pixels = pixelBuffer(batch.size());
        List<Prepared> prepared = prepare(batch, pixels, outcomes);
        embed(prepared, pixels);
        Map<String, List<Prepared>> byLabelSet = new LinkedHashMap<>();
        for (Prepared item : prepared) {
            if (item.failure != null) {
                outcomes[item.index] = BatchOutcome.rejected(batch.get(item.index), item.failure, encoder.modelId());
            } else {
                byLabelSet.computeIfAbsent(item.event.getLabelSet(), k -> new ArrayList<>()).add(item);
            }
        }
        byLabelSet.forEach((name, items) -> {
            try {
                classify(labelSets.get(name), items, batch, outcomes);
            } catch (RuntimeException e) {
                // Scoring failed for reasons no input explains (an engine error): never lose the records.
                LOG.error("Scoring failed for {} images of label set {}", items.size(), name, e);
                for (Prepared item : items) {
                    outcomes[item.index] = BatchOutcome.rejected(batch.get(item.index), new RejectedInputException(
                            Stage.INFER, "SCORING_FAILED", "scoring the embeddings failed: " + e, item.event),
                            encoder.modelId());
                }
            }
        });
        return Arrays.asList(outcomes);
    }

    /** Stops the decoding threads; the tagger cannot tag afterwards. */
    @Override
    public void close() {
        decoders.shutdownNow();
        images.close();
    }

    /**
     * The model's input buffer for a batch of {@code n}, reused by the calling stream thread: a batch of 32
     * 224×224 images and their flips is 38 MB, too much to allocate and zero for every batch.
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
     * Reads, decodes and preprocesses every record on the decoding threads, each straight into its own row of
     * the model's input (image {@code i} in row {@code i}, its flip in row {@code n + i}), then closes the gaps a
     * refused record leaves so that the k good images are rows 0..k-1 and their flips rows k..2k-1. The stream
     * thread waits for all of them: nothing leaves the batch before its result exists.
     */
    private List<Prepared> prepare(List<PendingImage> batch, float[] pixels, BatchOutcome[] outcomes) {
        int n = batch.size();
        List<Callable<Prepared>> tasks = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int index = i;
            tasks.add(() -> prepareOne(batch.get(index), index, n, pixels));
        }
        List<Prepared> prepared = new ArrayList<>(n);
        try {
            for (Future<Prepared> f : decoders.invokeAll(tasks)) {
                Prepared item = f.get();
                if (item.failure != null) {
                    outcomes[item.index] = BatchOutcome.rejected(batch.get(item.index), item.failure,
                            encoder.modelId());
                } else {
                    prepared.add(item);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptException(e);
        } catch (ExecutionException e) {
            // Not a bad input (those come back as failures): a bug, handled as if it happened on this thread.
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(e.getCause());
        }
        int k = prepared.size();
        for (int row = 0; row < k; row++) {
            moveRow(pixels, prepared.get(row).index, row);
        }
        if (flip) {
            for (int row = 0; row < k; row++) {
                moveRow(pixels, n + prepared.get(row).index, k + row);
            }
        }
        return prepared;
    }

    private Prepared prepareOne(PendingImage p, int index, int n, float[] pixels) {
        ImageEvent event = null;
        try {
            event = reader.read(p.getTopic(), DeadLetters.bytes(p.getValue()));
            preprocessor.preprocessInto(decode(event), pixels, index * pixelsPerImage);
            if (flip) {
                ImagePreprocessor.flipHorizontally(pixels, index * pixelsPerImage, pixels,
                        (n + index) * pixelsPerImage, preprocessor.size());
            }
            return new Prepared(index, event, null);
        } catch (RejectedInputException e) {
            return new Prepared(index, event, e);
        }
    }

    // Rows only ever move towards the front, past rows already read, so moving in row order is safe.
    private void moveRow(float[] pixels, int from, int to) {
        if (from != to) {
            System.arraycopy(pixels, from * pixelsPerImage, pixels, to * pixelsPerImage, pixelsPerImage);
        }
    }

    private void classify(LabelSetModel model, List<Prepared> items, List<PendingImage> batch,
            BatchOutcome[] outcomes) {
        float[] images = Vectors.flatten(items.stream().map(item -> item.embedding).toList());
        float[] flipped = flip ? Vectors.flatten(items.stream().map(item -> item.flippedEmbedding).toList()) : null;
        List<FirstPassResult> results = model.firstPass().classify(images, flipped, items.size());
        for (int i = 0; i < items.size(); i++) {
            Prepared item = items.get(i);
            PendingImage source = batch.get(item.index);
            FirstPassResult r = results.get(i);
            TagResult tag = TagResults.firstPass(item.event, model.labels(), encoder.modelId(), r, clock.instant());
            outcomes[item.index] = r.consistency().uncertain()
                    ? BatchOutcome.uncertain(new UncertainImage(source, item.event, tag, item.embedding))
                    : BatchOutcome.confident(source, tag);
        }
    }

    private BufferedImage decode(ImageEvent event) throws RejectedInputException {
        try {
            return images.load(event.getImage(), event.getUri());
        } catch (InvalidImageException e) {
            // A uri refused only when read (a link leading out of an allowed folder) is a policy refusal.
            Stage stage = e.errorType().equals("URI_NOT_ALLOWED") ? Stage.VALIDATE : Stage.DECODE;
            throw new RejectedInputException(stage, e.errorType(), e.getMessage(), event);
        }
    }

    /**
     * Embeds the items (and their flips) in one call: {@code input} holds exactly their k images, then their k
     * flips. On failure the items are split in halves, each copied into its own input, until the failing ones are
     * alone.
     */
    private void embed(List<Prepared> items, float[] input) {
        if (items.isEmpty()) {
            return;
        }
        int k = items.size();
        try {
            float[][] embeddings = encoder.embedImages(input, flip ? 2 * k : k);
            for (int i = 0; i < k; i++) {
                items.get(i).embedding = embeddings[i];
                items.get(i).flippedEmbedding = flip ? embeddings[k + i] : null;
            }
        } catch (RuntimeException e) {
            if (k == 1) {
                Prepared item = items.get(0);
                LOG.warn("Model call failed for image {}: {}", item.event.getId(), e.toString());
                item.failure = new RejectedInputException(Stage.INFER, "MODEL_FAILED",
                        "the image tower failed on this image: " + e, item.event);
                return;
            }
            LOG.warn("Model call failed for a batch of {}; splitting it to isolate the cause: {}", k, e.toString());
            embed(items.subList(0, k / 2), rows(input, k, 0, k / 2));
            embed(items.subList(k / 2, k), rows(input, k, k / 2, k));
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

    /** One record of the batch: decoded and waiting for its embeddings, or refused. */
    private static final class Prepared {
        final int index;
        final ImageEvent event;
        float[] embedding;
        float[] flippedEmbedding;
        RejectedInputException failure;

        Prepared(int index, ImageEvent event, RejectedInputException failure) {
            this.index = index;
            this.event = event;
            this.failure = failure;
        }
    }
}
