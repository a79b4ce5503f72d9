package io.hiertag.bench;

import io.hiertag.avro.PendingImage;
import io.hiertag.streams.ImageBatchTagger;
import java.util.List;

/**
 * (b) The first pass without Kafka: the application's own {@link ImageBatchTagger} on batch-buffer records, from
 * the ImageEvent bytes to confident/uncertain decisions (Avro, decode, preprocess, image and flip through the
 * tower, every classifier head, consistency, top-5). One untimed batch first.
 */
final class FirstPassThroughput {

    private FirstPassThroughput() {
    }

    /** @return images per second */
    static double measure(ImageBatchTagger tagger, List<PendingImage> inputs, int batchSize) {
        tagger.tag(inputs.subList(0, Math.min(batchSize, inputs.size())));
        long t0 = System.nanoTime();
        for (int from = 0; from < inputs.size(); from += batchSize) {
            tagger.tag(inputs.subList(from, Math.min(inputs.size(), from + batchSize)));
        }
        return inputs.size() / ((System.nanoTime() - t0) / 1e9);
    }
}
