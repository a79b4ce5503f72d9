package io.hiertag.streams;

import io.hiertag.avro.DeadLetter;
import io.hiertag.avro.PendingImage;
import io.hiertag.avro.TagResult;
import io.hiertag.kafka.RawImageRecord;
import io.hiertag.kafka.Topics;
import io.hiertag.ops.TaggerMeters;
import io.hiertag.tagging.RejectedInputException;
import io.hiertag.tagging.RejectionReason;
import java.time.Duration;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Writes tags and dead letters as Avro bytes, after checking that each fits its topic. Under exactly-once a
 * record the broker refuses as too large puts the transaction in an error state and stops the application, so
 * the size is checked here, against each topic's own limit: a tag too large becomes a {@code PRODUCE} dead
 * letter, and a dead letter too large drops the original bytes (which stay readable at their source offset).
 */
final class Outputs {

    /** Room for the record batch header, the key and the headers, which the serialised value does not count. */
    static final int OVERHEAD = 4096;

    private final Topics.Topic<String, TagResult> tagsTopic;
    private final Topics.Topic<byte[], DeadLetter> deadLettersTopic;
    private final long tagsMaxBytes;
    private final long deadLettersMaxBytes;
    private final String modelId;
    private final TaggerMeters meters;

    /**
     * @param tagsMaxBytes the largest record the tags topic takes (its max.message.bytes); likewise dead letters
     * @param meters counts every tag and dead letter written here, and serves the processors' own meters
     */
    Outputs(Topics topics, long tagsMaxBytes, long deadLettersMaxBytes, String modelId, TaggerMeters meters) {
        this.tagsTopic = topics.tags();
        this.deadLettersTopic = topics.deadLetters();
        this.tagsMaxBytes = tagsMaxBytes - OVERHEAD;
        this.deadLettersMaxBytes = deadLettersMaxBytes - OVERHEAD;
        this.modelId = modelId;
        this.meters = meters;
    }

    String modelId() {
        return modelId;
    }

    TaggerMeters meters() {
        return meters;
    }

    void tag(ProcessorContext<Object, Object> context, TagResult tag, PendingImage source, long timestamp) {
        byte[] value = tagsTopic.valueSerde().serializer().serialize(tagsTopic.name(), tag);
        if (value.length > tagsMaxBytes) {
            DeadLetter d = DeadLetters.of(source, new RejectedInputException(RejectionReason.RECORD_TOO_LARGE,
                    "the tag is " + value.length + " bytes, over the " + tagsMaxBytes + " that " + tagsTopic.name()
                            + " takes; shorten the event's attributes or raise the topic's max.message.bytes",
                    null), modelId);
            d.setImageId(tag.getId());
            d.setLabelSet(tag.getLabelSet());
            deadLetter(context, d, source, timestamp);
            return;
        }
        byte[] key = tagsTopic.keySerde().serializer().serialize(tagsTopic.name(), tag.getId());
        context.forward(new Record<>(key, value, timestamp,
                SourceHeader.of(source)), TaggingTopology.TAGS_SINK);
        Long latency = RescueCounts.latencyMillis(tag);
        meters.tagged(tag.getLabelSet(), tag.getRoute().name(), tag.getChanged(),
                latency == null ? null : Duration.ofMillis(latency));
        RescueCounts.outcome(tag).ifPresent(o -> meters.rescued(tag.getLabelSet(), o));
    }

    void deadLetter(ProcessorContext<Object, Object> context, DeadLetter d, PendingImage source, long timestamp) {
        byte[] value = deadLettersTopic.valueSerde().serializer().serialize(deadLettersTopic.name(), d);
        if (value.length > deadLettersMaxBytes) {
            d.setOriginalValue(null);
            d.setMessage(d.getMessage() + " [original value of " + source.getValue().remaining()
                    + " bytes left out: too large for " + deadLettersTopic.name() + "]");
            value = deadLettersTopic.valueSerde().serializer().serialize(deadLettersTopic.name(), d);
        }
        byte[] key = deadLettersTopic.keySerde().serializer().serialize(deadLettersTopic.name(),
                DeadLetters.key(source));
        // The input's hiertag.* headers go along, so that a raw image can be replayed with its label set.
        context.forward(new Record<>(key, value, timestamp, RawImageRecord.toKafka(source.getHeaders(),
                SourceHeader.of(source))), TaggingTopology.DEAD_LETTERS_SINK);
        meters.deadLetter(d.getStage().name(), d.getErrorType());
    }
}
