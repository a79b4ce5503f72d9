package io.hiertag.kafka;

import io.hiertag.config.HiertagConfig;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;

/** Client settings shared by the CLI's producers and consumers; kafka.* settings (security) apply to all. */
public final class KafkaClients {
    private KafkaClients() {
    }

    public static Map<String, Object> common(HiertagConfig config, String bootstrapServers) {
        Map<String, Object> p = new HashMap<>();
        p.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        // Streams-only settings would make plain clients warn; keep only what a client understands.
        config.kafkaOverrides().forEach((k, v) -> {
            if (!k.startsWith("producer.") && !k.startsWith("consumer.") && !k.startsWith("admin.")
                    && !k.startsWith("main.consumer.") && !k.startsWith("restore.consumer.")) {
                p.put(k, v);
            }
        });
        return p;
    }

    public static Map<String, Object> producer(HiertagConfig config, String bootstrapServers) {
        Map<String, Object> p = common(config, bootstrapServers);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, (int) config.maxRecordBytes());
        return p;
    }

    /** A read_committed consumer without a group: readers assign partitions themselves. */
    public static Map<String, Object> consumer(HiertagConfig config, String bootstrapServers) {
        Map<String, Object> p = common(config, bootstrapServers);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        return p;
    }
}
