package io.hiertag.streams;

import io.hiertag.avro.ImageEvent;
import io.hiertag.avro.Stage;

/**
 * An input that cannot be tagged: the stage, a short error type and a message become its dead letter, with the
 * image id and label set when the event could be read.
 */
final class RejectedInputException extends Exception {
    private static final long serialVersionUID = 1L;

    private final Stage stage;
    private final String errorType;
    private final transient ImageEvent event;

    /** @param event the input as read, or null when it could not be read */
    RejectedInputException(Stage stage, String errorType, String message, ImageEvent event) {
        super(message);
        this.stage = stage;
        this.errorType = errorType;
        this.event = event;
    }

    Stage stage() {
        return stage;
    }

    String errorType() {
        return errorType;
    }

    String imageId() {
        return event == null || event.getId() == null || event.getId().isBlank() ? null : event.getId();
    }

    String labelSet() {
        return event == null ? null : event.getLabelSet();
    }
}
