package io.hiertag.streams;

import io.hiertag.avro.ImageEvent;
import io.hiertag.avro.PendingImage;
import io.hiertag.avro.TagResult;

/**
 * An image the first pass was unsure of, on its way to hierarchy rescoring within the same task: the first-pass
 * tag so far, the raw image embedding and the record and event it came from (for a dead letter). Passed between
 * processors in memory, never serialised.
 */
public record UncertainImage(PendingImage source, ImageEvent event, TagResult firstPassTag, float[] embedding) {
}
