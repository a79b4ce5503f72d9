package io.hiertag.kafka;

import io.hiertag.avro.ImageEvent;
import io.hiertag.config.HiertagConfig;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** Publishes images to the input topic as {@link ImageEvent}s keyed by image id; also raw bytes, for tests. */
public final class ImagePublisher implements AutoCloseable {

    private final KafkaProducer<String, byte[]> producer;
    private final String topic;

    public ImagePublisher(HiertagConfig config, String bootstrapServers) {
        this.producer = new KafkaProducer<>(KafkaClients.producer(config, bootstrapServers), new StringSerializer(),
                new ByteArraySerializer());
        this.topic = new Topics(config.topicPrefix()).images().name();
    }

    public static ImageEvent event(String id, byte[] image, String labelSet, String groundTruth,
            Map<String, String> attributes) {
        return ImageEvent.newBuilder()
                .setId(id)
                .setImage(ByteBuffer.wrap(image))
                .setLabelSet(labelSet)
                .setGroundTruth(groundTruth)
                .setPublishedAt(Instant.now())
                .setAttributes(attributes)
                .build();
    }

    public Future<RecordMetadata> publish(ImageEvent event) {
        return publishRaw(event.getId(), Topics.IMAGE_EVENT.serializer().serialize(topic, event));
    }

    /** Any bytes as the value: how tests and the demo send input that is not an ImageEvent. */
    public Future<RecordMetadata> publishRaw(String key, byte[] value) {
        return producer.send(new ProducerRecord<>(topic, key, value));
    }

    public void flush() {
        producer.flush();
    }

    @Override
    public void close() {
        producer.close();
    }
}
