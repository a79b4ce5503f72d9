package io.hiertag.tagging;

import io.hiertag.avro.ImageEvent;
import io.hiertag.avro.TagResult;
import io.hiertag.image.ImageLoader;
import io.hiertag.image.InvalidImageException;
import io.hiertag.zeroshot.FirstPassResult;
import io.hiertag.zeroshot.LabelSetModel;
import io.hiertag.zeroshot.Vectors;
import java.awt.image.BufferedImage;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Step 1 of the method on a batch of events: embeds each image and its flip ({@link BatchEmbedder}), scores
 * every classifier of the event's label set and decides confident or uncertain. An event that fails becomes a
 * rejection without taking the rest of the batch with it.
 */
public final class FirstPassTagger {

    private static final Logger LOG = LoggerFactory.getLogger(FirstPassTagger.class);

    private final BatchEmbedder embedder;
    private final Map<String, LabelSetModel> labelSets;
    private final Clock clock;
    private final BatchEmbedder.ImageSource<ImageEvent> source;

    /**
     * @param images reads and decodes each event's inline bytes or uri
     * @param labelSets every label set an event may ask for, by name
     */
    public FirstPassTagger(BatchEmbedder embedder, ImageLoader images, Map<String, LabelSetModel> labelSets,
            Clock clock) {
        this.embedder = embedder;
        this.labelSets = Map.copyOf(labelSets);
        this.clock = clock;
        this.source = new BatchEmbedder.ImageSource<>() {
            @Override
            public BatchEmbedder.Loading start(ImageEvent event) {
                return new EventImage(event, images.start(event.getImage(), event.getUri()));
            }

            @Override
            public String name(ImageEvent event) {
                return event.getId();
            }
        };
    }

    /**
     * @param events validated events, each of a loaded label set
     * @return one outcome per event, in input order
     */
    public List<FirstPassOutcome> tag(List<ImageEvent> events) {
        FirstPassOutcome[] outcomes = new FirstPassOutcome[events.size()];
        Map<String, List<Integer>> byLabelSet = new LinkedHashMap<>();
        List<BatchEmbedder.Embedded<ImageEvent>> embedded = embedder.embed(events, source);
        for (int i = 0; i < events.size(); i++) {
            BatchEmbedder.Embedded<ImageEvent> e = embedded.get(i);
            if (e.refused()) {
                outcomes[i] = FirstPassOutcome.rejected(e.item(), e.rejection());
            } else {
                byLabelSet.computeIfAbsent(e.item().getLabelSet(), k -> new ArrayList<>()).add(i);
            }
        }
        byLabelSet.forEach((name, indices) -> {
            try {
                classify(labelSets.get(name), indices, embedded, outcomes);
            } catch (RuntimeException e) {
                // Scoring failed for reasons no input explains (an engine error): never lose the records.
                LOG.error("Scoring failed for {} images of label set {}", indices.size(), name, e);
                for (int i : indices) {
                    ImageEvent event = events.get(i);
                    outcomes[i] = FirstPassOutcome.rejected(event, new RejectedInputException(
                            RejectionReason.SCORING_FAILED, "scoring the embeddings failed: " + e, event));
                }
            }
        });
        return List.of(outcomes);
    }

    private void classify(LabelSetModel model, List<Integer> indices,
            List<BatchEmbedder.Embedded<ImageEvent>> embedded, FirstPassOutcome[] outcomes) {
        List<BatchEmbedder.Embedded<ImageEvent>> items = indices.stream().map(embedded::get).toList();
        float[] images = Vectors.flatten(items.stream().map(BatchEmbedder.Embedded::embedding).toList());
        float[] flipped = embedder.flip()
                ? Vectors.flatten(items.stream().map(BatchEmbedder.Embedded::flippedEmbedding).toList()) : null;
        List<FirstPassResult> results = model.firstPass().classify(images, flipped, items.size());
        for (int j = 0; j < items.size(); j++) {
            BatchEmbedder.Embedded<ImageEvent> item = items.get(j);
            FirstPassResult r = results.get(j);
            TagResult tag = TagResults.firstPass(item.item(), model.labels(), embedder.modelId(), r,
                    clock.instant());
            outcomes[indices.get(j)] = r.consistency().uncertain()
                    ? FirstPassOutcome.uncertain(item.item(), tag, item.embedding())
                    : FirstPassOutcome.confident(item.item(), tag);
        }
    }

    /** An event's image on its way; a refusal names the event. */
    private record EventImage(ImageEvent event, ImageLoader.Pending image) implements BatchEmbedder.Loading {
        @Override
        public BufferedImage await() throws RejectedInputException {
            try {
                return image.await();
            } catch (InvalidImageException e) {
                throw RejectedInputException.of(e, event);
            }
        }

        @Override
        public void close() {
            image.close();
        }
    }
}
