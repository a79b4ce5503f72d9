package io.hiertag.kafka;

import io.hiertag.avro.DeadLetter;
import io.hiertag.avro.ImageEvent;
import io.hiertag.avro.MetricsAccumulator;
import io.hiertag.avro.PendingImage;
import io.hiertag.avro.RescueMetrics;
import io.hiertag.avro.TagResult;
import io.hiertag.config.HiertagConfig;
import io.hiertag.config.OutputFormat;
import java.util.List;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * The application's topics with the serdes of their keys and values, and the one serde of each value type, so no
 * topic name is a loose string and no serde is built twice.
 */
public final class Topics {

    public static final AvroSerde<ImageEvent> IMAGE_EVENT = AvroSerde.of(ImageEvent.class);
    public static final AvroSerde<TagResult> TAG_RESULT = AvroSerde.of(TagResult.class);
    public static final AvroSerde<DeadLetter> DEAD_LETTER = AvroSerde.of(DeadLetter.class);
    public static final AvroSerde<RescueMetrics> RESCUE_METRICS = AvroSerde.of(RescueMetrics.class);
    public static final AvroSerde<PendingImage> PENDING_IMAGE = AvroSerde.of(PendingImage.class);
    public static final AvroSerde<MetricsAccumulator> METRICS_ACCUMULATOR = AvroSerde.of(MetricsAccumulator.class);
    private static final JsonCodec<TagResult> TAG_RESULT_JSON = new JsonCodec<>(TagResult.class);
    private static final JsonCodec<DeadLetter> DEAD_LETTER_JSON = new JsonCodec<>(DeadLetter.class);
    private static final JsonCodec<RescueMetrics> RESCUE_METRICS_JSON = new JsonCodec<>(RescueMetrics.class);

    /**
     * One topic: its name and the serdes of its key and value, so that every reader and writer of the topic
     * uses the same ones.
     */
    public record Topic<K, V>(String name, Serde<K> keySerde, Serde<V> valueSerde) {}

    private final String prefix;
    private final OutputFormat format;

    /** The topics named with {@code prefix}, whose outputs are written in {@code format} (and read in either). */
    public Topics(String prefix, OutputFormat format) {
        this.prefix = prefix;
        this.format = format;
    }

    /** Topics with Avro outputs, for readers (which read either format) and tests. */
    public Topics(String prefix) {
        this(prefix, OutputFormat.AVRO);
    }

    /** The configured topics: {@code topic.prefix} and {@code output.format}. */
    public static Topics of(HiertagConfig config) {
        return new Topics(config.topicPrefix(), config.outputFormat());
    }

    /** Input: key image id, value {@link ImageEvent}. */
    public Topic<String, ImageEvent> images() {
        return new Topic<>(prefix + "images", Serdes.String(), IMAGE_EVENT);
    }

    /** Output: key image id, value {@link TagResult} (in the output format, as all three outputs). */
    public Topic<String, TagResult> tags() {
        return new Topic<>(prefix + "tags", Serdes.String(), new OutputSerde<>(TAG_RESULT, TAG_RESULT_JSON, format));
    }

    /** Output: key the input's original key, as it came (any bytes, or none), value {@link DeadLetter}. */
    public Topic<byte[], DeadLetter> deadLetters() {
        return new Topic<>(prefix + "dead-letters", Serdes.ByteArray(),
                new OutputSerde<>(DEAD_LETTER, DEAD_LETTER_JSON, format));
    }

    /** Output: key {@code labelSet|modelId}, value {@link RescueMetrics}, one per pair and window. */
    public Topic<String, RescueMetrics> metrics() {
        return new Topic<>(prefix + "metrics", Serdes.String(),
                new OutputSerde<>(RESCUE_METRICS, RESCUE_METRICS_JSON, format));
    }

    /** The four topics' names. */
    public List<String> all() {
        return List.of(images().name(), tags().name(), deadLetters().name(), metrics().name());
    }
}
