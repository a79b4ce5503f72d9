package io.hiertag.image;

/**
 * An input that is not an image we can tag. The reason is a short code for machines (it becomes the dead
 * letter's {@code errorType}); the message says what was wrong for a person.
 */
public final class InvalidImageException extends Exception {
    private static final long serialVersionUID = 1L;

    /** Why an image was refused. */
    public enum Reason {
        /** The image field holds no bytes. */
        EMPTY_IMAGE,
        /** More encoded bytes than the limit. */
        TOO_LARGE,
        /** The header claims more pixels than the limit. */
        TOO_MANY_PIXELS,
        /** An accepted format, but damaged or truncated. */
        UNREADABLE_IMAGE,
        /** Not a format that is accepted. */
        UNSUPPORTED_FORMAT,
        /** A {@code uri} that is allowed but could not be read. */
        FETCH_FAILED,
        /** A {@code uri} that the policy refuses: a decision about the event, not about pixels. */
        URI_NOT_ALLOWED
    }

    private final Reason reason;

    public InvalidImageException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
