package io.hiertag.streams;

import io.hiertag.avro.DeadLetter;
import io.hiertag.avro.Stage;
import io.hiertag.kafka.Topics;
import io.hiertag.ops.TaggerMeters;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last line of defence against an exception no processor expected (a bug, not bad input, which processors
 * turn into dead letters themselves). In {@code validate} and {@code hierarchy-rescore} it becomes a dead letter
 * carrying the input's raw bytes and the application goes on: those processors forward their one output last,
 * so nothing was written for the input yet. In {@code first-pass} the task fails instead: the first pass answers
 * every failure it can recover from itself, so what escapes it happened after a batch's outputs may have been
 * forwarded, or in its store, and resuming would commit a half-done flush (and replay it on every punctuation).
 * The metrics nodes fail likewise: their state is the count. Failing aborts the transaction; a restart resumes
 * from the last commit. The dead letter's stage is the processor's: validate → VALIDATE, hierarchy-rescore →
 * RESCORE.
 */
public final class ProcessingDeadLetterHandler implements ProcessingExceptionHandler {

    private static final Logger LOG = LoggerFactory.getLogger(ProcessingDeadLetterHandler.class);
    private static final String UNEXPECTED_ERROR = "UNEXPECTED_ERROR";

    private Topics.Topic<byte[], DeadLetter> deadLetters;
    private String modelId;
    private TaggerMeters meters;

    @Override
    public void configure(Map<String, ?> configs) {
        deadLetters = ProductionDeadLetterHandler.deadLetterTopic(configs);
        modelId = configs.get(ProductionDeadLetterHandler.MODEL_ID) == null ? null
                : String.valueOf(configs.get(ProductionDeadLetterHandler.MODEL_ID));
        meters = ProductionDeadLetterHandler.meters(configs);
    }

    @Override
    public Response handleError(ErrorHandlerContext context, Record<?, ?> record, Exception exception) {
        String node = context.processorNodeId();
        if (!TaggingTopology.VALIDATE.equals(node) && !TaggingTopology.HIERARCHY_RESCORE.equals(node)) {
            LOG.error("Failure in processor {} {}, possibly after outputs were forwarded; failing the task so that "
                    + "its transaction aborts", node, where(context), exception);
            return Response.fail();
        }
        LOG.error("Unexpected failure in processor {} at {}-{}@{}; dead-lettering the input", context
                .processorNodeId(), context.topic(), context.partition(), context.offset(), exception);
        byte[] key = context.sourceRawKey();
        byte[] value = context.sourceRawValue();
        Stage stage = stage(context.processorNodeId());
        meters.deadLetter(stage.name(), UNEXPECTED_ERROR);
        DeadLetter d = DeadLetter.newBuilder()
                .setStage(stage)
                .setErrorType(UNEXPECTED_ERROR)
                .setMessage("processor " + context.processorNodeId() + " failed: " + exception
                        + "; this is a bug, please report it with this dead letter")
                .setModelId(modelId)
                .setSourceTopic(String.valueOf(context.topic()))
                .setSourcePartition(context.partition())
                .setSourceOffset(context.offset())
                .setOriginalKey(key == null ? null : ByteBuffer.wrap(key))
                .setOriginalValue(value == null ? null : ByteBuffer.wrap(value))
                .setFailedAt(Instant.now())
                .build();
        return Response.resume(List.of(new ProducerRecord<>(deadLetters.name(), key,
                deadLetters.valueSerde().serializer().serialize(deadLetters.name(), d))));
    }

    /** The input being processed, or the punctuation: the first pass flushes on the wall clock too. */
    private static String where(ErrorHandlerContext context) {
        return context.topic() == null ? "in a wall-clock punctuation of task " + context.taskId()
                : "at " + context.topic() + "-" + context.partition() + "@" + context.offset();
    }

    static Stage stage(String processorNodeId) {
        return TaggingTopology.VALIDATE.equals(processorNodeId) ? Stage.VALIDATE : Stage.RESCORE;
    }
}
