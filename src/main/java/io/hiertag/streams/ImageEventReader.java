package io.hiertag.streams;

import io.hiertag.avro.ImageEvent;
import io.hiertag.kafka.Topics;
import io.hiertag.tagging.ImageEventValidator;
import io.hiertag.tagging.RejectedInputException;
import io.hiertag.tagging.RejectionReason;
import org.apache.kafka.common.errors.SerializationException;

/**
 * Reads an input record's value as an {@link ImageEvent} and validates it. Used when a record arrives and again
 * when its batch is flushed, since the buffer keeps the bytes exactly as they came (for the dead letter).
 */
final class ImageEventReader {

    private final ImageEventValidator validator;

    ImageEventReader(ImageEventValidator validator) {
        this.validator = validator;
    }

    ImageEvent read(String topic, byte[] value) throws RejectedInputException {
        if (value == null || value.length == 0) {
            throw new RejectedInputException(RejectionReason.EMPTY_VALUE,
                    "the record has no value; publish an ImageEvent in Avro single-object encoding", null);
        }
        ImageEvent event;
        try {
            event = Topics.IMAGE_EVENT.deserializer().deserialize(topic, value);
        } catch (SerializationException e) {
            throw new RejectedInputException(RejectionReason.NOT_AN_IMAGE_EVENT,
                    "the value is not an ImageEvent in Avro single-object encoding: " + e.getMessage(), null);
        }
        validator.validate(event);
        return event;
    }
}
