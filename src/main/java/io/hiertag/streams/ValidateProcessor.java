package io.hiertag.streams;

import io.hiertag.avro.ImageEvent;
import io.hiertag.avro.PendingImage;
import io.hiertag.kafka.RawImageRecord;
import io.hiertag.tagging.RejectedInputException;
import java.nio.ByteBuffer;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;

/**
 * First node after the source: reads each raw record as an ImageEvent (or an image file with its key and headers)
 * and checks it. Good records go on to the
 * first pass as they arrived (bytes and origin); bad ones become dead letters here, before they enter a batch.
 */
final class ValidateProcessor implements Processor<byte[], byte[], Object, Object> {

    private final ImageEventReader reader;
    private final Outputs outputs;
    private ProcessorContext<Object, Object> context;

    ValidateProcessor(ImageEventReader reader, Outputs outputs) {
        this.reader = reader;
        this.outputs = outputs;
    }

    @Override
    public void init(ProcessorContext<Object, Object> context) {
        this.context = context;
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        outputs.meters().imageIn();
        RecordMetadata meta = context.recordMetadata().orElseThrow();
        PendingImage pending = PendingImage.newBuilder()
                .setKey(record.key() == null ? null : ByteBuffer.wrap(record.key()))
                .setValue(ByteBuffer.wrap(record.value() == null ? new byte[0] : record.value()))
                .setTimestamp(record.timestamp())
                .setTopic(meta.topic())
                .setPartition(meta.partition())
                .setOffset(meta.offset())
                .setHeaders(RawImageRecord.headersOf(record.headers()))
                .build();
        try {
            ImageEvent event = reader.read(pending);
            context.forward(new Record<>(event.getId(), pending, record.timestamp()), TaggingTopology.FIRST_PASS);
        } catch (RejectedInputException e) {
            outputs.deadLetter(context, DeadLetters.of(pending, e, outputs.modelId()), pending, record.timestamp());
        }
    }
}
