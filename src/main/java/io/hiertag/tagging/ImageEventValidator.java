package io.hiertag.tagging;

import io.hiertag.avro.ImageEvent;
import io.hiertag.image.ImageLoader;
import io.hiertag.image.InvalidImageException;
import java.nio.ByteBuffer;
import java.util.Set;
import java.util.TreeSet;

/**
 * Checks everything about an {@link ImageEvent} that can be checked without decoding pixels or reading a uri, so
 * that bad input is refused before it takes a place in a batch.
 */
public final class ImageEventValidator {

    private final Set<String> labelSets;
    private final ImageLoader images;

    /** @param labelSets the names of the loaded label sets */
    public ImageEventValidator(Set<String> labelSets, ImageLoader images) {
        this.labelSets = new TreeSet<>(labelSets);
        this.images = images;
    }

    public void validate(ImageEvent event) throws RejectedInputException {
        String id = event.getId();
        if (id == null || id.isBlank()) {
            throw new RejectedInputException(RejectionReason.MISSING_ID, "the ImageEvent has an empty id", event);
        }
        if (!labelSets.contains(event.getLabelSet())) {
            throw new RejectedInputException(RejectionReason.UNKNOWN_LABEL_SET, "label set '"
                    + event.getLabelSet() + "' is not loaded; loaded: " + String.join(", ", labelSets), event);
        }
        ByteBuffer image = event.getImage();
        String uri = event.getUri();
        if (image == null && uri == null) {
            throw new RejectedInputException(RejectionReason.NO_IMAGE, "the ImageEvent carries neither image "
                    + "bytes nor a uri", event);
        }
        if (image != null && uri != null) {
            throw new RejectedInputException(RejectionReason.IMAGE_AND_URI, "the ImageEvent carries both image "
                    + "bytes and a uri; send exactly one", event);
        }
        try {
            images.check(image, uri);
        } catch (InvalidImageException e) {
            throw RejectedInputException.of(e, event);
        }
    }
}
