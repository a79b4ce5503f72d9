package io.hiertag.streams;

import io.hiertag.config.HiertagConfig;
import io.hiertag.kafka.Topics;
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

    private StreamsSettings() {
    }

    static Properties of(HiertagConfig config, String bootstrapServers, String modelId) {
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, config.applicationId());
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, config.processingGuarantee());
        p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, config.streamThreads());
        p.put(StreamsConfig.STATE_DIR_CONFIG, config.stateDir().toString());
        p.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, (int) config.topicReplicationFactor());
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
        p.put(ProductionDeadLetterHandler.DEAD_LETTER_TOPIC, new Topics(config.topicPrefix()).deadLetters().name());
        p.put(ProductionDeadLetterHandler.MODEL_ID, modelId);
        p.putAll(config.kafkaOverrides());
        return p;
    }

    /** A setting as Kafka Streams will see it, the user's kafka.* override included. */
    static int intSetting(Properties props, String key) {
        return Integer.parseInt(String.valueOf(props.get(key)));
    }
}
