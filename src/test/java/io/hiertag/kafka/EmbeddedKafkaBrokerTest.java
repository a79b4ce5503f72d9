package io.hiertag.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedKafkaBrokerTest {

    private static final String TOPIC = "broker-test";
    private static final int RECORDS = 100;
    private static final Duration TIMEOUT = Duration.ofSeconds(15);

    @Test
    @Timeout(60)
    void committedRecordsSurviveARestartOnTheSameDirectory(@TempDir Path dir) throws Exception {
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < RECORDS; i++) {
            expected.add("value-" + i);
        }

        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(dir, 0);
        try {
            assertTrue(broker.bootstrapServers().startsWith("127.0.0.1:"), broker.bootstrapServers());
            assertEquals(dir.toAbsolutePath(), broker.dataDir());
            try (Admin admin = TopicAdmin.admin(broker.bootstrapServers(), Map.of())) {
                TopicAdmin.ensureTopics(admin, List.of(new NewTopic(TOPIC, 2, (short) 1)), TIMEOUT);
                // A second call finds the topic and creates nothing.
                TopicAdmin.ensureTopics(admin, List.of(new NewTopic(TOPIC, 2, (short) 1)), TIMEOUT);
                assertEquals(Set.of(TOPIC), admin.listTopics().names().get());
            }
            produceTransactionally(broker.bootstrapServers(), expected);
            assertEquals(expected, readCommitted(broker.bootstrapServers()));
        } finally {
            broker.close();
        }
        broker.close(); // idempotent
        assertTrue(Files.exists(dir.resolve("kraft/meta.properties")));

        try (EmbeddedKafkaBroker restarted = EmbeddedKafkaBroker.start(dir, 0)) {
            assertEquals(expected, readCommitted(restarted.bootstrapServers()));
        }
    }

    private static void produceTransactionally(String bootstrap, List<String> values) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "broker-test-tx");
        try (KafkaProducer<String, String> producer =
                new KafkaProducer<>(props, new StringSerializer(), new StringSerializer())) {
            producer.initTransactions();
            producer.beginTransaction();
            for (int i = 0; i < values.size(); i++) {
                // One partition for all keys keeps the read-back order equal to the write order.
                producer.send(new ProducerRecord<>(TOPIC, 0, "key-" + i, values.get(i)));
            }
            producer.commitTransaction();
        }
    }

    /** Reads the whole topic as a read_committed consumer without a group, until it has all records. */
    private static List<String> readCommitted(String bootstrap) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer =
                new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer())) {
            List<TopicPartition> partitions = List.of(new TopicPartition(TOPIC, 0), new TopicPartition(TOPIC, 1));
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (values.size() < RECORDS && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                    values.add(record.value());
                }
            }
        }
        return values;
    }
}
