package io.hiertag.streams;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.hiertag.avro.DeadLetter;
import io.hiertag.avro.Route;
import io.hiertag.avro.Stage;
import io.hiertag.avro.TagResult;
import io.hiertag.config.HiertagConfig;
import io.hiertag.kafka.ImagePublisher;
import io.hiertag.kafka.KafkaConnection;
import io.hiertag.kafka.TopicReader;
import io.hiertag.kafka.Topics;
import io.hiertag.samples.SampleImages;
import io.hiertag.zeroshot.EncodingProgress;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole application on a real in-JVM KRaft broker with exactly-once processing, the real test SavedModel and
 * Avro on the wire: every valid image yields exactly one committed tag, every invalid input exactly one
 * committed dead letter, and nothing else appears. Tags take both routes, and images asking for a custom
 * label set are tagged from it.
 */
class TaggingEndToEndTest {

    private static final int VALID = 210;

    @TempDir
    Path dir;

    @Test
    void everyInputYieldsExactlyOneCommittedTagOrDeadLetter() throws Exception {
        Path household = dir.resolve("household.tsv");
        try (InputStream in = getClass().getResourceAsStream("/hiertag/labels/examples/household.tsv")) {
            Files.copy(in, household);
        }
        HiertagConfig config = HiertagConfig.builder()
                .set(HiertagConfig.LABEL_SETS, "imagenet-1k,household=" + household)
                .set(HiertagConfig.CACHE_DIR, TestModels.cacheDir().toString())
                .set(HiertagConfig.DATA_DIR, dir.toString())
                .set(HiertagConfig.APPLICATION_ID, "e2e")
                .set(HiertagConfig.BATCH_SIZE, "16")
                .set(HiertagConfig.TOPIC_PARTITIONS, "3")
                .build();
        Map<String, Stage> invalid = new LinkedHashMap<>();
        try (KafkaConnection kafka = KafkaConnection.embedded(dir.resolve("broker"), 0);
             TaggingApplication app = TaggingApplication.start(config, kafka.bootstrapServers(),
                     TestModels.testModel(), EncodingProgress.NONE)) {
            assertTrue(app.awaitRunning(Duration.ofSeconds(60)), "state " + app.state());
            try (ImagePublisher pub = new ImagePublisher(config, kafka.bootstrapServers())) {
                for (int i = 0; i < VALID; i++) {
                    var img = SampleImages.generate(42, i, 80 + (i % 5) * 30, 60 + (i % 3) * 40);
                    byte[] bytes = i % 2 == 0 ? SampleImages.png(img) : SampleImages.jpeg(img);
                    String labelSet = i % 7 == 3 ? "household" : "imagenet-1k";
                    pub.publish(ImagePublisher.event("valid-" + i, bytes, labelSet, null, Map.of()));
                    if (i % 30 == 0) {
                        int n = i / 30;
                        byte[] jpeg = SampleImages.jpeg(img);
                        invalid.put("not-avro-" + n, Stage.DESERIALIZE);
                        pub.publishRaw("not-avro-" + n, ("junk " + n).getBytes(StandardCharsets.UTF_8));
                        invalid.put("truncated-" + n, Stage.DECODE);
                        pub.publish(ImagePublisher.event("truncated-" + n, Arrays.copyOf(jpeg, jpeg.length / 2),
                                "imagenet-1k", null, Map.of()));
                        invalid.put("unknown-set-" + n, Stage.VALIDATE);
                        pub.publish(ImagePublisher.event("unknown-set-" + n, jpeg, "nope", null, Map.of()));
                    }
                }
                pub.flush();
            }

            Map<String, Integer> tagged = new HashMap<>();
            Map<String, TagResult> tags = new HashMap<>();
            Map<String, Integer> dead = new HashMap<>();
            Map<String, Stage> stages = new HashMap<>();
            Topics topics = new Topics(config.topicPrefix());
            long deadline = System.nanoTime() + Duration.ofSeconds(180).toNanos();
            try (TopicReader tagReader = new TopicReader(config, kafka.bootstrapServers(), topics.tags().name(), false);
                 TopicReader dls = new TopicReader(config, kafka.bootstrapServers(), topics.deadLetters().name(), false)) {
                while (tagged.size() < VALID || dead.size() < invalid.size()) {
                    if (System.nanoTime() > deadline) {
                        fail("timed out: " + tagged.size() + " tags, " + dead.size() + " dead letters");
                    }
                    assertNotEquals(KafkaStreams.State.ERROR, app.state(), "the application failed");
                    tagReader.poll(Duration.ofMillis(200), r -> {
                        TagResult t = Topics.TAG_RESULT.deserializer().deserialize(r.topic(), r.value());
                        assertEquals(t.getId(), new String(r.key(), StandardCharsets.UTF_8));
                        tagged.merge(t.getId(), 1, Integer::sum);
                        tags.put(t.getId(), t);
                    });
                    dls.poll(Duration.ofMillis(50), r -> {
                        DeadLetter d = Topics.DEAD_LETTER.deserializer().deserialize(r.topic(), r.value());
                        String key = new String(r.key(), StandardCharsets.UTF_8);
                        dead.merge(key, 1, Integer::sum);
                        stages.put(key, d.getStage());
                    });
                }
                // Anything late (a duplicate) would show up within a few more commit intervals.
                long quiet = System.nanoTime() + Duration.ofSeconds(3).toNanos();
                while (System.nanoTime() < quiet) {
                    tagReader.poll(Duration.ofMillis(200), r -> tagged.merge(
                            new String(r.key(), StandardCharsets.UTF_8), 1, Integer::sum));
                    dls.poll(Duration.ofMillis(50), r -> dead.merge(
                            new String(r.key(), StandardCharsets.UTF_8), 1, Integer::sum));
                }
            }
            assertEquals(VALID, tagged.size());
            for (int i = 0; i < VALID; i++) {
                assertEquals(1, tagged.getOrDefault("valid-" + i, 0), "valid-" + i);
            }
            assertEquals(invalid.keySet(), dead.keySet());
            dead.forEach((id, n) -> assertEquals(1, n, id));
            assertEquals(invalid, stages);
            assertBothRoutesFollowTheMethod(tags);
        }
    }

    private static void assertBothRoutesFollowTheMethod(Map<String, TagResult> tags) {
        Map<Route, Integer> routes = new EnumMap<>(Route.class);
        for (TagResult t : tags.values()) {
            routes.merge(t.getRoute(), 1, Integer::sum);
            TaggingTopologyTest.assertWellFormed(t);
            int i = Integer.parseInt(t.getId().substring("valid-".length()));
            assertEquals(i % 7 == 3 ? "household" : "imagenet-1k", t.getLabelSet());
            if (t.getLabelSet().equals("household")) {
                assertTrue(t.getLabel().getIndex() < 26, t.toString());
            }
        }
        assertTrue(routes.getOrDefault(Route.CONFIDENT, 0) > 0, "no CONFIDENT tag: " + routes);
        assertTrue(routes.getOrDefault(Route.RESCORED, 0) > 0, "no RESCORED tag: " + routes);
        assertTrue(tags.values().stream().anyMatch(TagResult::getChanged), "rescoring never changed a label");
    }
}
