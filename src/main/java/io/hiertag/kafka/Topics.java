package io.hiertag.kafka;

import io.hiertag.avro.DeadLetter;
import io.hiertag.avro.ImageEvent;
import io.hiertag.avro.MetricsAccumulator;
import io.hiertag.avro.PendingImage;
import io.hiertag.avro.RescueMetrics;
import io.hiertag.avro.TagResult;
import java.util.List;

/**
 * The application's topics and the one serde of each value type, so no topic name is a loose string and no serde
 * is built twice.
 */
public final class Topics {

    public static final AvroSerde<ImageEvent> IMAGE_EVENT = AvroSerde.of(ImageEvent.class);
    public static final AvroSerde<TagResult> TAG_RESULT = AvroSerde.of(TagResult.class);
    public static final AvroSerde<DeadLetter> DEAD_LETTER = AvroSerde.of(DeadLetter.class);
    public static final AvroSerde<RescueMetrics> RESCUE_METRICS = AvroSerde.of(RescueMetrics.class);
    public static final AvroSerde<PendingImage> PENDING_IMAGE = AvroSerde.of(PendingImage.class);
    public static final AvroSerde<MetricsAccumulator> METRICS_ACCUMULATOR = AvroSerde.of(MetricsAccumulator.class);

    private final String prefix;

    public Topics(String prefix) {
        this.prefix = prefix;
    }

    /** Input: key image id, value {@link ImageEvent}. */
    public String images() {
        return prefix + "images";
    }

    /** Output: key image id, value {@link TagResult}. */
    public String tags() {
        return prefix + "tags";
    }

    /** Output: key the input's original key, value {@link DeadLetter}. */
    public String deadLetters() {
        return prefix + "dead-letters";
    }

    /** Output: key {@code labelSet|modelId}, value {@link RescueMetrics}, one per pair and window. */
    public String metrics() {
        return prefix + "metrics";
    }

    public List<String> all() {
        return List.of(images(), tags(), deadLetters(), metrics());
    }
}
