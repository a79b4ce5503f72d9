package io.hiertag.streams;

import io.hiertag.config.HiertagConfig;
import io.hiertag.kafka.KafkaClients;
import io.hiertag.kafka.TopicAdmin;
import io.hiertag.kafka.Topics;
import io.hiertag.model.SavedModelDualEncoder;
import io.hiertag.zeroshot.EncodingProgress;
import io.hiertag.zeroshot.LabelSetModel;
import io.hiertag.zeroshot.LabelSetModels;
import io.hiertag.zeroshot.TextEmbeddingCache;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
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
 * Owns everything operational about one running instance: the loaded model and label sets, topic creation,
 * the Kafka Streams client and its clean shutdown. The graph itself comes from {@link TaggingTopology}.
 */
public final class TaggingApplication implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TaggingApplication.class);

    private final SavedModelDualEncoder encoder;
    private final Map<String, LabelSetModel> labelSets;
    private final ImageBatchTagger tagger;
    private final KafkaStreams streams;
    private final CountDownLatch stopped = new CountDownLatch(1);

    private TaggingApplication(SavedModelDualEncoder encoder, Map<String, LabelSetModel> labelSets,
            ImageBatchTagger tagger, KafkaStreams streams) {
        this.encoder = encoder;
        this.labelSets = labelSets;
        this.tagger = tagger;
        this.streams = streams;
    }

    /**
     * Loads the model and label sets (text embeddings from the cache when there), creates missing topics and
     * starts processing; returns once the client is started.
     *
     * @param progress told how the first computation of the text embeddings advances
     */
    public static TaggingApplication start(HiertagConfig config, String bootstrapServers, Path modelDir,
            EncodingProgress progress) {
        long t0 = System.nanoTime();
        SavedModelDualEncoder encoder = SavedModelDualEncoder.open(modelDir, config.device());
        Map<String, LabelSetModel> labelSets = Map.of();
        ImageBatchTagger tagger = null;
        try {
            labelSets = LabelSetModels.load(config.labelSets(), config.hierarchyOptions(),
                    new LabelSetModel.Options(config.consistencyRule(), config.rescoringEnsemble()),
                    encoder.modelId(), encoder::embedTexts, new TextEmbeddingCache(config.cacheDir()),
                    encoder::bankScoring, progress);
            LOG.info("Model {} ready with label sets {} in {} ms", encoder.modelId(), labelSets.keySet(),
                    (System.nanoTime() - t0) / 1_000_000);

            Outputs outputs = createTopics(config, bootstrapServers, encoder.modelId());
            tagger = ImageBatchTagger.create(config, encoder, labelSets);
            Properties props = StreamsSettings.of(config, bootstrapServers, encoder.modelId());
            warmUpAndCheckBudget(config, tagger, props);
            KafkaStreams streams = new KafkaStreams(TaggingTopology.build(config, tagger, outputs), props);
            TaggingApplication app = new TaggingApplication(encoder, labelSets, tagger, streams);
            streams.setUncaughtExceptionHandler(app::onUncaught);
            String images = new Topics(config.topicPrefix()).images();
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
            if (tagger != null) {
                tagger.close();
            }
            labelSets.values().forEach(LabelSetModel::close);
            encoder.close();
            throw e;
        }
    }

    /**
     * Runs the image tower once on a full batch (the first call pays for graph set-up and, on a GPU, kernel
     * compilation) and checks the measured time against the transaction timeout.
     */
    private static void warmUpAndCheckBudget(HiertagConfig config, ImageBatchTagger tagger, Properties props) {
        Duration batchTime = tagger.warmUp(config.batchSize());
        TransactionBudget budget = new TransactionBudget(
                StreamsSettings.intSetting(props, StreamsConfig.mainConsumerPrefix("max.poll.records")),
                config.batchSize(), batchTime, config.batchMaxDelay(), Duration.ofMillis(
                        StreamsSettings.intSetting(props, StreamsConfig.producerPrefix("transaction.timeout.ms"))));
        LOG.info("Warm-up: a batch of {} images takes {} ms; worst time between commits about {} ms (timeout {} ms)",
                config.batchSize(), batchTime.toMillis(), budget.worstCase().toMillis(),
                budget.transactionTimeout().toMillis());
        budget.check();
    }

    /** Creates missing topics and reads the output topics' record size limits, which may be set by others. */
    private static Outputs createTopics(HiertagConfig config, String bootstrapServers, String modelId) {
        // Dead letters carry the original image, so every topic must hold a record of the largest accepted input.
        Map<String, String> topicConfig = Map.of(TopicConfig.MAX_MESSAGE_BYTES_CONFIG,
                Long.toString(config.maxRecordBytes()));
        List<NewTopic> wanted = new Topics(config.topicPrefix()).all().stream()
                .map(t -> new NewTopic(t, config.topicPartitions(), config.topicReplicationFactor())
                        .configs(topicConfig))
                .toList();
        Topics topics = new Topics(config.topicPrefix());
        try (Admin admin = TopicAdmin.admin(bootstrapServers, KafkaClients.common(config, bootstrapServers))) {
            TopicAdmin.ensureTopics(admin, wanted, Duration.ofSeconds(60));
            Map<String, Long> limits = TopicAdmin.maxMessageBytes(admin, List.of(topics.tags(),
                    topics.deadLetters()), Duration.ofSeconds(60));
            long producerLimit = config.maxRecordBytes();
            return new Outputs(topics, Math.min(producerLimit, limits.get(topics.tags())),
                    Math.min(producerLimit, limits.get(topics.deadLetters())), modelId);
        }
    }

    private StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse onUncaught(Throwable e) {
        // Bad input never reaches here (it becomes a dead letter); this is a bug or a lost broker. Stop cleanly
        // rather than spin: the transaction aborts and a restart resumes from the last commit.
        LOG.error("Stream thread failed; shutting the client down", e);
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
        tagger.close();
        labelSets.values().forEach(LabelSetModel::close);
        encoder.close();
        stopped.countDown();
        LOG.info("Stopped in {} ms", (System.nanoTime() - t0) / 1_000_000);
    }
}
