package io.hiertag.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hiertag.avro.DeadLetter;
import io.hiertag.avro.RescueMetrics;
import io.hiertag.avro.Stage;
import io.hiertag.config.OutputFormat;
import io.hiertag.kafka.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class RecordFormatterTest {

    private static RescueMetrics.Builder metrics() {
        Instant start = Instant.parse("2026-11-26T20:00:00Z");
        return RescueMetrics.newBuilder()
                .setLabelSet("imagenet-1k")
                .setModelId("lit-b16b@0123456789ab")
                .setWindowStart(start)
                .setWindowEnd(start.plusSeconds(60))
                .setImages(10).setConfident(4).setUncertain(6).setChanged(4)
                .setLabelled(7).setUncertainLabelled(5).setFixed(2).setBroken(1)
                .setAccuracyBefore(3 / 7.0).setAccuracyAfter(4 / 7.0).setRescueRate(0.4).setChangeRate(4 / 6.0)
                .setLatencyP50Ms(250.0).setLatencyP95Ms(15_600.0).setLatencyP99Ms(15_600.0)
                .setDeadLetters(2);
    }

    @Test
    void metricsAreRowsAlignedUnderOneHeader() {
        String header = RecordFormatter.metricsHeader();
        String row = RecordFormatter.metrics(metrics().build());
        assertEquals("2026-11-26 20:00:00–20:01:00  imagenet-1k   lit-b16b@0123456789ab             10      4      6"
                + "       4      2      1   40.0%  42.9%→57.1%       250/15600/15600       2", row);
        assertEquals(header.length(), row.length(), header + "\n" + row);
        assertEquals(header.indexOf("label set"), row.indexOf("imagenet-1k"));
        assertEquals(header.indexOf("acc before"), row.indexOf("42.9%"));
        assertEquals(header.indexOf("p50"), row.indexOf("250/"));
    }

    @Test
    void missingRatesAndLatenciesShowAsDashes() {
        String row = RecordFormatter.metrics(metrics().setLabelSet("(none)").setImages(0).setConfident(0)
                .setUncertain(0).setChanged(0).setLabelled(0).setUncertainLabelled(0).setFixed(0).setBroken(0)
                .setAccuracyBefore(null).setAccuracyAfter(null).setRescueRate(null).setChangeRate(null)
                .setLatencyP50Ms(null).setLatencyP95Ms(null).setLatencyP99Ms(null).setDeadLetters(3).build());
        assertTrue(row.matches(".*\\(none\\) .* 0 +- +- +- +3"), row);
    }

    /** {@code tail} needs no setting: each record is read in the format it was written in. */
    @Test
    void avroAndJsonRecordsOfOneTopicPrintTheSame() {
        RecordFormatter formatter = new RecordFormatter(new Topics("hiertag."));
        for (OutputFormat format : OutputFormat.values()) {
            Topics writer = new Topics("hiertag.", format);
            byte[] metricsValue = writer.metrics().valueSerde().serializer().serialize("hiertag.metrics",
                    metrics().build());
            assertEquals(RecordFormatter.metrics(metrics().build()),
                    formatter.format("hiertag.metrics", null, metricsValue), format.name());
            DeadLetter d = DeadLetter.newBuilder().setStage(Stage.DESERIALIZE).setErrorType("TEXT_VALUE")
                    .setMessage("the value is text").setSourceTopic("hiertag.images").setSourcePartition(1)
                    .setSourceOffset(9).setFailedAt(Instant.EPOCH).build();
            byte[] key = "line-1".getBytes(StandardCharsets.UTF_8);
            assertEquals("key line-1               DEAD-LETTER DESERIALIZE/TEXT_VALUE: the value is text  "
                    + "[hiertag.images-1@9]", formatter.format("hiertag.dead-letters", key,
                    writer.deadLetters().valueSerde().serializer().serialize("hiertag.dead-letters", d)));
        }
    }

    @Test
    void onlyTheMetricsTopicHasAHeader() {
        RecordFormatter formatter = new RecordFormatter(new Topics("hiertag."));
        assertEquals(RecordFormatter.metricsHeader(), formatter.header("hiertag.metrics").orElseThrow());
        assertTrue(formatter.header("hiertag.tags").isEmpty());
        assertTrue(formatter.header("hiertag.dead-letters").isEmpty());
    }
}
