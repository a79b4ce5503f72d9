package io.hiertag.streams;

import io.hiertag.avro.DeadLetter;
import io.hiertag.avro.Stage;
import io.hiertag.config.OutputFormat;
import io.hiertag.kafka.Topics;
import io.hiertag.ops.TaggerMeters;
import io.hiertag.ops.Telemetry;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProductionExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a result that cannot be written (too large for its topic, refused by the broker, not serialisable) into
 * a {@code PRODUCE} dead letter instead of stopping the application. Transient broker errors are retried. The
 * dead letter names the input through the {@link SourceHeader}; it does not repeat the input's bytes, since a
 * record that was too large once would be too large again.
 */
public final class ProductionDeadLetterHandler implements ProductionExceptionHandler {

    /** Streams setting with {@code topic.prefix}, which names the dead-letter topic; {@link StreamsSettings} sets it. */
    static final String TOPIC_PREFIX = "hiertag.topic.prefix";
    /** Streams setting with {@code output.format}, the dead letters' format. */
    static final String OUTPUT_FORMAT = "hiertag.output.format";
    /** Streams setting with the model id, for the dead letter. */
    static final String MODEL_ID = "hiertag.model.id";
    /** Streams setting holding the {@link TaggerMeters} instance (not a string) that counts dead letters. */
    static final String METERS = "hiertag.meters";

    private static final Logger LOG = LoggerFactory.getLogger(ProductionDeadLetterHandler.class);

    private Topics.Topic<byte[], DeadLetter> deadLetters;
    private String modelId;
    private TaggerMeters meters;

    @Override
    public void configure(Map<String, ?> configs) {
        deadLetters = deadLetterTopic(configs);
        modelId = configs.get(MODEL_ID) == null ? null : String.valueOf(configs.get(MODEL_ID));
        meters = meters(configs);
    }

    /** The meters the application passed in its Streams settings, or ones that count nothing. */
    static TaggerMeters meters(Map<String, ?> configs) {
        return configs.get(METERS) instanceof TaggerMeters m ? m : Telemetry.none().meters();
    }

    /** The dead-letter topic that {@link StreamsSettings} describes to both handlers. */
    static Topics.Topic<byte[], DeadLetter> deadLetterTopic(Map<String, ?> configs) {
        return new Topics(String.valueOf(configs.get(TOPIC_PREFIX)),
                OutputFormat.valueOf(String.valueOf(configs.get(OUTPUT_FORMAT)))).deadLetters();
    }

    @Override
    public Response handleError(ErrorHandlerContext context, ProducerRecord<byte[], byte[]> record,
            Exception exception) {
        if (exception instanceof RetriableException) {
            return Response.retry();
        }
        return Response.resume(List.of(deadLetter(context, record, exception, "could not write")));
    }

    @Override
    @SuppressWarnings("rawtypes")
    public Response handleSerializationError(ErrorHandlerContext context, ProducerRecord record, Exception exception,
            SerializationExceptionOrigin origin) {
        return Response.resume(List.of(deadLetter(context, null, exception, "could not serialise the " + origin
                .name().toLowerCase(Locale.ROOT) + " of")));
    }

    private ProducerRecord<byte[], byte[]> deadLetter(ErrorHandlerContext context,
            ProducerRecord<byte[], byte[]> record, Exception exception, String what) {
        String target = record == null ? "an output record" : "the record for " + record.topic();
        Optional<SourceHeader.Source> source = SourceHeader.read(record == null ? null : record.headers());
        byte[] key = record == null ? context.sourceRawKey() : record.key();
        String message = what + " " + target + ": " + exception.getClass().getSimpleName() + ": "
                + exception.getMessage() + (record != null && record.value() != null
                        ? " (" + record.value().length + " bytes)" : "")
                + "; the input stays at its source offset";
        LOG.warn("Dead-lettering an unwritable result at {}: {}", source.map(Object::toString).orElse("(unknown)"),
                message);
        String errorType = errorType(exception);
        meters.deadLetter(Stage.PRODUCE.name(), errorType);
        DeadLetter d = DeadLetter.newBuilder()
                .setStage(Stage.PRODUCE)
                .setErrorType(errorType)
                .setMessage(message)
                .setImageId(key == null ? null : new String(key, StandardCharsets.UTF_8))
                .setModelId(modelId)
                .setSourceTopic(source.map(SourceHeader.Source::topic).orElse(String.valueOf(context.topic())))
                .setSourcePartition(source.map(SourceHeader.Source::partition).orElse(context.partition()))
                .setSourceOffset(source.map(SourceHeader.Source::offset).orElse(context.offset()))
                .setOriginalKey(key == null ? null : ByteBuffer.wrap(key))
                .setFailedAt(Instant.now())
                .build();
        return new ProducerRecord<>(deadLetters.name(), key,
                deadLetters.valueSerde().serializer().serialize(deadLetters.name(), d));
    }

    /** {@code RecordTooLargeException} becomes {@code RECORD_TOO_LARGE}. */
    static String errorType(Exception e) {
        return e.getClass().getSimpleName().replaceAll("Exception$", "")
                .replaceAll("([a-z])([A-Z])", "$1_$2").toUpperCase(Locale.ROOT);
    }
}
