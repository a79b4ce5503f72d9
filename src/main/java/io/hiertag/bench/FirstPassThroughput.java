package io.hiertag.bench;

import io.hiertag.avro.PendingImage;
import io.hiertag.kafka.Topics;
import io.hiertag.tagging.FirstPassTagger;
import java.util.List;

/**
 * (b) The first pass without Kafka: the application's own {@link FirstPassTagger} on batch-buffer records, from
 * the ImageEvent bytes to confident/uncertain decisions (Avro, decode, preprocess, image and flip through the
 * tower, every classifier head, consistency, top-5). Each batch alternates with one bare forward pass of the same
 * batch size, so the first pass and its limit see the same load from other processes, and their ratio holds.
 * Two untimed rounds first.
 */
final class FirstPassThroughput {

    /** @param limit (a) at the batch size, measured interleaved with the first pass */
    record Result(double imagesPerSecond, double imagesPerCpuSecond, ModelLimit.Rate limit) {}

    private FirstPassThroughput() {
    }

    static Result measure(FirstPassTagger tagger, ModelLimit limit, List<PendingImage> inputs, int batchSize) {
        for (int warmUp = 0; warmUp < 2; warmUp++) {
            tag(tagger, inputs.subList(0, Math.min(batchSize, inputs.size())));
            limit.call(batchSize);
        }
        Clocks firstPass = new Clocks(0, 0);
        Clocks model = new Clocks(0, 0);
        int calls = 0;
        for (int from = 0; from < inputs.size(); from += batchSize) {
            List<PendingImage> batch = inputs.subList(from, Math.min(inputs.size(), from + batchSize));
            Clocks t0 = Clocks.now();
            tag(tagger, batch);
            firstPass = firstPass.plus(t0.elapsed());
            model = model.plus(limit.call(batchSize));
            calls++;
        }
        return new Result(inputs.size() / firstPass.wallSeconds(), inputs.size() / firstPass.cpuSeconds(),
                ModelLimit.Rate.of(batchSize, calls, model));
    }

    /** What the first pass does with buffered records: read each ImageEvent from its bytes, then tag them. */
    private static void tag(FirstPassTagger tagger, List<PendingImage> batch) {
        tagger.tag(batch.stream().map(p -> Topics.IMAGE_EVENT.deserializer().deserialize(p.getTopic(),
                p.getValue().array())).toList());
    }
}
