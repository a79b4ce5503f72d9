package io.hiertag.streams;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hiertag.avro.DeadLetter;
import io.hiertag.avro.Route;
import io.hiertag.avro.TagResult;
import io.hiertag.config.HiertagConfig;
import io.hiertag.kafka.ImagePublisher;
import io.hiertag.kafka.KafkaConnection;
import io.hiertag.kafka.TopicReader;
import io.hiertag.kafka.Topics;
import io.hiertag.ops.GrafanaDashboardTest;
import io.hiertag.ops.Scrape;
import io.hiertag.ops.Telemetry;
import io.hiertag.samples.SampleImages;
import io.hiertag.zeroshot.EncodingProgress;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The application as an operator runs it, on the in-JVM broker with the test model: {@code /metrics} scraped while
 * images flow, every application meter checked against what was published and what the output topics hold, and
 * {@code /health/ready} watched from before the model loads until after the shutdown. The scrape also feeds the
 * Grafana dashboard's check: every query must name series this instance exports.
 */
class OperationsEndToEndTest {

    private static final int BATCH = 8;
    private static final Duration MAX_DELAY = Duration.ofSeconds(1);
    /** The first wave: fewer than a batch, so they wait in the buffer for {@link #MAX_DELAY}. */
    private static final int WAITING = 3;
    private static final int VALID = 45;
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void metersFollowTheImagesAndReadinessFollowsTheLifecycle() throws Exception {
        HiertagConfig config = HiertagConfig.builder()
                .set(HiertagConfig.CACHE_DIR, TestModels.cacheDir().toString())
                .set(HiertagConfig.DATA_DIR, dir.toString())
                .set(HiertagConfig.APPLICATION_ID, "ops-e2e")
                .set(HiertagConfig.BATCH_SIZE, Integer.toString(BATCH))
                .set(HiertagConfig.BATCH_MAX_DELAY, MAX_DELAY.toMillis() + "ms")
                .set(HiertagConfig.TOPIC_PARTITIONS, "1")
                .set(HiertagConfig.METRICS_PORT, "0")
                .build();
        try (KafkaConnection kafka = KafkaConnection.embedded(dir.resolve("broker"), 0);
             Telemetry telemetry = Telemetry.of(config.metricsPort(), config.dataDir())) {
            int port = telemetry.port().orElseThrow();
            assertEquals(200, status(port, "/health/live"));
            JsonNode starting = health(port, "/health/ready", 503);
            assertEquals("STARTING", starting.get("streams").asText());
            assertTrue(!starting.get("warmedUp").asBoolean());

            ReadinessWatch readiness = new ReadinessWatch(port);
            readiness.start();
            TaggingApplication app = TaggingApplication.start(config, kafka.bootstrapServers(),
                    TestModels.testModel(), EncodingProgress.NONE, telemetry);
            try {
                await(() -> status(port, "/health/ready") == 200, Duration.ofSeconds(60), "ready");
                JsonNode ready = health(port, "/health/ready", 200);
                assertEquals("RUNNING", ready.get("streams").asText());
                assertTrue(ready.get("warmedUp").asBoolean());
                assertEquals(1, Scrape.of(port).sum("hiertag_ready"));

                Outputs outputs = publishAndCollect(config, kafka.bootstrapServers(), app, port);
                Scrape s = Scrape.of(port);
                assertMetersMatchTheOutputs(s, outputs);
                assertClientAndJvmMetersAreThere(s);
                GrafanaDashboardTest.assertQueriesNameOnly(s.seriesNames());
            } finally {
                app.close();
            }
            // The server outlives the application: a probe sees the stop.
            JsonNode stopped = health(port, "/health/ready", 503);
            assertEquals("NOT_RUNNING", stopped.get("streams").asText());
            assertEquals(200, status(port, "/health/live"));
            await(() -> readiness.transitions().size() >= 3, Duration.ofSeconds(5), "the watch to see the stop");
            readiness.stop();
            assertEquals(List.of(503, 200, 503), readiness.transitions(), "readiness over the whole run");
        }
    }

    /** What the output topics hold at the end. */
    private record Outputs(Map<String, TagResult> tags, Map<String, DeadLetter> deadLetters, int published,
            int badOfEachKind) {
    }

    /**
     * Three images first, which wait in the buffer for its delay (the buffer gauges must show them), then a batch's
     * worth of waves with a bad input of each kind; returns once every input has its committed output.
     */
    private Outputs publishAndCollect(HiertagConfig config, String bootstrap, TaggingApplication app, int port)
            throws Exception {
        Map<String, TagResult> tags = new HashMap<>();
        Map<String, DeadLetter> dead = new HashMap<>();
        Topics topics = new Topics(config.topicPrefix());
        int published = 0;
        int bad = 0;
        try (ImagePublisher pub = new ImagePublisher(config, bootstrap);
             TopicReader tagReader = new TopicReader(config, bootstrap, topics.tags().name(), false);
             TopicReader dlReader = new TopicReader(config, bootstrap, topics.deadLetters().name(), false)) {
            for (int i = 0; i < WAITING; i++) {
                pub.publish(valid(i));
            }
            pub.flush();
            published += WAITING;
            // Within the delay the three wait, and the oldest has waited a while.
            double[] seen = new double[2];
            await(() -> {
                Scrape s = Scrape.of(port);
                seen[0] = s.sum("hiertag_buffer_images");
                seen[1] = s.sum("hiertag_buffer_oldest_age_seconds");
                return seen[0] == WAITING && seen[1] > 0;
            }, MAX_DELAY, "the buffer gauges to show the waiting images");
            assertEquals(WAITING, Scrape.of(port).sum("hiertag_images_in_total"));
            assertTrue(seen[1] <= MAX_DELAY.toMillis() * 1.25 / 1000 + 1, "oldest age " + seen[1]);

            byte[] jpeg = SampleImages.jpeg(SampleImages.generate(5, 0, 64, 48));
            for (int i = WAITING; i < VALID; i++) {
                pub.publish(valid(i));
                published++;
                if (i % 15 == 0) {
                    pub.publishRaw("junk-" + i, ("junk " + i).getBytes(StandardCharsets.UTF_8));
                    pub.publish(ImagePublisher.event("truncated-" + i, Arrays.copyOf(jpeg, jpeg.length / 2),
                            "imagenet-1k", null, Map.of()));
                    pub.publish(ImagePublisher.event("unknown-set-" + i, jpeg, "nope", null, Map.of()));
                    published += 3;
                    bad++;
                }
            }
            pub.flush();
            int expectedDead = published - VALID;
            long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
            while (tags.size() < VALID || dead.size() < expectedDead) {
                if (System.nanoTime() > deadline) {
                    fail("timed out: " + tags.size() + " tags, " + dead.size() + " dead letters");
                }
                assertNotEquals(KafkaStreams.State.ERROR, app.state(), "the application failed");
                tagReader.poll(Duration.ofMillis(200), r -> {
                    TagResult t = Topics.TAG_RESULT.deserializer().deserialize(r.topic(), r.value());
                    tags.put(t.getId(), t);
                });
                dlReader.poll(Duration.ofMillis(50), r -> {
                    DeadLetter d = Topics.DEAD_LETTER.deserializer().deserialize(r.topic(), r.value());
                    dead.put(new String(r.key(), StandardCharsets.UTF_8), d);
                });
            }
        }
        return new Outputs(tags, dead, published, bad);
    }

    /** Labelled, so that rescored tags count towards the rescue rate. */
    private static io.hiertag.avro.ImageEvent valid(int i) {
        var img = SampleImages.generate(42, i, 80 + (i % 5) * 30, 60 + (i % 3) * 40);
        return ImagePublisher.event("valid-" + i, i % 2 == 0 ? SampleImages.png(img) : SampleImages.jpeg(img),
                "imagenet-1k", i % 3 == 0 ? "n01440764" : "n02102040", Map.of());
    }

    /** Every application meter against the committed outputs, which no transaction aborted in this run. */
    private static void assertMetersMatchTheOutputs(Scrape s, Outputs out) {
        assertEquals(out.published(), s.sum("hiertag_images_in_total"), "images in");
        assertEquals(out.published(), out.tags().size() + out.deadLetters().size());

        Map<Map<String, String>, Double> tags = new HashMap<>();
        Map<Map<String, String>, Double> rescue = new HashMap<>();
        for (TagResult t : out.tags().values()) {
            tags.merge(Map.of("label_set", t.getLabelSet(), "route", t.getRoute().name().toLowerCase(),
                    "changed", Boolean.toString(t.getChanged())), 1.0, Double::sum);
            RescueCounts.outcome(t).ifPresent(o -> rescue.merge(Map.of("label_set", t.getLabelSet(), "outcome",
                    o.name().toLowerCase()), 1.0, Double::sum));
        }
        assertTrue(out.tags().values().stream().anyMatch(t -> t.getRoute() == Route.RESCORED), "no rescored tag");
        assertTrue(out.tags().values().stream().anyMatch(t -> t.getRoute() == Route.CONFIDENT), "no confident tag");
        assertEquals(tags, s.series("hiertag_tags_total"), "tags by label set, route and change");
        assertEquals(rescue, s.series("hiertag_rescue_total"), "rescue outcomes");

        Map<Map<String, String>, Double> dead = new HashMap<>();
        out.deadLetters().values().forEach(d -> dead.merge(Map.of("stage", d.getStage().name(), "reason",
                d.getErrorType()), 1.0, Double::sum));
        double bad = out.badOfEachKind();
        assertEquals(Map.of(Map.of("stage", "DESERIALIZE", "reason", "TEXT_VALUE"), bad,
                Map.of("stage", "VALIDATE", "reason", "UNKNOWN_LABEL_SET"), bad,
                Map.of("stage", "DECODE", "reason", "UNREADABLE_IMAGE"), bad), dead, "the dead letters written");
        assertEquals(dead, s.series("hiertag_dead_letters_total"), "dead letters by stage and reason");

        // What went through the batch buffer: the tags and the images that failed to decode.
        double buffered = out.tags().size() + dead.get(Map.of("stage", "DECODE", "reason", "UNREADABLE_IMAGE"));
        assertEquals(buffered, s.histogramSum("hiertag_batch_size", Map.of()), "images over all flushes");
        double flushes = s.sum("hiertag_batch_size");
        assertTrue(flushes >= Math.ceil(buffered / BATCH) && flushes <= buffered, "flushes " + flushes);
        assertTrue(s.sum("hiertag_batch_size_max") <= BATCH);
        double calls = s.sum("hiertag_model_call_seconds");
        assertTrue(calls >= 1 && calls <= flushes, "model calls " + calls + " for " + flushes + " flushes");
        assertTrue(s.histogramSum("hiertag_model_call_seconds", Map.of()) > 0);
        assertEquals(out.tags().size(), s.sum("hiertag_tag_latency_seconds"), "a latency per tag");
        double maxLatency = out.tags().values().stream().mapToLong(RescueCounts::latencyMillis).max().orElseThrow();
        assertEquals(maxLatency / 1000, s.sum("hiertag_tag_latency_seconds_max"), 1e-9);

        assertEquals(0, s.sum("hiertag_buffer_images"));
        assertEquals(0, s.sum("hiertag_buffer_oldest_age_seconds"));
        assertTrue(s.sum("hiertag_text_cache_texts_total") > 1000, "the label set's texts, hit or missed");
        String model = out.tags().values().iterator().next().getModelId();
        assertEquals(Map.of(Map.of("model_id", model), 1.0), s.series("hiertag_model_info"));
    }

    private static void assertClientAndJvmMetersAreThere(Scrape s) {
        // jvm_gc_pause_seconds appears only after the first collection, which a short run may not have.
        for (String family : List.of("jvm_memory_used_bytes", "jvm_gc_live_data_size_bytes",
                "jvm_threads_live_threads", "process_cpu_usage", "process_uptime_seconds", "disk_free_bytes")) {
            assertTrue(s.has(family), family + " missing");
        }
        // Kafka Streams' own metrics (at its default recording level, INFO) and its clients'.
        for (String prefix : List.of("kafka_stream_thread_", "kafka_stream_client_state", "kafka_consumer_",
                "kafka_producer_", "kafka_admin_client_")) {
            assertTrue(s.seriesNames().stream().anyMatch(n -> n.startsWith(prefix)), prefix + "* missing");
        }
    }

    private static int status(int port, String path) {
        return Scrape.get(port, path, null).statusCode();
    }

    private static JsonNode health(int port, String path, int status) throws IOException {
        HttpResponse<byte[]> r = Scrape.get(port, path, null);
        assertEquals(status, r.statusCode(), path);
        assertEquals("application/json", r.headers().firstValue("Content-Type").orElse(""));
        JsonNode body = JSON.readTree(r.body());
        assertEquals(status == 200 ? "UP" : "DOWN", body.get("status").asText());
        return body;
    }

    private static void await(BooleanSupplier condition, Duration timeout, String what) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("timed out after " + timeout + " waiting for " + what);
            }
            Thread.sleep(20);
        }
    }

    /** Polls {@code /health/ready} and keeps each change of its status code. */
    private static final class ReadinessWatch {
        private final int port;
        private final List<Integer> transitions = new ArrayList<>();
        private final Thread thread;
        private volatile boolean stop;
        private volatile Throwable failure;

        ReadinessWatch(int port) {
            this.port = port;
            this.thread = new Thread(this::poll, "readiness-watch");
            thread.setDaemon(true);
        }

        void start() {
            thread.start();
        }

        private void poll() {
            try {
                while (!stop) {
                    int code = status(port, "/health/ready");
                    synchronized (transitions) {
                        if (transitions.isEmpty() || transitions.get(transitions.size() - 1) != code) {
                            transitions.add(code);
                        }
                    }
                    Thread.sleep(20);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException | Error e) {
                failure = e;
            }
        }

        void stop() throws InterruptedException {
            stop = true;
            thread.join(10_000);
            if (failure != null) {
                throw new AssertionError("polling /health/ready failed", failure);
            }
        }

        List<Integer> transitions() {
            synchronized (transitions) {
                return List.copyOf(transitions);
            }
        }
    }
}
