package io.hiertag.streams;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hiertag.avro.DeadLetter;
import io.hiertag.avro.PendingImage;
import io.hiertag.avro.Stage;
import io.hiertag.config.HiertagConfig;
import io.hiertag.kafka.Topics;
import io.hiertag.ops.Scrape;
import io.hiertag.ops.Telemetry;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.NotLeaderOrFollowerException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.errors.ProductionExceptionHandler;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.processor.api.Record;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What each dead-letter handler answers for each kind of failure: a bug in a processor that has forwarded nothing
 * yet becomes a dead letter and the stream goes on; a failure in the first pass (possibly after it forwarded a
 * batch's outputs) or in the metrics fails the task, so its transaction aborts; an unwritable output becomes a
 * {@code PRODUCE} dead letter, a transient broker error is retried.
 */
class DeadLetterHandlersTest {

    private static final String DEAD_LETTERS = "hiertag.dead-letters";
    private static final byte[] KEY = "img-7".getBytes(StandardCharsets.UTF_8);
    private static final byte[] VALUE = {(byte) 0xC3, 0x01, 1, 2, 3};
    private static final Map<String, Object> CONFIG = Map.of(ProductionDeadLetterHandler.TOPIC_PREFIX, "hiertag.",
            ProductionDeadLetterHandler.OUTPUT_FORMAT, "AVRO", ProductionDeadLetterHandler.MODEL_ID, "test-model@123");

    /** The context Streams hands a handler, for an input at hiertag.images-2@41. */
    private record Context(String processorNodeId, Headers headers) implements ErrorHandlerContext {
        @Override
        public String topic() {
            return "hiertag.images";
        }

        @Override
        public int partition() {
            return 2;
        }

        @Override
        public long offset() {
            return 41;
        }

        @Override
        public TaskId taskId() {
            return new TaskId(0, 2);
        }

        @Override
        public long timestamp() {
            return 1_000;
        }

        @Override
        public byte[] sourceRawKey() {
            return KEY;
        }

        @Override
        public byte[] sourceRawValue() {
            return VALUE;
        }
    }

    private static ProcessingExceptionHandler.Response processing(String node) {
        ProcessingDeadLetterHandler handler = new ProcessingDeadLetterHandler();
        handler.configure(CONFIG);
        return handler.handleError(new Context(node, new RecordHeaders()), new Record<>(KEY, VALUE, 1_000),
                new IllegalStateException("a bug"));
    }

    @Test
    void aBugInValidateOrRescoreBecomesADeadLetterWithTheInputsBytes() {
        for (String node : List.of(TaggingTopology.VALIDATE, TaggingTopology.HIERARCHY_RESCORE)) {
            ProcessingExceptionHandler.Response r = processing(node);
            assertEquals(ProcessingExceptionHandler.Result.RESUME, r.result(), node);
            DeadLetter d = onlyDeadLetter(r.deadLetterQueueRecords());
            assertEquals(node.equals(TaggingTopology.VALIDATE) ? Stage.VALIDATE : Stage.RESCORE, d.getStage());
            assertEquals("UNEXPECTED_ERROR", d.getErrorType());
            assertTrue(d.getMessage().contains("a bug") && d.getMessage().contains(node), d.getMessage());
            assertEquals("hiertag.images", d.getSourceTopic());
            assertEquals(2, d.getSourcePartition());
            assertEquals(41, d.getSourceOffset());
            assertArrayEquals(VALUE, bytes(d.getOriginalValue()));
            assertArrayEquals(KEY, bytes(d.getOriginalKey()));
            assertEquals("test-model@123", d.getModelId());
        }
    }

    @Test
    void aFailureInTheFirstPassOrTheMetricsFailsTheTaskWithoutADeadLetter() {
        for (String node : List.of(TaggingTopology.FIRST_PASS, "metrics-aggregate")) {
            ProcessingExceptionHandler.Response r = processing(node);
            assertEquals(ProcessingExceptionHandler.Result.FAIL, r.result(), node);
            assertTrue(r.deadLetterQueueRecords().isEmpty(), node);
        }
    }

    @Test
    void anOutputTooLargeForItsTopicBecomesAProduceDeadLetterNamingItsInput() {
        ProductionDeadLetterHandler handler = new ProductionDeadLetterHandler();
        handler.configure(CONFIG);
        Headers headers = SourceHeader.of(PendingImage.newBuilder().setKey(ByteBuffer.wrap(KEY))
                .setValue(ByteBuffer.wrap(VALUE)).setTimestamp(1_000).setTopic("hiertag.images").setPartition(1)
                .setOffset(17).setHeaders(List.of()).build());
        ProducerRecord<byte[], byte[]> tag = new ProducerRecord<>("hiertag.tags", null, KEY, new byte[5000],
                headers);
        ProductionExceptionHandler.Response r = handler.handleError(new Context(TaggingTopology.TAGS_SINK, headers),
                tag, new RecordTooLargeException("too large"));
        assertEquals(ProductionExceptionHandler.Result.RESUME, r.result());
        DeadLetter d = onlyDeadLetter(r.deadLetterQueueRecords());
        assertEquals(Stage.PRODUCE, d.getStage());
        assertEquals("RECORD_TOO_LARGE", d.getErrorType());
        assertTrue(d.getMessage().contains("hiertag.tags") && d.getMessage().contains("5000 bytes"), d.getMessage());
        assertEquals("img-7", d.getImageId());
        assertEquals(1, d.getSourcePartition(), "the source header names the input, not the wall-clock flush");
        assertEquals(17, d.getSourceOffset());
    }

    /**
     * The handlers are made by Streams from their class names; the application's meters reach them through the
     * Streams settings, as an object, and count each dead letter they write (a transient error counts none).
     */
    @Test
    void theHandlersStreamsMakesCountTheirDeadLetters(@TempDir Path dir) {
        HiertagConfig config = HiertagConfig.defaults();
        try (Telemetry telemetry = Telemetry.serve(0, dir)) {
            Properties props = StreamsSettings.of(config, "127.0.0.1:9092", "test-model@123");
            props.put(ProductionDeadLetterHandler.METERS, telemetry.meters());
            StreamsConfig streams = new StreamsConfig(props);
            ProducerRecord<byte[], byte[]> tag = new ProducerRecord<>("hiertag.tags", KEY, new byte[5000]);
            Context sink = new Context(TaggingTopology.TAGS_SINK, new RecordHeaders());
            streams.productionExceptionHandler().handleError(sink, tag, new RecordTooLargeException("too large"));
            streams.productionExceptionHandler().handleError(sink, tag, new NotLeaderOrFollowerException("moved"));
            streams.processingExceptionHandler().handleError(new Context(TaggingTopology.VALIDATE,
                    new RecordHeaders()), new Record<>(KEY, VALUE, 1_000), new IllegalStateException("a bug"));
            Scrape s = Scrape.of(telemetry.port().orElseThrow());
            assertEquals(Map.of(Map.of("stage", "PRODUCE", "reason", "RECORD_TOO_LARGE"), 1.0,
                    Map.of("stage", "VALIDATE", "reason", "UNEXPECTED_ERROR"), 1.0),
                    s.series("hiertag_dead_letters_total"));
        }
    }

    @Test
    void aTransientBrokerErrorIsRetried() {
        ProductionDeadLetterHandler handler = new ProductionDeadLetterHandler();
        handler.configure(CONFIG);
        ProductionExceptionHandler.Response r = handler.handleError(
                new Context(TaggingTopology.TAGS_SINK, new RecordHeaders()),
                new ProducerRecord<>("hiertag.tags", KEY, VALUE), new NotLeaderOrFollowerException("moving"));
        assertEquals(ProductionExceptionHandler.Result.RETRY, r.result());
        assertTrue(r.deadLetterQueueRecords().isEmpty());
    }

    @Test
    void anOutputThatCannotBeSerialisedBecomesAProduceDeadLetter() {
        ProductionDeadLetterHandler handler = new ProductionDeadLetterHandler();
        handler.configure(CONFIG);
        ProductionExceptionHandler.Response r = handler.handleSerializationError(
                new Context("metrics-sink", new RecordHeaders()), new ProducerRecord<>("hiertag.metrics", "k", "v"),
                new ClassCastException("not a RescueMetrics"),
                ProductionExceptionHandler.SerializationExceptionOrigin.VALUE);
        assertEquals(ProductionExceptionHandler.Result.RESUME, r.result());
        DeadLetter d = onlyDeadLetter(r.deadLetterQueueRecords());
        assertEquals(Stage.PRODUCE, d.getStage());
        assertEquals("CLASS_CAST", d.getErrorType());
        assertTrue(d.getMessage().startsWith("could not serialise the value of"), d.getMessage());
    }

    private static DeadLetter onlyDeadLetter(List<ProducerRecord<byte[], byte[]>> records) {
        assertEquals(1, records.size());
        assertEquals(DEAD_LETTERS, records.get(0).topic());
        return Topics.DEAD_LETTER.deserializer().deserialize(DEAD_LETTERS, records.get(0).value());
    }

    private static byte[] bytes(ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.duplicate().get(out);
        return out;
    }
}
