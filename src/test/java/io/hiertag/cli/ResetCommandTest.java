package io.hiertag.cli;

import static io.hiertag.testing.ConsoleCapture.capture;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hiertag.avro.TagResult;
import io.hiertag.config.HiertagConfig;
import io.hiertag.kafka.ImagePublisher;
import io.hiertag.kafka.KafkaConnection;
import io.hiertag.kafka.TopicAdmin;
import io.hiertag.kafka.TopicReader;
import io.hiertag.kafka.Topics;
import io.hiertag.samples.SampleImages;
import io.hiertag.streams.TaggingApplication;
import io.hiertag.streams.TestModels;
import io.hiertag.testing.ConsoleCapture;
import io.hiertag.zeroshot.EncodingProgress;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code hiertag reset} on the in-JVM broker: a stopped application processes its input again from the start. */
class ResetCommandTest {

    private static final String APP = "reset-e2e";
    private static final int IMAGES = 6;

    @TempDir
    Path dir;

    @Test
    void afterAResetTheImagesAreTaggedAgainFromTheStart() throws Exception {
        try (KafkaConnection kafka = KafkaConnection.embedded(dir.resolve("broker"), 0)) {
            String bs = kafka.bootstrapServers();
            HiertagConfig config = HiertagConfig.builder().set(HiertagConfig.DATA_DIR, dir.resolve("app").toString())
                    .set(HiertagConfig.APPLICATION_ID, APP).set(HiertagConfig.BATCH_SIZE, "4")
                    .set(HiertagConfig.CACHE_DIR, TestModels.cacheDir().toString()).build();
            Topics topics = new Topics(config.topicPrefix());
            String[] reset = {"reset", "--bootstrap", bs, "--data-dir", dir.resolve("app").toString(), "--set",
                "application.id=" + APP};
            try (TaggingApplication app = start(config, bs)) {
                try (ImagePublisher pub = new ImagePublisher(config, bs)) {
                    for (int i = 0; i < IMAGES; i++) {
                        pub.publish(ImagePublisher.event("img-" + i, SampleImages.png(SampleImages.generate(9, i, 64,
                                48)), "imagenet-1k", null, Map.of()));
                    }
                    pub.flush();
                }
                assertEquals(expected(1), tagCounts(config, bs, IMAGES));
                // While it runs: its state folder is taken, and from another machine its group is not empty.
                ConsoleCapture.Output here = capture(() -> Hiertag.execute(reset));
                assertEquals(2, here.code(), here.text());
                // Kafka Streams logs its own line about the lock first.
                assertTrue(here.text().strip().endsWith("\nhiertag: the state folder " + config.stateDir().resolve(APP)
                        + " is in use by a running instance: stop it first"), here.text());
                ConsoleCapture.Output elsewhere = capture(() -> Hiertag.execute("reset", "--bootstrap", bs,
                        "--data-dir", dir.resolve("other").toString(), "--set", "application.id=" + APP));
                assertEquals(2, elsewhere.code(), elsewhere.text());
                assertTrue(elsewhere.text().contains("hiertag: group " + APP + " still has members ["),
                        elsewhere.text());
            }
            assertFalse(taskFolders(config).isEmpty(), "the batch buffers' and metrics' stores");
            assertEquals(IMAGES, committedInputOffsets(config, bs), "everything read before the reset");

            ConsoleCapture.Output dry = capture(() -> Hiertag.execute(concat(reset, "--dry-run")));
            assertEquals(0, dry.code(), dry.text());
            assertTrue(dry.stdout().contains("reset: dry run, nothing changed"), dry.text());
            assertEquals(IMAGES, committedInputOffsets(config, bs));

            ConsoleCapture.Output done = capture(() -> Hiertag.execute(reset));
            assertEquals(0, done.code(), done.text());
            assertTrue(done.stdout().contains("reset done: " + APP), done.text());
            assertEquals(0, committedInputOffsets(config, bs), "back to the start");
            assertEquals(List.of(), taskFolders(config), "local state deleted");
            try (Admin admin = TopicAdmin.admin(bs, Map.of())) {
                Set<String> left = admin.listTopics().names().get();
                assertTrue(left.stream().noneMatch(t -> t.startsWith(APP + "-")), "internal topics deleted: " + left);
                assertTrue(left.containsAll(List.of(topics.images().name(), topics.tags().name())), left.toString());
            }

            try (TaggingApplication again = start(config, bs)) {
                assertEquals(expected(2), tagCounts(config, bs, 2 * IMAGES));
            }
        }
    }

    private static TaggingApplication start(HiertagConfig config, String bs) throws InterruptedException {
        TaggingApplication app = TaggingApplication.start(config, bs, TestModels.testModel(), EncodingProgress.NONE);
        assertTrue(app.awaitRunning(Duration.ofSeconds(60)), "state " + app.state());
        return app;
    }

    private static Map<String, Integer> expected(int times) {
        Map<String, Integer> out = new TreeMap<>();
        for (int i = 0; i < IMAGES; i++) {
            out.put("img-" + i, times);
        }
        return out;
    }

    /** How often each image id is on the tags topic, once {@code total} tags are there (and a moment after). */
    private static Map<String, Integer> tagCounts(HiertagConfig config, String bs, int total) throws Exception {
        Map<String, Integer> counts = new TreeMap<>();
        List<Integer> seen = new ArrayList<>(List.of(0));
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        long quietUntil = Long.MAX_VALUE;
        try (TopicReader tags = new TopicReader(config, bs, new Topics(config.topicPrefix()).tags().name(), false)) {
            while (System.nanoTime() < Math.min(deadline, quietUntil)) {
                tags.poll(Duration.ofMillis(200), r -> {
                    TagResult t = Topics.TAG_RESULT.deserializer().deserialize(r.topic(), r.value());
                    counts.merge(t.getId(), 1, Integer::sum);
                    seen.set(0, seen.get(0) + 1);
                });
                if (seen.get(0) >= total && quietUntil == Long.MAX_VALUE) {
                    quietUntil = System.nanoTime() + Duration.ofSeconds(2).toNanos();
                }
            }
        }
        return counts;
    }

    /** The sum of the group's committed offsets on the input topic. */
    private static long committedInputOffsets(HiertagConfig config, String bs) throws Exception {
        try (Admin admin = TopicAdmin.admin(bs, Map.of())) {
            String images = new Topics(config.topicPrefix()).images().name();
            return admin.listConsumerGroupOffsets(APP).partitionsToOffsetAndMetadata().get().entrySet().stream()
                    .filter(e -> e.getKey().topic().equals(images)).map(Map.Entry::getValue)
                    .mapToLong(OffsetAndMetadata::offset).sum();
        }
    }

    /** The task folders ({@code 0_1}, ...) of the application's local state, which hold its stores. */
    private static List<String> taskFolders(HiertagConfig config) throws IOException {
        try (Stream<Path> files = Files.list(config.stateDir().resolve(APP))) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.matches("\\d+_\\d+")).sorted().toList();
        }
    }

    private static String[] concat(String[] a, String b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + 1);
        out[a.length] = b;
        return out;
    }
}
