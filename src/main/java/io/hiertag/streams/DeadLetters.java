package io.hiertag.streams;

import io.hiertag.avro.DeadLetter;
import io.hiertag.avro.PendingImage;
import io.hiertag.tagging.RejectedInputException;
import java.nio.ByteBuffer;
import java.time.Instant;
import org.apache.kafka.common.utils.Utils;

/** Builds dead letters that carry the input exactly as it arrived, with where it came from and why it failed. */
final class DeadLetters {
    private DeadLetters() {
    }

    static DeadLetter of(PendingImage source, RejectedInputException e, String modelId) {
        return DeadLetter.newBuilder()
                .setStage(e.stage())
                .setErrorType(e.errorType())
                .setMessage(e.getMessage())
                .setImageId(e.imageId())
                .setLabelSet(e.labelSet())
                .setModelId(modelId)
                .setSourceTopic(source.getTopic())
                .setSourcePartition(source.getPartition())
                .setSourceOffset(source.getOffset())
                .setOriginalKey(source.getKey())
                .setOriginalValue(source.getValue())
                .setFailedAt(Instant.now())
                .build();
    }

    static byte[] key(PendingImage source) {
        return source.getKey() == null ? null : bytes(source.getKey());
    }

    /** The remaining bytes of an Avro bytes field, without disturbing its position. */
    static byte[] bytes(ByteBuffer buffer) {
        return Utils.toArray(buffer);
    }
}
