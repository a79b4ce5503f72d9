package io.hiertag.bench;

import io.hiertag.testmodel.TestModelVariant;
import java.time.Duration;
import java.util.List;

/**
 * How much a bench run measures. {@link #full()} is the committed report's run, {@link #quick()} a check that
 * fits in well under three minutes on two cores; tests pass tiny values with the small test model.
 *
 * @param variant the test model the run exports and measures
 * @param batchSize the application's {@code batch.size}, and the batch the headline ratios compare at
 * @param forwardBatches the batch sizes of the bare image-tower figure (a)
 * @param forwardBudget how long each batch size of (a) is timed at least
 * @param firstPassImages images through the first pass without Kafka (b)
 * @param pipelineWarmUp images through the whole application before (c) is timed
 * @param pipelineImages images published ahead for the whole application (c)
 * @param latencyDuration how long images are published at a fixed rate for (e)
 * @param latencyLoad that rate as a fraction of the throughput measured in (c)
 * @param stageRepeats inputs per stage for (h)
 * @param rescoreCalls rescoring calls timed for (d)
 * @param pilRepeats repeats per photo of (i), hiertag beside PIL (as many untimed rounds warm hiertag up first)
 * @param pilWarmUp how long those untimed rounds last at least, per photo size
 */
public record BenchOptions(String name, TestModelVariant variant, int batchSize, List<Integer> forwardBatches,
        Duration forwardBudget, int firstPassImages, int pipelineWarmUp, int pipelineImages, Duration latencyDuration,
        double latencyLoad, int stageRepeats, int rescoreCalls, int pilRepeats, Duration pilWarmUp) {

    public static BenchOptions full() {
        return new BenchOptions("full", TestModelVariant.BENCH, 32, List.of(1, 8, 32, 64), Duration.ofSeconds(8),
                256, 256, 512, Duration.ofSeconds(60), 0.5, 200, 5000, 60,
                Duration.ofSeconds(5));
    }

    public static BenchOptions quick() {
        return new BenchOptions("quick", TestModelVariant.BENCH, 32, List.of(1, 8, 32, 64), Duration.ofSeconds(2),
                128, 128, 128, Duration.ofSeconds(10), 0.5, 40, 2000, 20,
                Duration.ofSeconds(5));
    }

    /** The same run with another batch size (the headline ratios follow it). */
    public BenchOptions withBatchSize(int size) {
        return new BenchOptions(name, variant, size, forwardBatches, forwardBudget, firstPassImages, pipelineWarmUp,
                pipelineImages, latencyDuration, latencyLoad, stageRepeats, rescoreCalls, pilRepeats, pilWarmUp);
    }
}
