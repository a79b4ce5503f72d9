package io.hiertag.streams;

import io.hiertag.avro.Stage;
import io.hiertag.avro.TagResult;
import io.hiertag.zeroshot.LabelSetModel;
import io.hiertag.zeroshot.RescoreResult;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Step 2 of the method for images the first pass was unsure of: re-ranks the first-pass top-5 with the cached
 * hierarchy strings (a few dozen dot products, no model call) and emits the tag on the {@code RESCORED} route.
 */
final class HierarchyRescoreProcessor implements Processor<String, UncertainImage, Object, SpecificRecord> {

    private static final Logger LOG = LoggerFactory.getLogger(HierarchyRescoreProcessor.class);

    private final ImageBatchTagger tagger;
    private ProcessorContext<Object, SpecificRecord> context;

    HierarchyRescoreProcessor(ImageBatchTagger tagger) {
        this.tagger = tagger;
    }

    @Override
    public void init(ProcessorContext<Object, SpecificRecord> context) {
        this.context = context;
    }

    @Override
    public void process(Record<String, UncertainImage> record) {
        UncertainImage image = record.value();
        TagResult first = image.firstPassTag();
        try {
            LabelSetModel model = tagger.labelSet(first.getLabelSet());
            int[] candidates = first.getCandidates().stream().mapToInt(c -> c.getLabel().getIndex()).toArray();
            RescoreResult r = model.rescorer().rescore(image.embedding(), candidates);
            TagResult tag = TagResults.rescored(first, model.labels(), r, tagger.clock().instant());
            context.forward(new Record<>(tag.getId(), tag, record.timestamp()), TaggingTopology.TAGS_SINK);
        } catch (RuntimeException e) {
            LOG.error("Rescoring failed for image {}", first.getId(), e);
            RejectedInputException reason = new RejectedInputException(Stage.RESCORE, "RESCORE_FAILED",
                    "hierarchy rescoring failed: " + e, image.event());
            context.forward(new Record<>(DeadLetters.key(image.source()),
                    DeadLetters.of(image.source(), reason, tagger.modelId()), record.timestamp()),
                    TaggingTopology.DEAD_LETTERS_SINK);
        }
    }
}
