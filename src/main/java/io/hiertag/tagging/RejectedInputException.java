package io.hiertag.tagging;

import io.hiertag.avro.ImageEvent;
import io.hiertag.avro.Stage;
import io.hiertag.image.InvalidImageException;

/**
 * An input that cannot be tagged: its reason (with the stage) and a message become its dead letter, with the
 * image id and label set when the event could be read.
 */
public final class RejectedInputException extends Exception {
    private static final long serialVersionUID = 1L;

    private final RejectionReason reason;
    private final transient ImageEvent event;

    /** @param event the input as read, or null when it could not be read */
    public RejectedInputException(RejectionReason reason, String message, ImageEvent event) {
        super(message);
        this.reason = reason;
        this.event = event;
    }

    /** An image the image layer refused, for the event that carried or named it. */
    public static RejectedInputException of(InvalidImageException e, ImageEvent event) {
        return new RejectedInputException(RejectionReason.of(e.reason()), e.getMessage(), event);
    }

    /** The same rejection with a message that says more. */
    public RejectedInputException withMessage(String message) {
        return new RejectedInputException(reason, message, event);
    }

    /** The same rejection about {@code event}, for one made where the event was not known. */
    RejectedInputException about(ImageEvent event) {
        return this.event == event ? this : new RejectedInputException(reason, getMessage(), event);
    }

    public RejectionReason reason() {
        return reason;
    }

    public Stage stage() {
        return reason.stage();
    }

    public String errorType() {
        return reason.name();
    }

    public String imageId() {
        return event == null || event.getId() == null || event.getId().isBlank() ? null : event.getId();
    }

    public String labelSet() {
        return event == null ? null : event.getLabelSet();
    }
}
