package io.hiertag.streams;

import io.hiertag.avro.Stage;

/** An input that cannot be tagged: the stage, a short error type and a message become its dead letter. */
final class RejectedInputException extends Exception {
    private static final long serialVersionUID = 1L;

    private final Stage stage;
    private final String errorType;
    private final String imageId;

    RejectedInputException(Stage stage, String errorType, String message, String imageId) {
        super(message);
        this.stage = stage;
        this.errorType = errorType;
        this.imageId = imageId;
    }

    Stage stage() {
        return stage;
    }

    String errorType() {
        return errorType;
    }

    String imageId() {
        return imageId;
    }
}
