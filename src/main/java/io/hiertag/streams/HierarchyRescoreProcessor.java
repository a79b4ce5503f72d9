package io.hiertag.streams;

import io.hiertag.avro.Stage;
import io.hiertag.avro.TagResult;
import io.hiertag.zeroshot.LabelSetModel;
import io.hiertag.zeroshot.RescoreResult;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Step 2 of the method for images the first pass was unsure of: re-ranks the first-pass top-5 with the cached
 * hierarchy strings (a few dozen dot products, no model call) and emits the tag on the {@code RESCORED} route.
 */
final class HierarchyRescoreProcessor implements Processor<String, UncertainImage, Object, Object> {

    private static final Logger LOG = LoggerFactory.getLogger(HierarchyRescoreProcessor.class);

    private final ImageBatchTagger tagger;
    private final Outputs outputs;
    private ProcessorContext<Object, Object> context;

    HierarchyRescoreProcessor(ImageBatchTagger tagger, Outputs outputs) {
        this.tagger = tagger;
        this.outputs = outputs;
    }

    @Override
    public void init(ProcessorContext<Object, Object> context) {
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
            outputs.tag(context, tag, image.source(), record.timestamp());
        } catch (RuntimeException e) {
            LOG.error("Rescoring failed for image {}", first.getId(), e);
            RejectedInputException reason = new RejectedInputException(Stage.RESCORE, "RESCORE_FAILED",
                    "hierarchy rescoring failed: " + e, image.event());
            outputs.deadLetter(context, DeadLetters.of(image.source(), reason, outputs.modelId()), image.source(),
                    record.timestamp());
        }
    }
}
