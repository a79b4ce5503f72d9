package io.hiertag.streams;

import io.hiertag.avro.DeadLetter;
import io.hiertag.avro.PendingImage;
import io.hiertag.avro.TagResult;

/** What a batch did with one buffered record: exactly one of tag, uncertain and deadLetter is set. */
public record BatchOutcome(PendingImage source, TagResult tag, UncertainImage uncertain, DeadLetter deadLetter) {

    static BatchOutcome confident(PendingImage source, TagResult tag) {
        return new BatchOutcome(source, tag, null, null);
    }

    static BatchOutcome uncertain(UncertainImage image) {
        return new BatchOutcome(image.source(), null, image, null);
    }

    static BatchOutcome rejected(PendingImage source, RejectedInputException e, String modelId) {
        return new BatchOutcome(source, null, null, DeadLetters.of(source, e, modelId));
    }
}
