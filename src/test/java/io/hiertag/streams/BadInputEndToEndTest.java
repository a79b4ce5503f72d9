package io.hiertag.streams;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.hiertag.avro.DeadLetter;
import io.hiertag.avro.ImageEvent;
import io.hiertag.avro.Stage;
import io.hiertag.avro.TagResult;
import io.hiertag.config.HiertagConfig;
import io.hiertag.kafka.ImagePublisher;
import io.hiertag.kafka.KafkaConnection;
import io.hiertag.kafka.TopicAdmin;
import io.hiertag.kafka.TopicReader;
import io.hiertag.kafka.Topics;
import io.hiertag.samples.SampleImages;
import io.hiertag.zeroshot.EncodingProgress;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every kind of bad input, published between valid images on a real broker: each yields exactly one dead letter
 * with its stage and a reason a person can act on, every valid image is tagged, and the application keeps
 * running throughout.
 */
class BadInputEndToEndTest {

    private record Expected(Stage stage, String errorType) {
    }

    @TempDir
    Path dir;

    @Test
    void eachBadInputBecomesOneDeadLetterAndTheApplicationKeepsRunning() throws Exception {
        Path allowed = Files.createDirectories(dir.resolve("allowed"));
        Files.write(dir.resolve("outside.png"), png(SampleImages.generate(5, 0, 50, 50)));
        HiertagConfig config = HiertagConfig.builder()
                .set(HiertagConfig.DATA_DIR, dir.toString())
                .set(HiertagConfig.APPLICATION_ID, "bad-input")
                .set(HiertagConfig.CACHE_DIR, TestModels.cacheDir().toString())
                .set(HiertagConfig.BATCH_SIZE, "4")
                .set(HiertagConfig.INPUT_MAX_BYTES, "200000")
                .set(HiertagConfig.INPUT_URI_ALLOWED_DIRS, allowed.toString())
                .build();
        Topics topics = new Topics(config.topicPrefix());
        Map<String, Expected> bad = new LinkedHashMap<>();
        List<String> valid = new java.util.ArrayList<>();
        try (KafkaConnection kafka = KafkaConnection.embedded(dir.resolve("broker"), 0)) {
            // A tags topic that only takes small records, so that one oversized result fails to be written.
            try (Admin admin = TopicAdmin.admin(kafka.bootstrapServers(), Map.of())) {
                TopicAdmin.ensureTopics(admin, List.of(new NewTopic(topics.tags().name(), 3, (short) 1)
                        .configs(Map.of("max.message.bytes", "50000"))), Duration.ofSeconds(30));
            }
            try (TaggingApplication app = TaggingApplication.start(config, kafka.bootstrapServers(),
                    TestModels.testModel(), EncodingProgress.NONE);
                 ImagePublisher pub = new ImagePublisher(config, kafka.bootstrapServers())) {
                int n = 0;
                BufferedImage img = SampleImages.generate(5, 1, 120, 90);
                byte[] jpeg = SampleImages.jpeg(img);
                valid.add(publish(pub, "valid-" + n++, png(img), null));
                bad.put("zero-bytes", new Expected(Stage.DESERIALIZE, "EMPTY_VALUE"));
                pub.publishRaw("zero-bytes", new byte[0]);
                bad.put("random-bytes", new Expected(Stage.DESERIALIZE, "NOT_AN_IMAGE_EVENT"));
                byte[] random = new byte[3000];
                new SplittableRandom(1).nextBytes(random);
                pub.publishRaw("random-bytes", random);
                valid.add(publish(pub, "valid-" + n++, jpeg, null));
                bad.put("truncated-jpeg", new Expected(Stage.DECODE, "UNREADABLE_IMAGE"));
                publish(pub, "truncated-jpeg", Arrays.copyOf(jpeg, jpeg.length / 2), null);
                bad.put("not-avro", new Expected(Stage.DESERIALIZE, "TEXT_VALUE"));
                pub.publishRaw("not-avro", "{\"id\": \"json is not avro\"}".getBytes(StandardCharsets.UTF_8));
                bad.put("other-schema", new Expected(Stage.DESERIALIZE, "NOT_AN_IMAGE_EVENT"));
                pub.publishRaw("other-schema", Topics.DEAD_LETTER.serializer().serialize("t", otherSchemaRecord()));
                valid.add(publish(pub, "valid-" + n++, png(SampleImages.generate(5, 2, 64, 64)), null));
                bad.put("too-many-bytes", new Expected(Stage.DECODE, "TOO_LARGE"));
                publish(pub, "too-many-bytes", Arrays.copyOf(jpeg, 250_000), null);
                bad.put("pixel-bomb", new Expected(Stage.DECODE, "TOO_MANY_PIXELS"));
                publish(pub, "pixel-bomb", SampleImages.pngHeaderClaiming(100_000, 100_000), null);
                valid.add(publish(pub, "gif", encode(img, "gif"), null));
                valid.add(publish(pub, "bmp", encode(img, "bmp"), null));
                bad.put("heic", new Expected(Stage.DECODE, "UNSUPPORTED_FORMAT"));
                publish(pub, "heic", "\0\0\0\24ftypheic\0\0\0\0mif1".getBytes(StandardCharsets.ISO_8859_1), null);
                valid.add(publish(pub, "grey-png", png(SampleImages.grey(img)), null));
                valid.add(publish(pub, "alpha-png", png(SampleImages.withAlpha(img)), null));
                bad.put("unknown-label-set", new Expected(Stage.VALIDATE, "UNKNOWN_LABEL_SET"));
                pub.publish(ImagePublisher.event("unknown-label-set", jpeg, "my-tags", null, Map.of()));
                valid.add(publish(pub, "truth-not-in-set", jpeg, "unicorn"));
                bad.put("missing-id", new Expected(Stage.VALIDATE, "MISSING_ID"));
                pub.publishRaw("missing-id", Topics.IMAGE_EVENT.serializer().serialize("t",
                        ImagePublisher.event("", jpeg, "imagenet-1k", null, Map.of())));
                bad.put("uri-outside", new Expected(Stage.VALIDATE, "URI_NOT_ALLOWED"));
                ImageEvent outside = ImagePublisher.event("uri-outside", jpeg, "imagenet-1k", null, Map.of());
                outside.setImage(null);
                outside.setUri(dir.resolve("outside.png").toUri().toString());
                pub.publish(outside);
                bad.put("result-too-large", new Expected(Stage.PRODUCE, "RECORD_TOO_LARGE"));
                pub.publish(ImagePublisher.event("result-too-large", jpeg, "imagenet-1k", null,
                        Map.of("notes", "x".repeat(60_000))));
                valid.add(publish(pub, "valid-" + n++, jpeg, null));
                pub.flush();

                Map<String, Integer> tagged = new HashMap<>();
                Map<String, TagResult> tags = new HashMap<>();
                Map<String, Integer> deadCount = new HashMap<>();
                Map<String, DeadLetter> dead = new HashMap<>();
                long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
                try (TopicReader tr = new TopicReader(config, kafka.bootstrapServers(), topics.tags().name(), false);
                     TopicReader dr = new TopicReader(config, kafka.bootstrapServers(), topics.deadLetters().name(),
                             false)) {
                    long quietUntil = Long.MAX_VALUE;
                    while (System.nanoTime() < quietUntil) {
                        if (System.nanoTime() > deadline) {
                            fail("timed out: tags " + tags.keySet() + ", dead letters " + dead.keySet());
                        }
                        assertNotEquals(KafkaStreams.State.ERROR, app.state());
                        tr.poll(Duration.ofMillis(200), r -> {
                            TagResult t = Topics.TAG_RESULT.deserializer().deserialize(r.topic(), r.value());
                            tagged.merge(t.getId(), 1, Integer::sum);
                            tags.put(t.getId(), t);
                        });
                        dr.poll(Duration.ofMillis(50), r -> {
                            String key = new String(r.key(), StandardCharsets.UTF_8);
                            deadCount.merge(key, 1, Integer::sum);
                            dead.put(key, Topics.DEAD_LETTER.deserializer().deserialize(r.topic(), r.value()));
                        });
                        if (quietUntil == Long.MAX_VALUE && tagged.size() == valid.size()
                                && dead.size() == bad.size()) {
                            quietUntil = System.nanoTime() + Duration.ofSeconds(3).toNanos();
                        }
                    }
                }
                assertEquals(KafkaStreams.State.RUNNING, app.state(), "the application must still be running");
                assertEquals(Map.copyOf(tagged.keySet().stream().collect(java.util.stream.Collectors.toMap(
                        k -> k, k -> 1))), Map.copyOf(tagged), "each valid image tagged once");
                assertEquals(new java.util.TreeSet<>(valid), new java.util.TreeSet<>(tagged.keySet()));
                assertEquals(bad.keySet(), dead.keySet());
                deadCount.forEach((k, c) -> assertEquals(1, c, k));
                bad.forEach((id, e) -> {
                    DeadLetter d = dead.get(id);
                    assertEquals(e.stage(), d.getStage(), id + ": " + d.getMessage());
                    assertEquals(e.errorType(), d.getErrorType(), id + ": " + d.getMessage());
                    assertTrue(d.getMessage().length() > 20, id + ": " + d.getMessage());
                    assertEquals(topics.images().name(), d.getSourceTopic(), id);
                    assertTrue(d.getSourceOffset() >= 0, id);
                });
                assertEquals(Boolean.FALSE, tags.get("truth-not-in-set").getGroundTruthKnown());
                assertEquals(null, tags.get("truth-not-in-set").getCorrect());
                assertTrue(dead.get("result-too-large").getMessage().contains(topics.tags().name()));
                assertTrue(dead.get("heic").getMessage().startsWith("the image is HEIC/HEIF"),
                        dead.get("heic").getMessage());
            }
        }
    }

    private static String publish(ImagePublisher pub, String id, byte[] image, String truth) {
        pub.publish(ImagePublisher.event(id, image, "imagenet-1k", truth, Map.of()));
        return id;
    }

    private static DeadLetter otherSchemaRecord() {
        return DeadLetter.newBuilder().setStage(Stage.DECODE).setErrorType("X").setMessage("not an image event")
                .setSourceTopic("t").setSourcePartition(0).setSourceOffset(0)
                .setFailedAt(java.time.Instant.now()).build();
    }

    private static byte[] png(BufferedImage img) {
        return SampleImages.png(img);
    }

    private static byte[] encode(BufferedImage img, String format) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(img, format, out);
        return out.toByteArray();
    }
}
