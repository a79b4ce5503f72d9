package io.hiertag.streams;

import io.hiertag.config.HiertagConfig;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.LogAndContinueExceptionHandler;

/** The one place the Kafka Streams configuration is built from {@link HiertagConfig}. */
final class StreamsSettings {

    /** Above the worst batch time (model warm-up included), so a slow batch never aborts its transaction. */
    static final int TRANSACTION_TIMEOUT_MS = 60_000;
    static final int RECORDS_PER_POLL_BATCHES = 4;
    static final long BUFFER_SEGMENT_MS = 30_000;
    static final long BUFFER_TOMBSTONE_RETENTION_MS = 24 * 60 * 60 * 1000L;

    private StreamsSettings() {
    }

    static Properties of(HiertagConfig config, String bootstrapServers, String modelId) {
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, config.applicationId());
        // Static membership: a restarted instance (same id) takes its predecessor's place and partitions at once
        // instead of waiting out the dead member's session. Streams adds "-<thread>" for each stream thread.
        p.put(StreamsConfig.mainConsumerPrefix(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG), config.instanceId());
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, config.processingGuarantee());
        p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, config.streamThreads());
        p.put(StreamsConfig.STATE_DIR_CONFIG, config.stateDir().toString());
        // Unset, Streams' own default (-1) lets the broker choose for the internal topics.
        config.topicReplicationFactor().ifPresent(rf -> p.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, (int) rf));
        p.put(StreamsConfig.producerPrefix(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG), TRANSACTION_TIMEOUT_MS);
        // Records are read as raw bytes; every typed serde is named where it is used.
        p.put(StreamsConfig.DEFAULT_KEY_SERDE_CLASS_CONFIG, Serdes.ByteArraySerde.class.getName());
        p.put(StreamsConfig.DEFAULT_VALUE_SERDE_CLASS_CONFIG, Serdes.ByteArraySerde.class.getName());
        // A poll hands the first pass a few batches at most, which bounds the time between commits.
        p.put(StreamsConfig.mainConsumerPrefix(ConsumerConfig.MAX_POLL_RECORDS_CONFIG),
                RECORDS_PER_POLL_BATCHES * config.batchSize());
        // The batch buffer's changelog holds whole images, like the input topic.
        p.put(StreamsConfig.producerPrefix(ProducerConfig.MAX_REQUEST_SIZE_CONFIG), (int) config.maxRecordBytes());
        p.put(StreamsConfig.topicPrefix(TopicConfig.MAX_MESSAGE_BYTES_CONFIG), (int) config.maxRecordBytes());
        // Only the metrics read typed values (from our own output topics): a foreign record written there by
        // someone else is skipped with a warning rather than stopping the tagger.
        p.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG,
                LogAndContinueExceptionHandler.class);
        p.put(StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG, ProductionDeadLetterHandler.class);
        p.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, ProcessingDeadLetterHandler.class);
        p.put(ProductionDeadLetterHandler.TOPIC_PREFIX, config.topicPrefix());
        p.put(ProductionDeadLetterHandler.OUTPUT_FORMAT, config.outputFormat().name());
        p.put(ProductionDeadLetterHandler.MODEL_ID, modelId);
        p.putAll(config.kafkaOverrides());
        return p;
    }

    /**
     * Topic settings of the batch buffer's changelog. Every record there is a whole image put while it waits, then
     * a tombstone once it is tagged, so almost everything in it is garbage soon after it is written. Compacting it
     * promptly keeps a restore (after a kill -9 under exactly-once the store is rebuilt from the changelog) down to
     * what still waits: the log cleaner never touches the active segment, so segments roll after
     * {@value #BUFFER_SEGMENT_MS} ms of traffic or at the largest record size (a record batch must fit in one
     * segment, so they cannot be smaller than {@code max.message.bytes}), and a rolled segment is cleaned as soon
     * as a tenth of the log is dirty. Tombstones (a few dozen bytes each) are kept for Kafka's default day: an
     * instance that resumes from a local checkpoint older than that could miss a delete and tag an image twice.
     */
    static Map<String, String> batchBufferChangelog(HiertagConfig config) {
        long maxMessageBytes = config.maxRecordBytes();
        String override = config.kafkaOverrides().get(StreamsConfig.topicPrefix(TopicConfig.MAX_MESSAGE_BYTES_CONFIG));
        if (override != null) {
            try {
                maxMessageBytes = Math.max(maxMessageBytes, Long.parseLong(override.trim()));
            } catch (NumberFormatException e) {
                // Kafka refuses the value itself, naming the setting.
            }
        }
        Map<String, String> c = new LinkedHashMap<>();
        c.put(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT);
        c.put(TopicConfig.SEGMENT_BYTES_CONFIG, Long.toString(Math.min(Integer.MAX_VALUE, maxMessageBytes)));
        c.put(TopicConfig.SEGMENT_MS_CONFIG, Long.toString(BUFFER_SEGMENT_MS));
        c.put(TopicConfig.MIN_CLEANABLE_DIRTY_RATIO_CONFIG, "0.1");
        c.put(TopicConfig.DELETE_RETENTION_MS_CONFIG, Long.toString(BUFFER_TOMBSTONE_RETENTION_MS));
        return c;
    }

    /** A setting as Kafka Streams will see it, the user's kafka.* override included. */
    static int intSetting(Properties props, String key) {
        return Integer.parseInt(String.valueOf(props.get(key)));
    }
}
