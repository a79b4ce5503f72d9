package io.hiertag.streams;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hiertag.avro.Candidate;
import io.hiertag.avro.ImageEvent;
import io.hiertag.avro.Route;
import io.hiertag.avro.TagResult;
import io.hiertag.config.HiertagConfig;
import io.hiertag.eval.EvaluationReport;
import io.hiertag.eval.EvaluationRun;
import io.hiertag.eval.LabelledImages;
import io.hiertag.image.ImageDecoder;
import io.hiertag.image.ImageFetcher;
import io.hiertag.image.ImageLoader;
import io.hiertag.kafka.ImagePublisher;
import io.hiertag.kafka.Topics;
import io.hiertag.labels.LabelSet;
import io.hiertag.model.SavedModelDualEncoder;
import io.hiertag.model.TensorFlowJpegPngDecoder;
import io.hiertag.ops.Telemetry;
import io.hiertag.samples.SampleImages;
import io.hiertag.tagging.BatchEmbedder;
import io.hiertag.zeroshot.EncodingProgress;
import io.hiertag.zeroshot.LabelSetModel;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One implementation, two entry points: the same labelled images go through the topology and through
 * {@code evaluate}, and every per-image decision in the evaluation's dump equals the stream's {@link TagResult}.
 */
class EvaluationMatchesStreamTest {

    private static final int IMAGES_PER_CLASS = 8;
    /** Folder names: three wnids and three class names, as users lay out their folders. */
    private static final List<String> CLASSES = List.of("n01443537", "n02085620", "n03000134", "goldfish",
            "tabby cat", "tennis ball");

    @TempDir
    Path work;

    @Test
    void everyDecisionOfTheEvaluationEqualsTheStreamsTag() throws IOException {
        Path images = work.resolve("images");
        Map<String, String> labelOf = writeImages(images);
        Files.createDirectories(images.resolve("not-a-class"));
        Files.write(images.resolve("not-a-class/x.png"), SampleImages.png(SampleImages.generate(3, 3, 40, 40)));
        Files.write(images.resolve("goldfish/broken.jpg"), new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, 1});

        HiertagConfig config = HiertagConfig.builder().set("batch.size", "8")
                .set("cache.dir", TestModels.cacheDir().toString()).build();
        Path dump = work.resolve("dump");
        EvaluationReport report = EvaluationRun.run(config, TestModels.testModel(),
                LabelledImages.fromFolders(images),
                new EvaluationRun.Options(LabelSet.IMAGENET_1K, images.toString(), work.resolve("report"), dump),
                EncodingProgress.NONE, EncodingProgress.NONE);
        assertEquals(labelOf.size(), report.setup().images());
        assertEquals(2, report.setup().skipped(), "an unknown label and an unreadable file are skipped");
        assertTrue(report.setup().skips().stream().anyMatch(s -> s.reason().contains("not-a-class")));

        Map<String, TagResult> tags = stream(config, images, labelOf);
        List<String> lines = Files.readAllLines(dump.resolve("images.csv"), StandardCharsets.UTF_8);
        List<String> header = LabelledImages.csvFields(lines.get(0));
        int uncertain = 0;
        int changed = 0;
        for (String line : lines.subList(1, lines.size())) {
            List<String> f = LabelledImages.csvFields(line);
            Map<String, String> row = new HashMap<>();
            for (int i = 0; i < header.size(); i++) {
                row.put(header.get(i), f.get(i));
            }
            TagResult tag = tags.get(Path.of(row.get("path")).getFileName().toString());
            String id = tag.getId();
            boolean rowUncertain = Boolean.parseBoolean(row.get("uncertain"));
            assertEquals(rowUncertain ? Route.RESCORED : Route.CONFIDENT, tag.getRoute(), id);
            assertEquals(Integer.parseInt(row.get("final_label")), tag.getLabel().getIndex(), id);
            assertEquals(Integer.parseInt(row.get("pred_name")), tag.getFirstPassLabel().getIndex(), id);
            assertEquals(Integer.parseInt(row.get("truth")), LabelSet.imagenet1k()
                    .find(tag.getGroundTruth()).orElseThrow().index(), id);
            assertEquals(Boolean.parseBoolean(row.get("text_agreement")), tag.getConsistency().getTextAgreement());
            assertEquals(Boolean.parseBoolean(row.get("flip_agreement")), tag.getConsistency().getFlipAgreement());
            assertEquals(Float.parseFloat(row.get("s_t")), tag.getConsistency().getTemplateAgreement(), id);
            List<Candidate> candidates = tag.getCandidates();
            assertEquals(row.get("top5"), candidates.stream().map(c -> Integer.toString(c.getLabel().getIndex()))
                    .collect(Collectors.joining(" ")), id);
            float[] scores = floats(row.get("top5_scores"));
            for (int k = 0; k < candidates.size(); k++) {
                assertEquals(scores[k], candidates.get(k).getFirstPassScore(), 1e-6f, id);
            }
            if (rowUncertain) {
                uncertain++;
                changed += tag.getChanged() ? 1 : 0;
                float[] rescored = floats(row.get("final_rescore_scores"));
                List<String> prompts = Arrays.asList(row.get("final_winning_prompts").split("\\|"));
                for (int k = 0; k < candidates.size(); k++) {
                    assertEquals(rescored[k], candidates.get(k).getRescoreScore(), 1e-6f, id);
                    assertEquals(prompts.get(k), candidates.get(k).getWinningPrompt(), id);
                }
                assertEquals(Integer.parseInt(row.get("rescored_name")), tag.getLabel().getIndex(), id);
            }
            assertEquals(tag.getCorrect(), tag.getLabel().getIndex() == Integer.parseInt(row.get("truth")), id);
        }
        assertEquals(labelOf.size(), lines.size() - 1);
        assertEquals(report.setup().uncertainImages(), uncertain);
        assertTrue(uncertain > 0 && uncertain < labelOf.size(), "both routes are exercised: " + uncertain);
        assertTrue(changed > 0, "rescoring changes some labels");
    }

    /** Writes the labelled images, PNG and JPEG of varied sizes; returns file name → folder label. */
    private static Map<String, String> writeImages(Path root) throws IOException {
        Map<String, String> labelOf = new HashMap<>();
        for (int c = 0; c < CLASSES.size(); c++) {
            Path dir = Files.createDirectories(root.resolve(CLASSES.get(c)));
            for (int i = 0; i < IMAGES_PER_CLASS; i++) {
                int n = c * IMAGES_PER_CLASS + i;
                BufferedImage img = SampleImages.generate(11, n, 60 + 7 * i, 50 + 5 * c);
                String file = "img-" + n + (n % 2 == 0 ? ".png" : ".jpg");
                Files.write(dir.resolve(file), n % 2 == 0 ? SampleImages.png(img) : SampleImages.jpeg(img));
                labelOf.put(file, CLASSES.get(c));
            }
        }
        return labelOf;
    }

    /** The same files, in the evaluation's order, through the topology with the same batch size. */
    private Map<String, TagResult> stream(HiertagConfig config, Path images, Map<String, String> labelOf)
            throws IOException {
        Topics topics = new Topics("hiertag.");
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, "evaluation-equality");
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        p.put(StreamsConfig.STATE_DIR_CONFIG, work.resolve("state").toString());
        Instant t0 = Instant.parse("2026-11-26T10:00:00Z");
        try (SavedModelDualEncoder encoder = SavedModelDualEncoder.open(TestModels.testModel())) {
            Map<String, LabelSetModel> labelSets = TestModels.imagenet(encoder);
            ImageLoader loader = new ImageLoader(new ImageDecoder(config.inputMaxBytes(), config.inputMaxPixels(),
                    TensorFlowJpegPngDecoder.instance()),
                    new ImageFetcher(List.of(), Set.of(), config.inputMaxBytes(), Duration.ofSeconds(1)));
            Outputs outputs = new Outputs(topics, config.maxRecordBytes(), config.maxRecordBytes(), encoder.modelId(),
                    Telemetry.none().meters());
            try (BatchEmbedder embedder = new BatchEmbedder(encoder, true);
                    TopologyTestDriver driver = new TopologyTestDriver(
                            TestTopologies.build(config, embedder, loader, labelSets, outputs), p, t0)) {
                TestInputTopic<String, byte[]> in = driver.createInputTopic(topics.images().name(), new StringSerializer(),
                        new ByteArraySerializer());
                TestOutputTopic<String, TagResult> out = driver.createOutputTopic(topics.tags().name(),
                        new StringDeserializer(), Topics.TAG_RESULT.deserializer());
                for (LabelledImages.Entry e : LabelledImages.fromFolders(images)) {
                    String id = e.path().getFileName().toString();
                    if (!labelOf.containsKey(id)) {
                        continue;
                    }
                    ImageEvent event = ImagePublisher.event(id, Files.readAllBytes(e.path()), LabelSet.IMAGENET_1K,
                            e.label(), Map.of());
                    in.pipeInput(id, Topics.IMAGE_EVENT.serializer().serialize(topics.images().name(), event), t0);
                }
                driver.advanceWallClockTime(Duration.ofSeconds(5));
                return out.readValuesToList().stream().collect(Collectors.toMap(TagResult::getId, t -> t));
            } finally {
                labelSets.values().forEach(LabelSetModel::close);
            }
        }
    }

    private static float[] floats(String spaceSeparated) {
        String[] parts = spaceSeparated.split(" ");
        float[] out = new float[parts.length];
        for (int i = 0; i < parts.length; i++) {
            out[i] = Float.parseFloat(parts[i]);
        }
        return out;
    }
}
