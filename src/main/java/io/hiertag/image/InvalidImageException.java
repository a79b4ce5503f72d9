package io.hiertag.image;

/**
 * An input that is not an image we can tag. The error type is a short code for machines (dead-letter
 * {@code errorType}); the message says what was wrong for a person.
 */
public final class InvalidImageException extends Exception {
    private static final long serialVersionUID = 1L;

    private final String errorType;

    public InvalidImageException(String errorType, String message) {
        super(message);
        this.errorType = errorType;
    }

    public String errorType() {
        return errorType;
    }
}
