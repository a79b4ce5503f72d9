package io.hiertag.tagging;

import io.hiertag.avro.ImageEvent;
import io.hiertag.avro.TagResult;

/**
 * What the first pass made of one image: a confident tag, an uncertain one on its way to rescoring (with the raw
 * image embedding rescoring needs), or a rejection.
 *
 * @param tag the first-pass tag, or null when refused
 * @param embedding the image tower's raw output, kept only for uncertain images
 * @param rejection why the image was refused, or null
 */
public record FirstPassOutcome(ImageEvent event, TagResult tag, float[] embedding, RejectedInputException rejection) {

    static FirstPassOutcome confident(ImageEvent event, TagResult tag) {
        return new FirstPassOutcome(event, tag, null, null);
    }

    static FirstPassOutcome uncertain(ImageEvent event, TagResult tag, float[] embedding) {
        return new FirstPassOutcome(event, tag, embedding, null);
    }

    static FirstPassOutcome rejected(ImageEvent event, RejectedInputException rejection) {
        return new FirstPassOutcome(event, null, null, rejection.about(event));
    }

    public boolean uncertain() {
        return embedding != null;
    }

    public boolean refused() {
        return rejection != null;
    }
}
