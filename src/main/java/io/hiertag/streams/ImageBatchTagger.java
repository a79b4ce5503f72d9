package io.hiertag.streams;

import io.hiertag.avro.ImageEvent;
import io.hiertag.avro.PendingImage;
import io.hiertag.avro.Stage;
import io.hiertag.avro.TagResult;
import io.hiertag.config.HiertagConfig;
import io.hiertag.model.ImageDecoder;
import io.hiertag.model.ImageFetcher;
import io.hiertag.model.ImageLoader;
import io.hiertag.model.ImagePreprocessor;
import io.hiertag.model.InvalidImageException;
import io.hiertag.model.SavedModelDualEncoder;
import io.hiertag.zeroshot.FirstPassResult;
import io.hiertag.zeroshot.LabelSetModel;
import java.awt.image.BufferedImage;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the first pass on one batch of buffered records: decode and preprocess each image and its left-right
 * flip, run the image tower once on [images; flipped images], then score every classifier of the record's label
 * set and decide confident or uncertain. A record that fails becomes a dead letter without taking the rest of
 * the batch with it; a failing model call is bisected until the record that breaks it is alone. Shared by every
 * stream task; holds no per-batch state. Public so that {@code hiertag bench} can time the first pass without
 * Kafka.
 */
public final class ImageBatchTagger {

    private static final Logger LOG = LoggerFactory.getLogger(ImageBatchTagger.class);

    private final SavedModelDualEncoder encoder;
    private final ImagePreprocessor preprocessor;
    private final ImageLoader images;
    private final ImageEventReader reader;
    private final Map<String, LabelSetModel> labelSets;
    private final boolean flip;
    private final Clock clock;
    private final int pixelsPerImage;

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
        this.preprocessor = new ImagePreprocessor(encoder.contract().image());
        this.images = images;
        this.reader = new ImageEventReader(labelSets.keySet(), images);
        this.labelSets = Map.copyOf(labelSets);
        this.flip = flip;
        this.clock = clock;
        this.pixelsPerImage = preprocessor.floatsPerImage();
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
        List<Prepared> prepared = new ArrayList<>(batch.size());
        float[] pixels = new float[batch.size() * pixelsPerImage];
        for (int i = 0; i < batch.size(); i++) {
            PendingImage p = batch.get(i);
            try {
                ImageEvent event = reader.read(p.getTopic(), DeadLetters.bytes(p.getValue()));
                BufferedImage image = decode(event);
                int slot = prepared.size();
                preprocessor.preprocessInto(image, pixels, slot * pixelsPerImage);
                prepared.add(new Prepared(i, event, slot));
            } catch (RejectedInputException e) {
                outcomes[i] = BatchOutcome.rejected(p, e, encoder.modelId());
            }
        }
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

    private void classify(LabelSetModel model, List<Prepared> items, List<PendingImage> batch,
            BatchOutcome[] outcomes) {
        int d = encoder.embeddingSize();
        float[] images = new float[items.size() * d];
        float[] flipped = flip ? new float[items.size() * d] : null;
        for (int i = 0; i < items.size(); i++) {
            System.arraycopy(items.get(i).embedding, 0, images, i * d, d);
            if (flip) {
                System.arraycopy(items.get(i).flippedEmbedding, 0, flipped, i * d, d);
            }
        }
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
     * Embeds the items (and their flips) in one call: input rows are the k images, then their k flips. On failure
     * the items are split in halves until the failing ones are alone.
     */
    private void embed(List<Prepared> items, float[] pixels) {
        if (items.isEmpty()) {
            return;
        }
        int k = items.size();
        float[] input = new float[(flip ? 2 * k : k) * pixelsPerImage];
        int size = preprocessor.size();
        for (int i = 0; i < k; i++) {
            int from = items.get(i).slot * pixelsPerImage;
            System.arraycopy(pixels, from, input, i * pixelsPerImage, pixelsPerImage);
            if (flip) {
                ImagePreprocessor.flipHorizontally(pixels, from, input, (k + i) * pixelsPerImage, size);
            }
        }
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
            embed(items.subList(0, k / 2), pixels);
            embed(items.subList(k / 2, k), pixels);
        }
    }

    /** One decoded image waiting for its embeddings. */
    private static final class Prepared {
        final int index;
        final ImageEvent event;
        final int slot;
        float[] embedding;
        float[] flippedEmbedding;
        RejectedInputException failure;

        Prepared(int index, ImageEvent event, int slot) {
            this.index = index;
            this.event = event;
            this.slot = slot;
        }
    }
}
