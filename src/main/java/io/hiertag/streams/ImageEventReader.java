package io.hiertag.streams;

import io.hiertag.avro.ImageEvent;
import io.hiertag.avro.Stage;
import io.hiertag.kafka.Topics;
import io.hiertag.model.ImageDecoder;
import io.hiertag.model.InvalidImageException;
import java.nio.ByteBuffer;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.common.errors.SerializationException;

/**
 * Reads an input record's value as an {@link ImageEvent} and checks everything that can be checked without
 * decoding pixels, so that bad input is refused before it takes a place in a batch.
 */
final class ImageEventReader {

    private final Set<String> labelSets;
    private final ImageDecoder decoder;

    ImageEventReader(Set<String> labelSets, ImageDecoder decoder) {
        this.labelSets = new TreeSet<>(labelSets);
        this.decoder = decoder;
    }

    ImageEvent read(String topic, byte[] value) throws RejectedInputException {
        if (value == null || value.length == 0) {
            throw new RejectedInputException(Stage.DESERIALIZE, "EMPTY_VALUE",
                    "the record has no value; publish an ImageEvent in Avro single-object encoding", null);
        }
        ImageEvent event;
        try {
            event = Topics.IMAGE_EVENT.deserializer().deserialize(topic, value);
        } catch (SerializationException e) {
            throw new RejectedInputException(Stage.DESERIALIZE, "NOT_AN_IMAGE_EVENT",
                    "the value is not an ImageEvent in Avro single-object encoding: " + e.getMessage(), null);
        }
        validate(event);
        return event;
    }

    /** The same checks for an event already decoded. */
    void validate(ImageEvent event) throws RejectedInputException {
        String id = event.getId();
        if (id == null || id.isBlank()) {
            throw new RejectedInputException(Stage.VALIDATE, "MISSING_ID", "the ImageEvent has an empty id", event);
        }
        if (!labelSets.contains(event.getLabelSet())) {
            throw new RejectedInputException(Stage.VALIDATE, "UNKNOWN_LABEL_SET", "label set '"
                    + event.getLabelSet() + "' is not loaded; loaded: " + String.join(", ", labelSets), event);
        }
        if (event.getUri() != null) {
            throw new RejectedInputException(Stage.VALIDATE, "URI_NOT_ALLOWED", "uri inputs are disabled; send the "
                    + "image bytes in the image field", event);
        }
        ByteBuffer image = event.getImage();
        if (image == null) {
            throw new RejectedInputException(Stage.VALIDATE, "NO_IMAGE", "the ImageEvent carries neither image "
                    + "bytes nor a uri", event);
        }
        try {
            decoder.check(bytes(image));
        } catch (InvalidImageException e) {
            throw new RejectedInputException(Stage.DECODE, e.errorType(), e.getMessage(), event);
        }
    }

    static byte[] bytes(ByteBuffer buffer) {
        ByteBuffer b = buffer.duplicate();
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }
}
