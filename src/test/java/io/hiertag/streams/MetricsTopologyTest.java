package io.hiertag.streams;

import static io.hiertag.streams.MetricsRecords.IMAGENET;
import static io.hiertag.streams.MetricsRecords.MODEL;
import static io.hiertag.streams.MetricsRecords.deadLetter;
import static io.hiertag.streams.MetricsRecords.latency;
import static io.hiertag.streams.MetricsRecords.tag;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hiertag.avro.DeadLetter;
import io.hiertag.avro.RescueMetrics;
import io.hiertag.avro.Route;
import io.hiertag.avro.TagResult;
import io.hiertag.config.HiertagConfig;
import io.hiertag.kafka.Topics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The metrics graph alone, with its default 1 min windows and 30 s grace, fed hand-made tags and dead letters through
 * the real Avro serdes. Window W0 is [t0, t0 + 60 s); it closes when record time reaches t0 + 90 s.
 */
class MetricsTopologyTest {

    private static final String KEY = IMAGENET + "|" + MODEL;

    @TempDir
    Path stateDir;

    /** Recent (KAFKA.md P2) and on a window boundary, since windows are aligned to the epoch. */
    private final Instant t0 = Instant.now().truncatedTo(ChronoUnit.HOURS);
    private final Topics topics = new Topics("hiertag.");
    private TopologyTestDriver driver;
    private TestInputTopic<String, TagResult> tags;
    private TestInputTopic<byte[], DeadLetter> deadLetters;
    private TestOutputTopic<String, RescueMetrics> metrics;

    @BeforeEach
    void start() {
        StreamsBuilder builder = new StreamsBuilder();
        MetricsTopology.addTo(builder, HiertagConfig.defaults());
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, "metrics-test");
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        driver = new TopologyTestDriver(builder.build(), p, t0);
        tags = driver.createInputTopic(topics.tags().name(), new StringSerializer(), Topics.TAG_RESULT.serializer());
        deadLetters = driver.createInputTopic(topics.deadLetters().name(), new ByteArraySerializer(),
                Topics.DEAD_LETTER.serializer());
        metrics = driver.createOutputTopic(topics.metrics().name(), new StringDeserializer(),
                Topics.RESCUE_METRICS.deserializer());
    }

    @AfterEach
    void close() {
        driver.close();
    }

    private Instant at(double seconds) {
        return t0.plusMillis(Math.round(seconds * 1000));
    }

    private void pipe(TagResult.Builder tag, double seconds) {
        TagResult t = tag.build();
        tags.pipeInput(t.getId(), t, at(seconds));
    }

    private void pipe(DeadLetter d, double seconds) {
        deadLetters.pipeInput("input-key".getBytes(StandardCharsets.UTF_8), d, at(seconds));
    }

    /** A tag of another label set, only there to move record time forward. */
    private void clock(double seconds) {
        pipe(tag("clock-" + seconds, Route.CONFIDENT, false, null, null).setLabelSet("clock"), seconds);
    }

    private Map<String, RescueMetrics> byKey(List<KeyValue<String, RescueMetrics>> records) {
        Map<String, RescueMetrics> out = records.stream().collect(Collectors.toMap(kv -> kv.key, kv -> kv.value));
        assertEquals(records.size(), out.size(), "one record per key: " + records);
        return out;
    }

    /** With JSON output the metrics read JSON tags and dead letters (and Avro ones from before the switch). */
    @Test
    void withJsonOutputTheMetricsCountJsonRecordsAndAreJson(@TempDir Path jsonState) {
        HiertagConfig config = HiertagConfig.builder().set(HiertagConfig.OUTPUT_FORMAT, "json").build();
        Topics json = Topics.of(config);
        StreamsBuilder builder = new StreamsBuilder();
        MetricsTopology.addTo(builder, config);
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, "metrics-json-test");
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        p.put(StreamsConfig.STATE_DIR_CONFIG, jsonState.toString());
        try (TopologyTestDriver jsonDriver = new TopologyTestDriver(builder.build(), p, t0)) {
            TestInputTopic<String, TagResult> jsonTags = jsonDriver.createInputTopic(json.tags().name(),
                    new StringSerializer(), json.tags().valueSerde().serializer());
            TestInputTopic<String, TagResult> avroTags = jsonDriver.createInputTopic(json.tags().name(),
                    new StringSerializer(), Topics.TAG_RESULT.serializer());
            TestInputTopic<byte[], DeadLetter> jsonDeadLetters = jsonDriver.createInputTopic(
                    json.deadLetters().name(), new ByteArraySerializer(), json.deadLetters().valueSerde().serializer());
            TestOutputTopic<String, String> jsonMetrics = jsonDriver.createOutputTopic(json.metrics().name(),
                    new StringDeserializer(), new StringDeserializer());
            avroTags.pipeInput("1", tag("1", Route.CONFIDENT, false, true, true).build(), at(1));
            jsonTags.pipeInput("2", tag("2", Route.RESCORED, true, false, true).build(), at(2));
            jsonDeadLetters.pipeInput(new byte[0], deadLetter(IMAGENET, MODEL), at(3));
            jsonTags.pipeInput("clock", tag("clock", Route.CONFIDENT, false, null, null).setLabelSet("clock").build(),
                    at(95));
            KeyValue<String, String> record = jsonMetrics.readKeyValuesToList().stream()
                    .filter(kv -> kv.key.equals(KEY)).findFirst().orElseThrow();
            assertTrue(record.value.startsWith("{\"labelSet\":\"" + IMAGENET + "\""), record.value);
            RescueMetrics m = json.metrics().valueSerde().deserializer().deserialize("t",
                    record.value.getBytes(StandardCharsets.UTF_8));
            assertEquals(2, m.getImages());
            assertEquals(1, m.getFixed());
            assertEquals(1, m.getDeadLetters());
        }
    }

    @Test
    void aClosedWindowIsPublishedOnceWithExactCountsRatesLatenciesAndDeadLetters() {
        pipe(latency(tag("1", Route.CONFIDENT, false, true, true), 5), 1);
        pipe(latency(tag("2", Route.CONFIDENT, false, false, false), 40), 2);
        pipe(latency(tag("3", Route.CONFIDENT, false, null, null), 120), 3);
        pipe(latency(tag("4", Route.CONFIDENT, false, null, null), 250)
                .setGroundTruth("not-a-class").setGroundTruthKnown(false), 4);
        pipe(latency(tag("5", Route.RESCORED, true, false, true), 250), 5);
        pipe(latency(tag("6", Route.RESCORED, true, false, true), 480), 6);
        pipe(latency(tag("7", Route.RESCORED, true, true, false), 900), 7);
        pipe(latency(tag("8", Route.RESCORED, true, false, false), 1_234), 8);
        pipe(latency(tag("9", Route.RESCORED, false, true, true), 15_678), 9);
        pipe(tag("10", Route.RESCORED, false, null, null), 10);
        pipe(deadLetter(IMAGENET, MODEL), 20);
        pipe(deadLetter(IMAGENET, MODEL), 30);
        pipe(deadLetter(null, MODEL), 40);
        pipe(tag("pets-1", Route.CONFIDENT, false, null, null).setLabelSet("pets"), 50);

        clock(89.999);
        assertTrue(metrics.isEmpty(), "record time has not passed the end of W0 plus grace");
        clock(90);
        Map<String, RescueMetrics> out = byKey(metrics.readKeyValuesToList());
        // The clock's own records are in the next window, still open.
        assertEquals(Map.of(KEY, at(0), "(none)|" + MODEL, at(0), "pets|" + MODEL, at(0)),
                out.entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue()
                        .getWindowStart())), "W0, once per label set and model");

        RescueMetrics m = out.get(KEY);
        assertEquals(IMAGENET, m.getLabelSet());
        assertEquals(MODEL, m.getModelId());
        assertEquals(at(60), m.getWindowEnd());
        assertEquals(List.of(10L, 4L, 6L, 4L, 7L, 5L, 2L, 1L), List.of(m.getImages(), m.getConfident(),
                m.getUncertain(), m.getChanged(), m.getLabelled(), m.getUncertainLabelled(), m.getFixed(),
                m.getBroken()));
        assertEquals(3 / 7.0, m.getAccuracyBefore());
        assertEquals(4 / 7.0, m.getAccuracyAfter());
        assertEquals(2 / 5.0, m.getRescueRate());
        assertEquals(4 / 6.0, m.getChangeRate());
        // Nine latencies (tag 10 has no publishedAt): 5 40 120 250 250 480 900 1230 15600 by bucket.
        assertEquals(250.0, m.getLatencyP50Ms());
        assertEquals(15_600.0, m.getLatencyP95Ms());
        assertEquals(15_600.0, m.getLatencyP99Ms());
        assertEquals(2, m.getDeadLetters());

        RescueMetrics unreadable = out.get("(none)|" + MODEL);
        assertEquals("(none)", unreadable.getLabelSet());
        assertEquals(MODEL, unreadable.getModelId());
        assertEquals(0, unreadable.getImages());
        assertEquals(1, unreadable.getDeadLetters());
        assertNull(unreadable.getChangeRate());

        RescueMetrics pets = out.get("pets|" + MODEL);
        assertEquals(1, pets.getImages());
        assertEquals(0, pets.getDeadLetters());
        assertNull(pets.getAccuracyBefore());
        assertNull(pets.getRescueRate());
        assertNull(pets.getLatencyP50Ms());
    }

    @Test
    void aRecordExactlyAtTheWindowEndBelongsToTheNextWindow() {
        pipe(tag("last", Route.CONFIDENT, false, null, null), 59.999);
        pipe(tag("first", Route.CONFIDENT, false, null, null), 60);
        clock(150);
        Map<Instant, RescueMetrics> windows = metrics.readValuesToList().stream()
                .filter(m -> m.getLabelSet().equals(IMAGENET))
                .collect(Collectors.toMap(RescueMetrics::getWindowStart, m -> m));
        assertEquals(2, windows.size());
        assertEquals(at(60), windows.get(at(0)).getWindowEnd());
        assertEquals(1, windows.get(at(0)).getImages());
        assertEquals(at(120), windows.get(at(60)).getWindowEnd());
        assertEquals(1, windows.get(at(60)).getImages());
    }

    @Test
    void aLateRecordWithinGraceCountsInItsWindowAndOneAfterGraceIsDropped() {
        pipe(tag("on-time", Route.CONFIDENT, false, null, null), 10);
        pipe(tag("next-window", Route.CONFIDENT, false, null, null), 80);
        pipe(tag("late-within-grace", Route.CONFIDENT, false, null, null), 20);
        assertTrue(metrics.isEmpty());

        pipe(tag("closes-w0", Route.CONFIDENT, false, null, null), 90);
        List<RescueMetrics> w0 = metrics.readValuesToList();
        assertEquals(1, w0.size());
        assertEquals(at(0), w0.get(0).getWindowStart());
        assertEquals(2, w0.get(0).getImages(), "on-time and late-within-grace");

        pipe(tag("too-late", Route.CONFIDENT, false, null, null), 30);
        assertEquals(1.0, droppedRecords(), "W0 has closed: the record is dropped, not counted");
        pipe(tag("closes-w1", Route.CONFIDENT, false, null, null), 150);
        List<RescueMetrics> w1 = metrics.readValuesToList();
        assertEquals(1, w1.size(), "W0 is not published again");
        assertEquals(at(60), w1.get(0).getWindowStart());
        assertEquals(2, w1.get(0).getImages(), "next-window and closes-w0");
    }

    @Test
    void aWindowIsPublishedEvenWhenRecordTimeJumpsFarPastIt() {
        // A lull or a backlog: record time passes W0's close and the window store's retention of it in one step.
        pipe(tag("before", Route.CONFIDENT, false, null, null), 10);
        clock(3_600);
        List<RescueMetrics> out = metrics.readValuesToList();
        assertEquals(1, out.size());
        assertEquals(at(0), out.get(0).getWindowStart());
        assertEquals(1, out.get(0).getImages());
    }

    private double droppedRecords() {
        return driver.metrics().entrySet().stream()
                .filter(e -> e.getKey().name().equals("dropped-records-total"))
                .mapToDouble(e -> ((Number) e.getValue().metricValue()).doubleValue())
                .sum();
    }
}
