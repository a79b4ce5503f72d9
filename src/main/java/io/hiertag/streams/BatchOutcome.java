package io.hiertag.streams;

import io.hiertag.avro.DeadLetter;
import io.hiertag.avro.PendingImage;
import io.hiertag.avro.TagResult;

/** What a batch did with one buffered record: exactly one of tag and deadLetter is set. */
record BatchOutcome(PendingImage source, TagResult tag, DeadLetter deadLetter) {

    static BatchOutcome tagged(PendingImage source, TagResult tag) {
        return new BatchOutcome(source, tag, null);
    }

    static BatchOutcome rejected(PendingImage source, RejectedInputException e) {
        return new BatchOutcome(source, null,
                DeadLetters.of(source, e.stage(), e.errorType(), e.getMessage(), e.imageId()));
    }
}
