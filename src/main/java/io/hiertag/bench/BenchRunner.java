package io.hiertag.bench;

import io.hiertag.avro.TagResult;
import io.hiertag.config.HiertagConfig;
import io.hiertag.image.ImageDecoder;
import io.hiertag.image.ImagePreprocessor;
import io.hiertag.kafka.KafkaConnection;
import io.hiertag.labels.LabelSet;
import io.hiertag.model.ModelContract;
import io.hiertag.model.SavedModelDualEncoder;
import io.hiertag.model.TensorFlowJpegPngDecoder;
import io.hiertag.tagging.TaggingEngine;
import io.hiertag.testmodel.TestModelFolders;
import io.hiertag.testmodel.TestModelVariant;
import io.hiertag.zeroshot.EncodingProgress;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs every probe in one process and assembles the report. Order matters: (i) comes first, in a process that
 * holds nothing else yet, as PIL's does; then the cold start, while the text-embedding cache is still empty; every
 * later step reads the cache it wrote.
 */
public final class BenchRunner {

    private final BenchOptions options;
    private final Path work;
    private final Path modelDir;
    /** The test model exported into {@link #modelDir} when it is missing, or null: the folder is benched as it is. */
    private final TestModelVariant testModel;
    private final PrintStream log;

    /**
     * @param work an empty folder for the broker, the Streams state and the cache; the caller deletes it
     * @param modelDir where the test model of {@code options.variant()} is, or is exported to first
     * @param log told what each step is doing
     */
    public BenchRunner(BenchOptions options, Path work, Path modelDir, PrintStream log) {
        this(options, work, modelDir, options.variant(), log);
    }

    private BenchRunner(BenchOptions options, Path work, Path modelDir, TestModelVariant testModel,
            PrintStream log) {
        this.options = options;
        this.work = work;
        this.modelDir = modelDir;
        this.testModel = testModel;
        this.log = log;
    }

    /**
     * Benches a model folder as it is, e.g. one {@code import-model} wrote; {@code options.variant()} is not used.
     * Its first start embeds every prompt of ImageNet-1k with the folder's own text tower, so (f)'s cold start
     * takes as long as that.
     */
    public static BenchRunner onFolder(BenchOptions options, Path work, Path modelDir, PrintStream log) {
        return new BenchRunner(options, work, modelDir, null, log);
    }

    public BenchReport run() throws Exception {
        MachineInfo machine = MachineInfo.detect();
        Instant started = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        long t0 = System.nanoTime();
        try (MemoryWatch memory = new MemoryWatch()) {
            Path model = testModel == null ? modelDir : TestModelFolders.ensure(modelDir, testModel);
            BenchPhotos photos = BenchPhotos.load();
            step("(i) decode and preprocessing beside PIL, one thread");
            PilComparison.Result pil = PilComparison.measure(photos, TaggingEngine.imageDecoder(config("probe")),
                    work.resolve("pil"), options.pilRepeats(), options.pilWarmUp());
            try (KafkaConnection kafka = KafkaConnection.embedded(work.resolve("broker"), 0)) {
                step("(f) cold start: empty text-embedding cache");
                PipelineRun.Startup cold;
                try (PipelineRun run = PipelineRun.start(config("cold"), kafka.bootstrapServers(), model, photos)) {
                    cold = run.startup();
                }
                InProcess inProcess = inProcess(config("probe"), model, photos, pil);
                step("(f) warm start");
                try (PipelineRun run = PipelineRun.start(config("main"), kafka.bootstrapServers(), model, photos)) {
                    step("(c) " + options.pipelineImages() + " images published ahead, after "
                            + options.pipelineWarmUp() + " untimed");
                    PipelineRun.Throughput throughput = run.throughput(options.pipelineWarmUp(),
                            options.pipelineImages());
                    double rate = options.latencyLoad() * throughput.imagesPerSecond();
                    step(String.format("(e) latency at %.2f images/s for %d s", rate,
                            options.latencyDuration().toSeconds()));
                    PipelineRun.Latency latency = run.latency(rate, options.latencyDuration());
                    return report(machine, started, t0, inProcess, throughput, latency,
                            new BenchReport.Startups(cold, run.startup()), memory.peaks());
                }
            }
        }
    }

    /** The figures measured without Kafka. */
    private record InProcess(String modelId, ModelContract contract, List<ModelLimit.Rate> limit,
            FirstPassThroughput.Result firstPass, StageCosts.Result stages, boolean flip, PilComparison.Result pil) {}

    private InProcess inProcess(HiertagConfig config, Path model, BenchPhotos photos, PilComparison.Result pil)
            throws Exception {
        try (TaggingEngine engine = TaggingEngine.open(config, model, EncodingProgress.NONE)) {
            SavedModelDualEncoder encoder = engine.encoder();
            ImagePreprocessor preprocessor = encoder.contract().image().preprocessor();
            ImageDecoder decoder = new ImageDecoder(Long.MAX_VALUE, Long.MAX_VALUE,
                    TensorFlowJpegPngDecoder.instance());
            float[] pixels = new float[photos.count() * preprocessor.floatsPerImage()];
            for (int p = 0; p < photos.count(); p++) {
                preprocessor.preprocessInto(decoder.decode(photos.get(p)), pixels, p * preprocessor.floatsPerImage());
            }
            step("(a) image tower alone at batch sizes " + options.forwardBatches());
            int largest = Math.max(options.batchSize(),
                    options.forwardBatches().stream().mapToInt(Integer::intValue).max().orElse(1));
            ModelLimit modelLimit = new ModelLimit(encoder, pixels, photos.count(), largest);
            List<ModelLimit.Rate> limit = modelLimit.sweep(options.forwardBatches(), options.forwardBudget());
            // (h) first: it also brings decoding and preprocessing up to speed in the JIT before (b).
            step("(h) stage costs and (d) rescoring");
            TagResult tag = engine.firstPass().tag(List.of(BenchInputs.event("photo-0", photos.get(0)))).get(0).tag();
            StageCosts.Result stages = new StageCosts(photos, engine, options.stageRepeats()).measure(
                    engine.labelSets().get(LabelSet.IMAGENET_1K), config.consistencyRule(),
                    config.rescoringEnsemble(), options.batchSize(), options.rescoreCalls(), tag,
                    work.resolve("rocksdb"));
            step("(b) first pass without Kafka, " + options.firstPassImages() + " images, interleaved with (a)");
            FirstPassThroughput.Result firstPass = FirstPassThroughput.measure(engine.firstPass(), modelLimit,
                    BenchInputs.pending(photos, options.firstPassImages()), options.batchSize());
            return new InProcess(encoder.modelId(), encoder.contract(), limit, firstPass, stages,
                    config.consistencyRule().flip(), pil);
        }
    }

    /** The application's settings for one phase: its own topics, application id and state; one shared cache. */
    private HiertagConfig config(String phase) {
        return HiertagConfig.builder()
                .set(HiertagConfig.MODEL_DIR, modelDir.toString())
                .set(HiertagConfig.DATA_DIR, work.resolve(phase).toString())
                .set(HiertagConfig.CACHE_DIR, work.resolve("cache").toString())
                .set(HiertagConfig.APPLICATION_ID, "bench-" + phase)
                .set(HiertagConfig.TOPIC_PREFIX, "bench-" + phase + ".")
                .set(HiertagConfig.TOPIC_PARTITIONS, "1")
                .set(HiertagConfig.BATCH_SIZE, Integer.toString(options.batchSize()))
                // A batch of 32 through ViT-B/16 and its flips takes about 15 s on 2 cores, so a poll's worth of
                // batches outlasts the 60 s default, which the start-up check refuses; 15 min is the broker's own
                // ceiling (transaction.max.timeout.ms).
                .set("kafka.producer.transaction.timeout.ms", "900000")
                .build();
    }

    private BenchReport report(MachineInfo machine, Instant started, long t0, InProcess in,
            PipelineRun.Throughput pipeline, PipelineRun.Latency latency, BenchReport.Startups startups,
            MemoryWatch.Peaks memory) {
        HiertagConfig config = config("main");
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("batch.size", config.batchSize());
        settings.put("batch.max-delay", config.batchMaxDelay().toMillis() + " ms");
        settings.put("processing.guarantee", config.processingGuarantee());
        settings.put("topic.partitions", config.topicPartitions());
        settings.put("stream.threads", config.streamThreads());
        settings.put("consistency.flip", in.flip());
        settings.put("label set", LabelSet.IMAGENET_1K);
        settings.put("inputs", "real photographs, 500×375 JPEG, cycled: " + String.join(", ", BenchPhotos.NAMES));
        settings.put("JVM max heap", Runtime.getRuntime().maxMemory() >> 20);
        // A folder's architecture is not in its contract, so only the test models' costs are known.
        BenchReport.Model model = testModel == null
                ? new BenchReport.Model(in.modelId(), in.contract().image().size(), in.contract().embeddingSize(),
                        Double.NaN, Double.NaN)
                : new BenchReport.Model(in.modelId(), testModel.imageSize(), testModel.embeddingSize(),
                        testModel.imageFlops() / 1e9, testModel.textFlops() / 1e6);
        int passes = in.flip() ? 2 : 1;
        ModelLimit.Rate limit = in.firstPass().limit();
        FirstPassThroughput.Result b = in.firstPass();
        BenchReport.Efficiency efficiency = new BenchReport.Efficiency(options.batchSize(), passes, limit,
                b.imagesPerSecond() * passes / limit.passesPerSecond(),
                pipeline.imagesPerSecond() * passes / limit.passesPerSecond(),
                b.imagesPerCpuSecond() * passes / limit.passesPerCpuSecond(),
                pipeline.imagesPerCpuSecond() * passes / limit.passesPerCpuSecond());
        double modelMicros = 1e6 * passes / limit.passesPerSecond();
        BenchReport.Stages stages = new BenchReport.Stages(in.stages().microsPerImage(), in.stages().total(),
                1e6 / b.imagesPerSecond() - modelMicros, 1e6 / b.pipelinedImagesPerSecond() - modelMicros);
        return new BenchReport(options.name(), started.toString(), (System.nanoTime() - t0) / 1e9, machine,
                MachineInfo.load(), settings, model, in.limit(), in.firstPass(), pipeline,
                in.stages().rescoreMicros(), latency, startups, memory, stages, efficiency, in.pil());
    }

    private void step(String what) {
        log.println("bench: " + what + " (load " + MachineInfo.load() + ")");
    }
}
