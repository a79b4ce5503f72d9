package io.hiertag.streams;

import io.hiertag.avro.ImageEvent;
import io.hiertag.avro.Stage;
import io.hiertag.kafka.Topics;
import io.hiertag.image.ImageLoader;
import io.hiertag.image.InvalidImageException;
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
    private final ImageLoader images;

    ImageEventReader(Set<String> labelSets, ImageLoader images) {
        this.labelSets = new TreeSet<>(labelSets);
        this.images = images;
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
        ByteBuffer image = event.getImage();
        String uri = event.getUri();
        if (image == null && uri == null) {
            throw new RejectedInputException(Stage.VALIDATE, "NO_IMAGE", "the ImageEvent carries neither image "
                    + "bytes nor a uri", event);
        }
        if (image != null && uri != null) {
            throw new RejectedInputException(Stage.VALIDATE, "IMAGE_AND_URI", "the ImageEvent carries both image "
                    + "bytes and a uri; send exactly one", event);
        }
        try {
            images.check(image, uri);
        } catch (InvalidImageException e) {
            // A refused uri is a policy decision about the event; bad bytes are a decoding matter.
            Stage stage = e.errorType().equals("URI_NOT_ALLOWED") ? Stage.VALIDATE : Stage.DECODE;
            throw new RejectedInputException(stage, e.errorType(), e.getMessage(), event);
        }
    }
}
