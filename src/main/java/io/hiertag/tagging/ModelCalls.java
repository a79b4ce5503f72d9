package io.hiertag.tagging;

/**
 * Told how long each call of the image tower took, so that the operator's metrics can show it while the tagging
 * code knows no metrics library.
 */
@FunctionalInterface
public interface ModelCalls {

    ModelCalls NONE = nanos -> {
    };

    /** One call, successful or not, took {@code nanos}. */
    void called(long nanos);
}
