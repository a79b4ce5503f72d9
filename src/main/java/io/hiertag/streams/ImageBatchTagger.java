package io.hiertag.streams;

import io.hiertag.avro.Candidate;
import io.hiertag.avro.ImageEvent;
import io.hiertag.avro.Label;
import io.hiertag.avro.PendingImage;
import io.hiertag.avro.Route;
import io.hiertag.avro.Stage;
import io.hiertag.avro.TagResult;
import io.hiertag.labels.LabelClass;
import io.hiertag.labels.LabelSet;
import io.hiertag.model.ImageDecoder;
import io.hiertag.model.ImagePreprocessor;
import io.hiertag.model.InvalidImageException;
import io.hiertag.model.SavedModelDualEncoder;
import io.hiertag.zeroshot.FirstPassResult;
import io.hiertag.zeroshot.LabelSetModel;
import java.awt.image.BufferedImage;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tags one batch of buffered records: decode and preprocess each image, run the image tower once for the whole
 * batch, classify each embedding with its label set. A record that fails becomes a dead letter without taking
 * the rest of the batch with it; a failing model call is bisected until the record that breaks it is found.
 * Shared by every stream task; holds no per-batch state.
 */
final class ImageBatchTagger {

    private static final Logger LOG = LoggerFactory.getLogger(ImageBatchTagger.class);

    private final SavedModelDualEncoder encoder;
    private final ImagePreprocessor preprocessor;
    private final ImageDecoder decoder;
    private final ImageEventReader reader;
    private final Map<String, LabelSetModel> labelSets;
    private final Clock clock;
    private final int pixelsPerImage;

    ImageBatchTagger(SavedModelDualEncoder encoder, ImageDecoder decoder, Map<String, LabelSetModel> labelSets,
            Clock clock) {
        this.encoder = encoder;
        this.preprocessor = new ImagePreprocessor(encoder.contract().image());
        this.decoder = decoder;
        this.reader = new ImageEventReader(labelSets.keySet(), decoder);
        this.labelSets = Map.copyOf(labelSets);
        this.clock = clock;
        this.pixelsPerImage = preprocessor.floatsPerImage();
    }

    ImageEventReader reader() {
        return reader;
    }

    List<BatchOutcome> tag(List<PendingImage> batch) {
        BatchOutcome[] outcomes = new BatchOutcome[batch.size()];
        List<Prepared> prepared = new ArrayList<>(batch.size());
        float[] pixels = new float[batch.size() * pixelsPerImage];
        for (int i = 0; i < batch.size(); i++) {
            PendingImage p = batch.get(i);
            try {
                ImageEvent event = reader.read(p.getTopic(), ImageEventReader.bytes(p.getValue()));
                BufferedImage image = decode(event);
                int slot = prepared.size();
                preprocessor.preprocessInto(image, pixels, slot * pixelsPerImage);
                prepared.add(new Prepared(i, event, slot));
            } catch (RejectedInputException e) {
                outcomes[i] = BatchOutcome.rejected(p, e);
            }
        }
        embed(prepared, pixels);
        for (Prepared item : prepared) {
            PendingImage p = batch.get(item.index);
            outcomes[item.index] = item.failure != null
                    ? BatchOutcome.rejected(p, item.failure)
                    : BatchOutcome.tagged(p, tagResult(item.event, item.embedding));
        }
        return Arrays.asList(outcomes);
    }

    private BufferedImage decode(ImageEvent event) throws RejectedInputException {
        try {
            return decoder.decode(ImageEventReader.bytes(event.getImage()));
        } catch (InvalidImageException e) {
            throw new RejectedInputException(Stage.DECODE, e.errorType(), e.getMessage(), event.getId());
        }
    }

    /** Embeds all items in one call; on failure splits the batch in halves until the failing records are alone. */
    private void embed(List<Prepared> items, float[] pixels) {
        if (items.isEmpty()) {
            return;
        }
        float[] input = pixels;
        if (items.size() * pixelsPerImage != pixels.length || items.get(0).slot != 0) {
            input = new float[items.size() * pixelsPerImage];
            for (int i = 0; i < items.size(); i++) {
                System.arraycopy(pixels, items.get(i).slot * pixelsPerImage, input, i * pixelsPerImage,
                        pixelsPerImage);
            }
        }
        try {
            float[][] embeddings = encoder.embedImages(input, items.size());
            for (int i = 0; i < items.size(); i++) {
                items.get(i).embedding = embeddings[i];
            }
        } catch (RuntimeException e) {
            if (items.size() == 1) {
                Prepared item = items.get(0);
                LOG.warn("Model call failed for image {}: {}", item.event.getId(), e.toString());
                item.failure = new RejectedInputException(Stage.INFER, "MODEL_FAILED",
                        "the image tower failed on this image: " + e, item.event.getId());
                return;
            }
            LOG.warn("Model call failed for a batch of {}; splitting it to isolate the cause: {}", items.size(),
                    e.toString());
            int half = items.size() / 2;
            embed(items.subList(0, half), pixels);
            embed(items.subList(half, items.size()), pixels);
        }
    }

    private TagResult tagResult(ImageEvent event, float[] embedding) {
        LabelSetModel model = labelSets.get(event.getLabelSet());
        LabelSet labels = model.labels();
        FirstPassResult first = model.firstPass().classify(embedding);
        Label top = label(labels.get(first.top1()));
        List<Candidate> candidates = new ArrayList<>(first.topClasses().length);
        for (int k = 0; k < first.topClasses().length; k++) {
            candidates.add(Candidate.newBuilder()
                    .setLabel(label(labels.get(first.topClasses()[k])))
                    .setFirstPassScore(first.topScores()[k])
                    .build());
        }
        Optional<LabelClass> truth = labels.find(event.getGroundTruth());
        Boolean correct = event.getGroundTruth() == null ? null
                : truth.map(t -> t.index() == first.top1()).orElse(false);
        return TagResult.newBuilder()
                .setId(event.getId())
                .setLabelSet(labels.name())
                .setModelId(encoder.modelId())
                .setLabel(top)
                .setScore(first.top1Score())
                .setRoute(Route.CONFIDENT)
                .setFirstPassLabel(top)
                .setFirstPassScore(first.top1Score())
                .setChanged(false)
                .setCandidates(candidates)
                .setGroundTruth(event.getGroundTruth())
                .setGroundTruthKnown(event.getGroundTruth() == null ? null : truth.isPresent())
                .setCorrect(correct)
                .setFirstPassCorrect(correct)
                .setPublishedAt(event.getPublishedAt())
                .setTaggedAt(clock.instant())
                .setAttributes(event.getAttributes())
                .build();
    }

    private static Label label(LabelClass c) {
        return Label.newBuilder().setIndex(c.index()).setWnid(c.wnid()).setName(c.name()).build();
    }

    /** One decoded image waiting for its embedding. */
    private static final class Prepared {
        final int index;
        final ImageEvent event;
        final int slot;
        float[] embedding;
        RejectedInputException failure;

        Prepared(int index, ImageEvent event, int slot) {
            this.index = index;
            this.event = event;
            this.slot = slot;
        }
    }
}
