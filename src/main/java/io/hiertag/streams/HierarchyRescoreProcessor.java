package io.hiertag.streams;

import io.hiertag.avro.TagResult;
import io.hiertag.tagging.RejectedInputException;
import io.hiertag.tagging.RejectionReason;
import io.hiertag.tagging.RescoringStep;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Re-ranks each image the first pass was unsure of and emits its tag on the {@code RESCORED} route. */
final class HierarchyRescoreProcessor implements Processor<String, UncertainImage, Object, Object> {

    private static final Logger LOG = LoggerFactory.getLogger(HierarchyRescoreProcessor.class);

    private final RescoringStep rescoring;
    private final Outputs outputs;
    private ProcessorContext<Object, Object> context;

    HierarchyRescoreProcessor(RescoringStep rescoring, Outputs outputs) {
        this.rescoring = rescoring;
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
            outputs.tag(context, rescoring.rescore(first, image.embedding()), image.source(), record.timestamp());
        } catch (RuntimeException e) {
            LOG.error("Rescoring failed for image {}", first.getId(), e);
            RejectedInputException reason = new RejectedInputException(RejectionReason.RESCORE_FAILED,
                    "hierarchy rescoring failed: " + e, image.event());
            outputs.deadLetter(context, DeadLetters.of(image.source(), reason, outputs.modelId()), image.source(),
                    record.timestamp());
        }
    }
}
