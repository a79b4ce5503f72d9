package io.hiertag.streams;

import io.hiertag.config.HiertagConfig;
import io.hiertag.kafka.KafkaClients;
import io.hiertag.kafka.TopicAdmin;
import io.hiertag.kafka.Topics;
import io.hiertag.ops.TaggerMeters;
import io.hiertag.ops.Telemetry;
import io.hiertag.tagging.BatchEmbedder;
import io.hiertag.tagging.TaggingEngine;
import io.hiertag.zeroshot.EncodingProgress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns everything operational about one running instance: the tagging engine, topic creation,
 * the Kafka Streams client and its clean shutdown. The graph itself comes from {@link TaggingTopology}.
 */
public final class TaggingApplication implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TaggingApplication.class);
    /** How the operating system's ENOSPC reads, in Java's and RocksDB's messages alike. */
    private static final String NO_SPACE = "No space left on device";

    private final TaggingEngine engine;
    /** Runs first-pass batches while the next ones fill ({@code batch.pipeline}); null when off. */
    private final ExecutorService background;
    private final KafkaStreams streams;
    private final CountDownLatch stopped = new CountDownLatch(1);

    private TaggingApplication(TaggingEngine engine, KafkaStreams streams, ExecutorService background) {
        this.engine = engine;
        this.streams = streams;
        this.background = background;
    }

    /**
     * Loads the model and label sets (text embeddings from the cache when there), creates missing topics and
     * starts processing; returns once the client is started.
     *
     * @param progress told how the first computation of the text embeddings advances
     */
    public static TaggingApplication start(HiertagConfig config, String bootstrapServers, Path modelDir,
            EncodingProgress progress) {
        return start(config, bootstrapServers, modelDir, progress, Telemetry.none());
    }

    /**
     * Likewise, counting into {@code telemetry}'s meters and telling its health when the model is warm and how
     * Streams is doing. The caller owns {@code telemetry} and closes it after this application, so that probes
     * see the shutdown.
     */
    public static TaggingApplication start(HiertagConfig config, String bootstrapServers, Path modelDir,
            EncodingProgress progress, Telemetry telemetry) {
        TaggerMeters meters = telemetry.meters();
        TaggingEngine engine = TaggingEngine.open(config, modelDir, progress, meters::modelCall);
        ExecutorService background = config.batchPipeline() ? firstPassThreads(config.streamThreads()) : null;
        try {
            meters.model(engine.modelId());
            meters.watch(engine.textCache());
            Outputs outputs = createTopics(config, bootstrapServers, engine.modelId(), meters);
            Properties props = StreamsSettings.of(config, bootstrapServers, engine.modelId());
            props.put(ProductionDeadLetterHandler.METERS, meters);
            warmUpAndCheckBudget(config, engine.embedder(), props);
            telemetry.health().warmedUp();
            TaggingTopology.Processors processors = TaggingTopology.of(config,
                    new ImageEventReader(engine.validator(), config.inputRawImages()), engine.firstPass()::tag,
                    engine.rescoring(), outputs, background);
            KafkaStreams streams = new KafkaStreams(TaggingTopology.build(config, processors), props);
            TaggingApplication app = new TaggingApplication(engine, streams, background);
            telemetry.watch(streams);
            streams.setUncaughtExceptionHandler(app::onUncaught);
            String images = Topics.of(config).images().name();
            streams.setStateListener((now, before) -> {
                // After a rebalance: which input partitions this instance now works on.
                LOG.info("Streams state {} -> {} (application.id={}){}", before, now, config.applicationId(),
                        now == KafkaStreams.State.RUNNING ? ", " + images + " partitions " + app.owned(images) : "");
                if (now == KafkaStreams.State.NOT_RUNNING || now == KafkaStreams.State.ERROR) {
                    app.stopped.countDown();
                }
            });
            LOG.info("Joining group {} as static member {} (stream.threads={})", config.applicationId(),
                    props.get(StreamsConfig.mainConsumerPrefix(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG)),
                    config.streamThreads());
            streams.start();
            return app;
        } catch (RuntimeException e) {
            if (background != null) {
                background.shutdownNow();
            }
            engine.close();
            throw e;
        }
    }

    /**
     * Two per stream thread, for the batch the model runs and the one decoded meanwhile; when several tasks of a
     * thread have batches in flight, later ones queue. Daemon threads: they never keep the JVM alive.
     */
    private static ExecutorService firstPassThreads(int streamThreads) {
        AtomicInteger count = new AtomicInteger();
        return Executors.newFixedThreadPool(FirstPassProcessor.MAX_IN_FLIGHT * streamThreads, r -> {
            Thread t = new Thread(r, "hiertag-first-pass-" + count.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Runs the image tower once on a full batch (the first call pays for graph set-up and, on a GPU, kernel
     * compilation) and checks the measured time, with the web fetches' deadline, against the transaction timeout.
     */
    private static void warmUpAndCheckBudget(HiertagConfig config, BatchEmbedder embedder, Properties props) {
        Duration batchTime = embedder.warmUp(config.batchSize());
        TransactionBudget budget = TransactionBudget.of(config, props, batchTime);
        LOG.info("Warm-up: a batch of {} images takes {} ms{}; worst time between commits about {} ms (timeout {} ms)",
                config.batchSize(), batchTime.toMillis(), budget.fetchTime().isZero() ? ""
                        : ", its web fetches up to " + budget.fetchTime().toMillis() + " ms",
                budget.worstCase().toMillis(), budget.transactionTimeout().toMillis());
        budget.check();
    }

    /** Creates missing topics and reads the output topics' record size limits, which may be set by others. */
    private static Outputs createTopics(HiertagConfig config, String bootstrapServers, String modelId,
            TaggerMeters meters) {
        List<NewTopic> wanted = topicsToCreate(config);
        Topics topics = Topics.of(config);
        try (Admin admin = TopicAdmin.admin(bootstrapServers, KafkaClients.common(config, bootstrapServers))) {
            TopicAdmin.ensureTopics(admin, wanted, Duration.ofSeconds(60));
            Map<String, Long> limits = TopicAdmin.maxMessageBytes(admin, List.of(topics.tags().name(),
                    topics.deadLetters().name()), Duration.ofSeconds(60));
            long producerLimit = config.maxRecordBytes();
            return new Outputs(topics, Math.min(producerLimit, limits.get(topics.tags().name())),
                    Math.min(producerLimit, limits.get(topics.deadLetters().name())), modelId, meters);
        }
    }

    /** The application's four topics as it creates them when they are missing. */
    static List<NewTopic> topicsToCreate(HiertagConfig config) {
        // Dead letters carry the original image, so every topic must hold a record of the largest accepted input.
        Map<String, String> topicConfig = Map.of(TopicConfig.MAX_MESSAGE_BYTES_CONFIG,
                Long.toString(config.maxRecordBytes()));
        return Topics.of(config).all().stream()
                .map(t -> new NewTopic(t, Optional.of(config.topicPartitions()), config.topicReplicationFactor())
                        .configs(topicConfig))
                .toList();
    }

    private StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse onUncaught(Throwable e) {
        // Bad input never reaches here (it becomes a dead letter); this is a bug, a lost broker or a full disk.
        // Stop cleanly rather than spin: the transaction aborts and a restart resumes from the last commit.
        String diskFull = diskFull(e);
        if (diskFull != null) {
            // The stack trace is logged already, by the processing exception handler or by Streams; this line
            // is the one an operator needs.
            LOG.error("Out of disk space ({}); shutting the client down. The open transaction aborts, so nothing "
                    + "is lost or written twice: free space on that file system and start again", diskFull);
        } else {
            LOG.error("Stream thread failed; shutting the client down", e);
        }
        return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
    }

    /** The partitions of {@code topic} that this instance's stream threads own, as a sorted list. */
    private String owned(String topic) {
        try {
            return streams.metadataForLocalThreads().stream().flatMap(t -> t.activeTasks().stream())
                    .flatMap(task -> task.topicPartitions().stream()).filter(tp -> tp.topic().equals(topic))
                    .map(TopicPartition::partition).sorted().toList().toString();
        } catch (RuntimeException e) {
            return "unknown (" + e + ")";
        }
    }

    /** The innermost message that says the disk is full (RocksDB's names the file), or null. */
    private static String diskFull(Throwable e) {
        String found = null;
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t.getMessage() != null && t.getMessage().contains(NO_SPACE)) {
                found = t.getMessage();
            }
        }
        return found;
    }

    public KafkaStreams.State state() {
        return streams.state();
    }

    /** Waits until every task is assigned and running; false on timeout or if the client stopped. */
    public boolean awaitRunning(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            KafkaStreams.State s = streams.state();
            if (s == KafkaStreams.State.RUNNING) {
                return true;
            }
            if (s == KafkaStreams.State.ERROR || s == KafkaStreams.State.NOT_RUNNING) {
                return false;
            }
            Thread.sleep(50);
        }
        return false;
    }

    /** Blocks until the client stops on its own (error) or is closed. */
    public void awaitStop() throws InterruptedException {
        stopped.await();
    }

    @Override
    public void close() {
        long t0 = System.nanoTime();
        // Leaving the group hands the partitions over at once, also as a static member (which by default would
        // stay in the group until its session times out): a clean stop may be for good, or a scale-down. A kill -9
        // cannot leave; then the static id lets the restarted process take its predecessor's place at once.
        streams.close(CloseOptions.timeout(Duration.ofSeconds(60))
                .withGroupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP));
        if (background != null) {
            background.shutdown(); // idle: each task waited for its batches when it closed
        }
        engine.close();
        stopped.countDown();
        LOG.info("Stopped in {} ms", (System.nanoTime() - t0) / 1_000_000);
    }
}
