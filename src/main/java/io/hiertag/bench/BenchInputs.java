package io.hiertag.bench;

import io.hiertag.avro.ImageEvent;
import io.hiertag.avro.PendingImage;
import io.hiertag.kafka.ImagePublisher;
import io.hiertag.kafka.Topics;
import io.hiertag.labels.LabelSet;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Inputs made from the photos exactly as the pipeline sees them: ImageEvents, and batch-buffer records. */
final class BenchInputs {

    static final String TOPIC = new Topics("bench.").images().name();

    private BenchInputs() {
    }

    static ImageEvent event(String id, byte[] photo) {
        return ImagePublisher.event(id, photo, LabelSet.IMAGENET_1K, null, Map.of());
    }

    /** A batch-buffer record as the validate step makes it from an input record. */
    static PendingImage pending(String id, byte[] photo, long offset) {
        byte[] value = Topics.IMAGE_EVENT.serializer().serialize(TOPIC, event(id, photo));
        return PendingImage.newBuilder()
                .setKey(ByteBuffer.wrap(id.getBytes(StandardCharsets.UTF_8)))
                .setValue(ByteBuffer.wrap(value))
                .setTimestamp(System.currentTimeMillis())
                .setTopic(TOPIC)
                .setPartition(0)
                .setOffset(offset)
                .setHeaders(List.of())
                .build();
    }

    static List<PendingImage> pending(BenchPhotos photos, int count) {
        List<PendingImage> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            out.add(pending("photo-" + i, photos.get(i), i));
        }
        return out;
    }
}
