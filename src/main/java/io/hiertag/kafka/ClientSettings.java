package io.hiertag.kafka;

import io.hiertag.config.HiertagConfig;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.streams.StreamsConfig;

/**
 * What Kafka's own definitions ({@link ConfigDef}) say about the {@code kafka.*} settings, which hiertag passes
 * through: which hold secrets (type {@code PASSWORD}, PEM keys and certificates included) and which no client
 * defines. Kafka Streams' prefixes ({@code producer.}, {@code main.consumer.}, ...) are looked through.
 */
public final class ClientSettings {

    private static final List<ConfigDef> DEFINITIONS = List.of(ProducerConfig.configDef(),
            ConsumerConfig.configDef(), AdminClientConfig.configDef(), StreamsConfig.configDef());
    private static final List<String> STREAMS_PREFIXES = List.of(StreamsConfig.PRODUCER_PREFIX,
            StreamsConfig.MAIN_CONSUMER_PREFIX, StreamsConfig.RESTORE_CONSUMER_PREFIX,
            StreamsConfig.GLOBAL_CONSUMER_PREFIX, StreamsConfig.CONSUMER_PREFIX, StreamsConfig.ADMIN_CLIENT_PREFIX);
    private static final Set<String> NAMES = new TreeSet<>();
    private static final Set<String> PASSWORDS = new TreeSet<>();

    static {
        for (ConfigDef def : DEFINITIONS) {
            def.configKeys().values().forEach(k -> {
                NAMES.add(k.name);
                if (k.type == ConfigDef.Type.PASSWORD) {
                    PASSWORDS.add(k.name);
                }
            });
        }
    }

    private ClientSettings() {
    }

    /** Whether a client setting (without {@code kafka.}) holds a secret by Kafka's definition. */
    public static boolean isSecret(String clientKey) {
        return PASSWORDS.contains(unprefixed(clientKey));
    }

    /**
     * The {@code kafka.*} settings that no Kafka client defines: a typo, or a plugin's own setting. Kafka passes them
     * on and only says so at INFO. Topic settings ({@code kafka.topic.*}) are the broker's and are not checked.
     */
    public static List<String> undefined(HiertagConfig config) {
        return config.kafkaOverrides().keySet().stream()
                .filter(k -> !k.startsWith(StreamsConfig.TOPIC_PREFIX) && !NAMES.contains(unprefixed(k)))
                .map(k -> HiertagConfig.KAFKA_PREFIX + k)
                .toList();
    }

    private static String unprefixed(String key) {
        for (String prefix : STREAMS_PREFIXES) {
            if (key.startsWith(prefix)) {
                return key.substring(prefix.length());
            }
        }
        return key;
    }
}
