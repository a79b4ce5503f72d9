package io.hiertag.ops;

import java.util.EnumSet;
import java.util.Set;
import org.apache.kafka.streams.KafkaStreams;

/**
 * Whether this instance is alive and whether it is ready, for probes. Ready means the model answered its warm-up
 * batch and Kafka Streams is {@code RUNNING}: its rebalance is over and it processes its tasks. Not ready while
 * the model loads, while Streams rebalances, and from the moment it starts shutting down. Alive unless Streams failed
 * ({@code PENDING_ERROR}, {@code ERROR}); a long first start, embedding every label's texts, is alive throughout.
 */
public final class Health {

    private static final Set<KafkaStreams.State> FAILED = EnumSet.of(KafkaStreams.State.PENDING_ERROR,
            KafkaStreams.State.ERROR);

    /** What a probe reads: whether it passes, and the state behind the answer. */
    public record Status(boolean ok, String streams, boolean warmedUp) {
    }

    private volatile boolean warmedUp;
    private volatile KafkaStreams streams;

    /** The model has run its warm-up batch. */
    public void warmedUp() {
        warmedUp = true;
    }

    /** From now on the answers follow this client's state. */
    public void watch(KafkaStreams client) {
        streams = client;
    }

    public Status live() {
        KafkaStreams.State s = state();
        return new Status(s == null || !FAILED.contains(s), name(s), warmedUp);
    }

    public Status ready() {
        KafkaStreams.State s = state();
        return new Status(warmedUp && s == KafkaStreams.State.RUNNING, name(s), warmedUp);
    }

    private KafkaStreams.State state() {
        KafkaStreams client = streams;
        return client == null ? null : client.state();
    }

    /** Before Streams exists the application is loading its model and label sets. */
    private static String name(KafkaStreams.State s) {
        return s == null ? "STARTING" : s.name();
    }
}
