package io.hiertag.bench;

import io.hiertag.avro.PendingImage;
import io.hiertag.kafka.Topics;
import io.hiertag.tagging.FirstPassTagger;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * (b) The first pass without Kafka: the application's own {@link FirstPassTagger} on batch-buffer records, from
 * the ImageEvent bytes to confident/uncertain decisions (Avro, decode, preprocess, image and flip through the
 * tower, every classifier head, consistency, top-5). Each batch alternates with one bare forward pass of the same
 * batch size, so the first pass and its limit see the same load from other processes, and their ratio holds.
 * Two untimed rounds first. Then the same batches once more as the stream runs them with {@code batch.pipeline}:
 * on background threads, the next batch started while the previous one runs, at most
 * {@value #IN_FLIGHT} in flight, so the pipelined figure's wall time shows what the overlap saves.
 */
final class FirstPassThroughput {

    /** As many as the stream keeps in flight. */
    private static final int IN_FLIGHT = 2;

    /**
     * @param limit (a) at the batch size, measured interleaved with the first pass
     * @param pipelinedImagesPerSecond the same batches with two in flight
     */
    record Result(double imagesPerSecond, double imagesPerCpuSecond, ModelLimit.Rate limit,
            double pipelinedImagesPerSecond) {}

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
                ModelLimit.Rate.of(batchSize, calls, model), inputs.size() / pipelinedSeconds(tagger, inputs,
                        batchSize));
    }

    private static double pipelinedSeconds(FirstPassTagger tagger, List<PendingImage> inputs, int batchSize) {
        ExecutorService background = Executors.newFixedThreadPool(IN_FLIGHT);
        try {
            Deque<Future<?>> inFlight = new ArrayDeque<>();
            long t0 = System.nanoTime();
            for (int from = 0; from < inputs.size(); from += batchSize) {
                List<PendingImage> batch = inputs.subList(from, Math.min(inputs.size(), from + batchSize));
                if (inFlight.size() == IN_FLIGHT) {
                    join(inFlight.poll());
                }
                inFlight.add(background.submit(() -> tag(tagger, batch)));
            }
            while (!inFlight.isEmpty()) {
                join(inFlight.poll());
            }
            return (System.nanoTime() - t0) / 1e9;
        } finally {
            background.shutdown();
        }
    }

    private static void join(Future<?> f) {
        try {
            f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while measuring the pipelined first pass", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("the pipelined first pass failed", e.getCause());
        }
    }

    /** What the first pass does with buffered records: read each ImageEvent from its bytes, then tag them. */
    private static void tag(FirstPassTagger tagger, List<PendingImage> batch) {
        tagger.tag(batch.stream().map(p -> Topics.IMAGE_EVENT.deserializer().deserialize(p.getTopic(),
                p.getValue().array())).toList());
    }
}
