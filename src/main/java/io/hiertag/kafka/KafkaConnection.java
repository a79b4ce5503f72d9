package io.hiertag.kafka;

import io.hiertag.config.HiertagConfig;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Where the application's Kafka is: the configured cluster, or, when none is configured, an in-JVM broker that
 * this connection starts and stops. Clients that only talk to a running instance (publish, tail) connect to the
 * embedded broker's address instead of starting one.
 */
public final class KafkaConnection implements AutoCloseable {

    private final String bootstrapServers;
    private final EmbeddedKafkaBroker embedded;

    private KafkaConnection(String bootstrapServers, EmbeddedKafkaBroker embedded) {
        this.bootstrapServers = bootstrapServers;
        this.embedded = embedded;
    }

    /** For the application itself: the configured cluster, or a new embedded broker under data.dir/broker. */
    public static KafkaConnection forApplication(HiertagConfig config) {
        Optional<String> configured = config.bootstrapServers();
        if (configured.isPresent()) {
            return new KafkaConnection(configured.get(), null);
        }
        return embedded(config.brokerDir(), config.embeddedPort());
    }

    /** An embedded broker in a given folder (port 0 picks a free one). */
    public static KafkaConnection embedded(Path dataDir, int port) {
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(dataDir, port);
        return new KafkaConnection(broker.bootstrapServers(), broker);
    }

    /** For clients of a running instance: the configured cluster, or the embedded broker's loopback address. */
    public static String clientBootstrap(HiertagConfig config) {
        return config.bootstrapServers().orElse("127.0.0.1:" + config.embeddedPort());
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    public boolean isEmbedded() {
        return embedded != null;
    }

    @Override
    public void close() {
        if (embedded != null) {
            embedded.close();
        }
    }
}
