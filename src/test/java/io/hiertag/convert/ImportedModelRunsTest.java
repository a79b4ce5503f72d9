package io.hiertag.convert;

import static io.hiertag.testing.ConsoleCapture.capture;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.hiertag.avro.TagResult;
import io.hiertag.cli.Hiertag;
import io.hiertag.config.HiertagConfig;
import io.hiertag.kafka.ImagePublisher;
import io.hiertag.kafka.KafkaConnection;
import io.hiertag.kafka.TopicReader;
import io.hiertag.kafka.Topics;
import io.hiertag.samples.SampleImages;
import io.hiertag.streams.TaggingApplication;
import io.hiertag.testing.ConsoleCapture.Output;
import io.hiertag.zeroshot.EncodingProgress;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Done-when 3: a folder {@code import-model} wrote is what {@code evaluate} and the running tagger load, like any
 * model folder: here a tiny Hugging Face CLIP, on the household label set (40 classes, so the first start's text
 * embeddings take seconds).
 */
class ImportedModelRunsTest {

    private static final int IMAGES = 6;

    @TempDir
    Path dir;

    @Test
    void evaluateAndRunUseTheImportedFolder() throws Exception {
        CheckpointReference.require(dir);
        Path checkpoint = dir.resolve("checkpoint");
        CheckpointReference.make(dir, checkpoint, Duration.ofMinutes(2), "--format", "hf-clip", "--size", "tiny");
        Path model = dir.resolve("model");
        Output imported = capture(() -> Hiertag.execute("import-model", "--from", checkpoint.toString(), "--out",
                model.toString(), "--name", "tiny-clip"));
        assertEquals(0, imported.code(), imported.text());
        Path household = dir.resolve("household.tsv");
        try (InputStream in = getClass().getResourceAsStream("/hiertag/labels/examples/household.tsv")) {
            Files.copy(in, household);
        }
        for (String label : List.of("sofa", "armchair")) {
            Files.createDirectories(dir.resolve("images/" + label));
            for (int i = 0; i < IMAGES / 2; i++) {
                Files.write(dir.resolve("images/" + label + "/" + i + ".png"),
                        SampleImages.png(SampleImages.generate(label.length(), i, 90, 70)));
            }
        }
        String[] settings = {"--set", "model.dir=" + model, "--set", "label.sets=household=" + household,
            "--set", "cache.dir=" + dir.resolve("cache")};
        Output evaluated = capture(() -> Hiertag.execute(concat(new String[] {"evaluate", "--images",
            dir.resolve("images").toString(), "--label-set", "household", "--out", dir.resolve("report").toString()},
                settings)));
        assertEquals(0, evaluated.code(), evaluated.text());
        assertTrue(evaluated.stdout().contains("on household: " + IMAGES + " images"), evaluated.stdout());
        assertTrue(Files.readString(dir.resolve("report/report.json")).contains("tiny-clip@"));

        HiertagConfig config = HiertagConfig.builder()
                .set(HiertagConfig.MODEL_DIR, model.toString())
                .set(HiertagConfig.LABEL_SETS, "household=" + household)
                .set(HiertagConfig.CACHE_DIR, dir.resolve("cache").toString())
                .set(HiertagConfig.DATA_DIR, dir.resolve("data").toString())
                .set(HiertagConfig.BATCH_SIZE, "4").build();
        try (KafkaConnection kafka = KafkaConnection.embedded(dir.resolve("broker"), 0);
             TaggingApplication app = TaggingApplication.start(config, kafka.bootstrapServers(), model,
                     EncodingProgress.NONE)) {
            assertTrue(app.awaitRunning(Duration.ofSeconds(60)), "state " + app.state());
            try (ImagePublisher pub = new ImagePublisher(config, kafka.bootstrapServers())) {
                for (int i = 0; i < IMAGES; i++) {
                    pub.publish(ImagePublisher.event("img-" + i, SampleImages.jpeg(SampleImages.generate(9, i, 120,
                            80)), "household", null, Map.of()));
                }
                pub.flush();
            }
            Map<String, TagResult> tags = new HashMap<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
            try (TopicReader reader = new TopicReader(config, kafka.bootstrapServers(),
                    new Topics(config.topicPrefix()).tags().name(), false)) {
                while (tags.size() < IMAGES) {
                    if (System.nanoTime() > deadline) {
                        fail("timed out with " + tags.size() + " tags");
                    }
                    reader.poll(Duration.ofMillis(200), r -> {
                        TagResult t = Topics.TAG_RESULT.deserializer().deserialize(r.topic(), r.value());
                        tags.put(t.getId(), t);
                    });
                }
            }
            assertTrue(tags.values().stream().allMatch(t -> t.getModelId().startsWith("tiny-clip@")
                    && t.getLabelSet().equals("household")), tags.toString());
        }
    }

    private static String[] concat(String[] a, String[] b) {
        String[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
