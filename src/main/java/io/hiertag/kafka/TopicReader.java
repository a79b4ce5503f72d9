package io.hiertag.kafka;

import io.hiertag.config.HiertagConfig;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads every partition of one topic with read_committed, from the beginning or the end, without joining a
 * consumer group, so a reader never disturbs the application or another reader.
 */
public final class TopicReader implements AutoCloseable {

    private final KafkaConsumer<byte[], byte[]> consumer;

    public TopicReader(HiertagConfig config, String bootstrapServers, String topic, boolean fromEnd) {
        this.consumer = new KafkaConsumer<>(KafkaClients.consumer(config, bootstrapServers),
                new ByteArrayDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                .map(p -> new TopicPartition(topic, p.partition()))
                .toList();
        if (partitions.isEmpty()) {
            consumer.close();
            throw new IllegalStateException("topic " + topic + " does not exist on " + bootstrapServers);
        }
        consumer.assign(partitions);
        if (fromEnd) {
            consumer.seekToEnd(partitions);
        } else {
            consumer.seekToBeginning(partitions);
        }
    }

    /** Polls once, handing each record to {@code sink}; returns how many arrived. */
    public int poll(Duration timeout, Consumer<ConsumerRecord<byte[], byte[]>> sink) {
        int n = 0;
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(timeout)) {
            sink.accept(r);
            n++;
        }
        return n;
    }

    @Override
    public void close() {
        consumer.close();
    }
}
