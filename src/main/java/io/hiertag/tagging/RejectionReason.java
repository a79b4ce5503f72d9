package io.hiertag.tagging;

import io.hiertag.avro.Stage;
import io.hiertag.image.InvalidImageException;

/**
 * Why an input could not be tagged, with the stage that refused it. The constant's name is the dead letter's
 * {@code errorType}, so consumers can match on it.
 */
public enum RejectionReason {
    EMPTY_VALUE(Stage.DESERIALIZE),
    NOT_AN_IMAGE_EVENT(Stage.DESERIALIZE),
    /** An image file published as it is, where {@code input.raw-images} is off. */
    RAW_IMAGE_REFUSED(Stage.DESERIALIZE),
    /** A schema-registry serializer's framing (byte 0 and a schema id), which we do not read. */
    SCHEMA_REGISTRY_FORMAT(Stage.DESERIALIZE),
    /** Text, such as one line of a file a tool split into a record per line. */
    TEXT_VALUE(Stage.DESERIALIZE),
    MISSING_ID(Stage.VALIDATE),
    /** A raw image's {@code hiertag.*} header that is unknown, repeated or not UTF-8. */
    INVALID_HEADER(Stage.VALIDATE),
    UNKNOWN_LABEL_SET(Stage.VALIDATE),
    NO_IMAGE(Stage.VALIDATE),
    IMAGE_AND_URI(Stage.VALIDATE),
    URI_NOT_ALLOWED(Stage.VALIDATE),
    EMPTY_IMAGE(Stage.DECODE),
    TOO_LARGE(Stage.DECODE),
    TOO_MANY_PIXELS(Stage.DECODE),
    UNREADABLE_IMAGE(Stage.DECODE),
    UNSUPPORTED_FORMAT(Stage.DECODE),
    FETCH_FAILED(Stage.DECODE),
    MODEL_FAILED(Stage.INFER),
    SCORING_FAILED(Stage.INFER),
    /** The first pass failed on a whole batch, for a reason no single input explains. */
    BATCH_FAILED(Stage.INFER),
    RESCORE_FAILED(Stage.RESCORE),
    RECORD_TOO_LARGE(Stage.PRODUCE);

    private final Stage stage;

    RejectionReason(Stage stage) {
        this.stage = stage;
    }

    public Stage stage() {
        return stage;
    }

    /**
     * The reason for an image the image layer refused. A refused uri is a policy decision about the event
     * ({@code VALIDATE}), whether it is found before buffering or only when read (a link leading out of an
     * allowed folder); bad bytes are a decoding matter.
     */
    public static RejectionReason of(InvalidImageException.Reason reason) {
        return switch (reason) {
            case EMPTY_IMAGE -> EMPTY_IMAGE;
            case TOO_LARGE -> TOO_LARGE;
            case TOO_MANY_PIXELS -> TOO_MANY_PIXELS;
            case UNREADABLE_IMAGE -> UNREADABLE_IMAGE;
            case UNSUPPORTED_FORMAT -> UNSUPPORTED_FORMAT;
            case FETCH_FAILED -> FETCH_FAILED;
            case URI_NOT_ALLOWED -> URI_NOT_ALLOWED;
        };
    }
}
