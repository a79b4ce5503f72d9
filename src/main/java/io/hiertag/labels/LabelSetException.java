package io.hiertag.labels;

/** A label set that cannot be loaded; the message names the source and, where there is one, the line. */
public final class LabelSetException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public LabelSetException(String message) {
        super(message);
    }
}
