package io.hiertag.streams;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.hiertag.avro.DeadLetter;
import io.hiertag.avro.ImageEvent;
import io.hiertag.avro.Stage;
import io.hiertag.config.HiertagConfig;
import io.hiertag.image.RawHttpServer;
import io.hiertag.image.SlowResponses;
import io.hiertag.kafka.ImagePublisher;
import io.hiertag.kafka.KafkaConnection;
import io.hiertag.kafka.TopicReader;
import io.hiertag.kafka.Topics;
import io.hiertag.samples.SampleImages;
import io.hiertag.zeroshot.EncodingProgress;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 12 end to end: 36 uri inputs whose host sends its headers late, trickles its body or never ends it,
 * interleaved with inline images, fast web images and two refused uris, all in one batch. Each slow image becomes
 * its own dead letter at about the fetch deadline, everything else is tagged meanwhile, every input yields exactly
 * one committed output, and the instance is never fenced: it stays RUNNING, never rebalances, and fetches each uri
 * once (a transaction aborted and redone would fetch its batch again). Awaited one after another on the decoding
 * threads, the same batch would take 36 / cores deadlines, past the shortened transaction timeout.
 */
class SlowUriEndToEndTest {

    private static final Duration DEADLINE = Duration.ofSeconds(2);
    /** Publishing, batching, the model, the commit and reading back: all but the fetches' own deadline. */
    private static final Duration SLACK = Duration.ofSeconds(4);
    private static final List<String> SLOW = List.of("/slow-headers", "/trickle", "/endless");
    private static final int SLOW_PER_KIND = 12;
    private static final int FAST_EVERY = 9;

    /** What one input should become. */
    private record Expected(Stage stage, String errorType, String inMessage) {
        static final Expected TAG = new Expected(null, null, null);

        boolean tagged() {
            return this == TAG;
        }
    }

    @TempDir
    Path dir;

    @Test
    void slowHostsCostTheirOwnImagesADeadLetterNeverTheInstanceItsTransaction() throws Exception {
        Path allowed = Files.createDirectories(dir.resolve("allowed"));
        Path fifo = allowed.resolve("pipe.png");
        assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start().waitFor(), "mkfifo");
        byte[] png = SampleImages.png(SampleImages.generate(12, 0, 64, 48));
        try (RawHttpServer web = new RawHttpServer(SlowResponses.serving(png));
             KafkaConnection kafka = KafkaConnection.embedded(dir.resolve("broker"), 0)) {
            String host = "127.0.0.1:" + web.port();
            Map<String, ImageEvent> inputs = new LinkedHashMap<>();
            Map<String, Expected> expected = new LinkedHashMap<>();
            for (int i = 0; i < SLOW.size() * SLOW_PER_KIND; i++) {
                add(inputs, expected, "inline-" + i, inline(i), Expected.TAG);
                String path = SLOW.get(i % SLOW.size());
                add(inputs, expected, "slow-" + i, uri("http://" + host + path + "?" + i), new Expected(
                        Stage.DECODE, "FETCH_FAILED", host + (path.equals("/slow-headers")
                                ? " sent no response headers within 2 s" : " did not finish within 2 s")));
                if (i % FAST_EVERY == FAST_EVERY / 2) {
                    add(inputs, expected, "fast-" + i, uri("http://" + host + "/img.png?" + i), Expected.TAG);
                }
            }
            add(inputs, expected, "fifo", uri(fifo.toUri().toString()),
                    new Expected(Stage.VALIDATE, "URI_NOT_ALLOWED", "is a FIFO, socket or device"));
            // The broker's own port on the same host: never allowed by the entry for the image server.
            String kafkaPort = kafka.bootstrapServers();
            add(inputs, expected, "kafka-port", uri("http://" + kafkaPort + "/x.png"),
                    new Expected(Stage.VALIDATE, "URI_NOT_ALLOWED", kafkaPort + " is not in input.uri.allowed-hosts"));
            // Everything but the uri refused before buffering waits in one batch.
            int batch = inputs.size() - 1;
            HiertagConfig config = HiertagConfig.builder()
                    .set(HiertagConfig.DATA_DIR, dir.toString())
                    .set(HiertagConfig.APPLICATION_ID, "slow-uris")
                    .set(HiertagConfig.CACHE_DIR, TestModels.cacheDir().toString())
                    .set(HiertagConfig.TOPIC_PARTITIONS, "1")
                    .set(HiertagConfig.BATCH_SIZE, Integer.toString(batch))
                    .set(HiertagConfig.BATCH_MAX_DELAY, "1s")
                    .set(HiertagConfig.INPUT_URI_ALLOWED_HOSTS, host)
                    .set(HiertagConfig.INPUT_URI_ALLOWED_DIRS, allowed.toString())
                    .set(HiertagConfig.INPUT_URI_TIMEOUT, "2s")
                    // A quarter of the default: ample for a batch that waits one deadline, far too short for 36
                    // fetches awaited two at a time (36 s), the way issue 12's instance was fenced. One batch per
                    // poll keeps the start-up budget check well within it.
                    .set("kafka.producer.transaction.timeout.ms", "15000")
                    .set("kafka.main.consumer.max.poll.records", Integer.toString(batch))
                    .build();
            try (TaggingApplication app = TaggingApplication.start(config, kafka.bootstrapServers(),
                    TestModels.testModel(), EncodingProgress.NONE)) {
                assertTrue(app.awaitRunning(Duration.ofSeconds(60)), "state " + app.state());
                long rebalances = rebalances(config.applicationId());
                Map<String, Long> publishedAt = publish(config, kafka.bootstrapServers(), inputs);
                Map<String, Long> latency = new HashMap<>();
                Map<String, DeadLetter> dead = new HashMap<>();
                Set<String> tagged = new TreeSet<>();
                awaitOutputs(config, kafka.bootstrapServers(), app, expected, publishedAt, latency, dead, tagged);

                expected.forEach((id, e) -> {
                    long ms = latency.get(id);
                    if (e.tagged()) {
                        assertTrue(tagged.contains(id), id + " became a dead letter: " + dead.get(id));
                    } else {
                        DeadLetter d = dead.get(id);
                        assertTrue(d != null, id + " was tagged");
                        assertEquals(e.stage(), d.getStage(), id + ": " + d.getMessage());
                        assertEquals(e.errorType(), d.getErrorType(), id + ": " + d.getMessage());
                        assertTrue(d.getMessage().contains(e.inMessage()), id + ": " + d.getMessage());
                    }
                    if (id.startsWith("slow-")) {
                        assertTrue(ms >= DEADLINE.toMillis() - 100, id + " failed before the deadline, " + ms + " ms");
                    }
                    assertTrue(ms < DEADLINE.plus(SLACK).toMillis(), id + " took " + ms + " ms from publish to "
                            + "output; deadline " + DEADLINE.toMillis() + " ms; all: " + new TreeMap<>(latency));
                });
                try (ExactlyOnceVerifier verifier = new ExactlyOnceVerifier(config, kafka.bootstrapServers())) {
                    long quiet = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
                    while (System.nanoTime() < quiet) {
                        verifier.poll(Duration.ofMillis(200));
                        assertEquals(KafkaStreams.State.RUNNING, app.state());
                    }
                    ExactlyOnceVerifier.Report report = verifier.report(ids(expected, true), ids(expected, false));
                    assertTrue(report.exactlyOnce(), report.toString());
                }
                assertEquals(rebalances, rebalances(config.applicationId()), "the instance rebalanced: fenced");
                Map<String, Integer> notOnce = new TreeMap<>(web.requests());
                notOnce.values().removeIf(n -> n == 1);
                assertEquals(Map.of(), notOnce, "uris fetched more than once: a batch was redone");
                assertEquals(inputs.keySet().stream().filter(id -> id.startsWith("slow-") || id.startsWith("fast-"))
                        .count(), web.requests().size(), "uris fetched: " + web.requests().keySet());
                assertNotEquals(-1, web.awaitAllClosed(Duration.ofSeconds(5)), "a connection is still open");
            }
        }
    }

    private static void add(Map<String, ImageEvent> inputs, Map<String, Expected> expected, String id,
            ImageEvent event, Expected outcome) {
        event.setId(id);
        inputs.put(id, event);
        expected.put(id, outcome);
    }

    private static ImageEvent inline(int i) {
        byte[] image = i % 2 == 0 ? SampleImages.png(SampleImages.generate(12, i, 60 + i, 50))
                : SampleImages.jpeg(SampleImages.generate(12, i, 50, 40 + i));
        return ImagePublisher.event("", image, "imagenet-1k", null, Map.of());
    }

    private static ImageEvent uri(String uri) {
        ImageEvent e = ImagePublisher.event("", new byte[1], "imagenet-1k", null, Map.of());
        e.setImage(null);
        e.setUri(uri);
        return e;
    }

    /** Publishes every input at once; returns when each was handed to the producer. */
    private static Map<String, Long> publish(HiertagConfig config, String bootstrap, Map<String, ImageEvent> inputs) {
        Map<String, Long> at = new HashMap<>();
        try (ImagePublisher pub = new ImagePublisher(config, bootstrap)) {
            inputs.forEach((id, event) -> {
                at.put(id, System.nanoTime());
                pub.publish(event);
            });
            pub.flush();
        }
        return at;
    }

    /**
     * Reads tags and dead letters as they are committed until every input has one, noting each one's time from
     * publish to output; fails at once if Streams leaves RUNNING.
     */
    private static void awaitOutputs(HiertagConfig config, String bootstrap, TaggingApplication app,
            Map<String, Expected> expected, Map<String, Long> publishedAt, Map<String, Long> latency,
            Map<String, DeadLetter> dead, Set<String> tagged) {
        Topics topics = new Topics(config.topicPrefix());
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(40);
        try (TopicReader tags = new TopicReader(config, bootstrap, topics.tags().name(), false);
             TopicReader dls = new TopicReader(config, bootstrap, topics.deadLetters().name(), false)) {
            while (latency.size() < expected.size()) {
                assertEquals(KafkaStreams.State.RUNNING, app.state(), "Streams left RUNNING");
                if (System.nanoTime() > end) {
                    Set<String> missing = new TreeSet<>(expected.keySet());
                    missing.removeAll(latency.keySet());
                    fail("no output within 40 s for " + missing);
                }
                tags.poll(Duration.ofMillis(50), r -> {
                    String id = new String(r.key(), StandardCharsets.UTF_8);
                    tagged.add(id);
                    latency.putIfAbsent(id, millisSince(publishedAt.get(id)));
                });
                dls.poll(Duration.ofMillis(50), r -> {
                    String id = new String(r.key(), StandardCharsets.UTF_8);
                    dead.put(id, Topics.DEAD_LETTER.deserializer().deserialize(r.topic(), r.value()));
                    latency.putIfAbsent(id, millisSince(publishedAt.get(id)));
                });
            }
        }
        assertFalse(tagged.stream().anyMatch(dead::containsKey), "tagged and dead-lettered: " + tagged);
    }

    private static long millisSince(long nanos) {
        return (System.nanoTime() - nanos) / 1_000_000;
    }

    private static Set<String> ids(Map<String, Expected> expected, boolean tagged) {
        Set<String> out = new TreeSet<>();
        expected.forEach((id, e) -> {
            if (e.tagged() == tagged) {
                out.add(id);
            }
        });
        return out;
    }

    /**
     * Rebalances of the application's group so far, from its main consumers' metrics: a fenced producer makes
     * its stream thread rejoin the group, whatever the exception was called or how quickly the state came back.
     */
    private static long rebalances(String applicationId) throws Exception {
        MBeanServer jmx = ManagementFactory.getPlatformMBeanServer();
        Set<ObjectName> consumers = jmx.queryNames(new ObjectName(
                "kafka.consumer:type=consumer-coordinator-metrics,client-id=" + applicationId + "-*"), null);
        assertFalse(consumers.isEmpty(), "no group consumer metrics for " + applicationId);
        long total = 0;
        for (ObjectName consumer : consumers) {
            total += ((Number) jmx.getAttribute(consumer, "rebalance-total")).longValue();
        }
        return total;
    }
}
