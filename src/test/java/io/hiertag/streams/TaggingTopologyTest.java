package io.hiertag.streams;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hiertag.PilCorpus;
import io.hiertag.avro.Candidate;
import io.hiertag.avro.DeadLetter;
import io.hiertag.avro.ImageEvent;
import io.hiertag.avro.PendingImage;
import io.hiertag.avro.Route;
import io.hiertag.avro.Stage;
import io.hiertag.avro.TagResult;
import io.hiertag.config.HiertagConfig;
import io.hiertag.image.ImageDecoder;
import io.hiertag.image.ImageFetcher;
import io.hiertag.image.ImageLoader;
import io.hiertag.kafka.ImagePublisher;
import io.hiertag.kafka.Topics;
import io.hiertag.model.SavedModelDualEncoder;
import io.hiertag.model.TensorFlowJpegPngDecoder;
import io.hiertag.ops.Telemetry;
import io.hiertag.samples.SampleImages;
import io.hiertag.tagging.BatchEmbedder;
import io.hiertag.tagging.FirstPassOutcome;
import io.hiertag.tagging.FirstPassTagger;
import io.hiertag.zeroshot.LabelSetModel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Routing, batching and dead letters of the topology, with the real test model and no broker. */
class TaggingTopologyTest {

    private static SavedModelDualEncoder encoder;
    private static Map<String, LabelSetModel> labelSets;
    private static BatchEmbedder embedder;
    private static ImageLoader loader;
    private static Path allowedDir;

    @TempDir
    Path stateDir;

    private TopologyTestDriver driver;
    private TestInputTopic<String, byte[]> images;
    private TestOutputTopic<String, TagResult> tags;
    private TestOutputTopic<byte[], DeadLetter> deadLetters;
    private final Topics topics = new Topics("hiertag.");
    private final Instant t0 = Instant.parse("2026-11-20T10:00:00Z");
    private long tagsMaxBytes = 1 << 20;
    private String rawImages = "true";

    @BeforeAll
    static void loadModel() {
        encoder = SavedModelDualEncoder.open(TestModels.testModel());
        labelSets = TestModels.imagenet(encoder);
        try {
            allowedDir = Files.createTempDirectory("hiertag-allowed-");
            Files.write(allowedDir.resolve("ok.png"), png(4));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        loader = new ImageLoader(new ImageDecoder(200_000, 10_000_000, TensorFlowJpegPngDecoder.instance()),
                new ImageFetcher(List.of(allowedDir), Set.of(), 200_000, Duration.ofSeconds(2)));
        embedder = new BatchEmbedder(encoder, true);
    }

    @AfterAll
    static void closeModel() {
        embedder.close();
        labelSets.values().forEach(LabelSetModel::close);
        encoder.close();
    }

    @AfterEach
    void closeDriver() {
        if (driver != null) {
            driver.close();
        }
    }

    private void start(int batchSize) {
        start(batchSize, null);
    }

    private void start(int batchSize, Function<List<ImageEvent>, List<FirstPassOutcome>> firstPass) {
        start(batchSize, firstPass, null);
    }

    /**
     * @param firstPass the first pass to run, or null for the real tagger
     * @param background where batches run ({@code batch.pipeline}), or null for the driver's thread
     */
    private void start(int batchSize, Function<List<ImageEvent>, List<FirstPassOutcome>> firstPass,
            Executor background) {
        HiertagConfig config = HiertagConfig.builder().set("batch.size", Integer.toString(batchSize))
                .set("batch.max-delay", "500ms").set(HiertagConfig.INPUT_RAW_IMAGES, rawImages).build();
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, "topology-test");
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        Outputs outputs = new Outputs(topics, tagsMaxBytes, config.maxRecordBytes(), encoder.modelId(),
                Telemetry.none().meters());
        Function<List<ImageEvent>, List<FirstPassOutcome>> tagger = firstPass != null ? firstPass
                : new FirstPassTagger(embedder, loader, labelSets, Clock.systemUTC())::tag;
        driver = new TopologyTestDriver(TestTopologies.build(config, tagger, loader, labelSets, outputs, background),
                p, t0);
        images = driver.createInputTopic(topics.images().name(), new org.apache.kafka.common.serialization.StringSerializer(),
                new ByteArraySerializer());
        tags = driver.createOutputTopic(topics.tags().name(), new StringDeserializer(), Topics.TAG_RESULT.deserializer());
        deadLetters = driver.createOutputTopic(topics.deadLetters().name(), new ByteArrayDeserializer(),
                Topics.DEAD_LETTER.deserializer());
    }

    private static byte[] event(String id, byte[] image, String labelSet, String truth) {
        ImageEvent e = ImagePublisher.event(id, image, labelSet, truth, Map.of("source", "test"));
        return Topics.IMAGE_EVENT.serializer().serialize("hiertag.images", e);
    }

    private static byte[] png(int n) {
        return SampleImages.png(SampleImages.generate(7, n, 90 + n, 70));
    }

    @Test
    void aFullBatchIsTaggedInInputOrderWithInputTimestamps() {
        start(4);
        for (int i = 0; i < 3; i++) {
            images.pipeInput("img-" + i, event("img-" + i, png(i), "imagenet-1k", null), t0.plusSeconds(i));
        }
        assertTrue(tags.isEmpty(), "three of four records wait in the buffer");
        images.pipeInput("img-3", event("img-3", png(3), "imagenet-1k", null), t0.plusSeconds(3));
        List<TestRecord<String, TagResult>> out = tags.readRecordsToList();
        assertEquals(List.of("img-0", "img-1", "img-2", "img-3"), out.stream().map(TestRecord::key).toList());
        for (int i = 0; i < 4; i++) {
            TagResult t = out.get(i).value();
            assertEquals(t0.plusSeconds(i), out.get(i).getRecordTime());
            assertWellFormed(t);
            assertEquals(encoder.modelId(), t.getModelId());
            assertEquals(Map.of("source", "test"), t.getAttributes());
            for (int k = 1; k < 5; k++) {
                assertTrue(t.getCandidates().get(k - 1).getFirstPassScore()
                        >= t.getCandidates().get(k).getFirstPassScore());
            }
        }
    }

    /**
     * batch.pipeline: a started batch runs in the background while the next fills and starts too; a third waits
     * for the oldest; outputs go out in input order, by the next record or punctuation.
     */
    @Test
    void pipelinedBatchesRunWhileTheNextFillAndGoOutInInputOrder() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger started = new AtomicInteger();
        Function<List<ImageEvent>, List<FirstPassOutcome>> real =
                new FirstPassTagger(embedder, loader, labelSets, Clock.systemUTC())::tag;
        ExecutorService background = Executors.newFixedThreadPool(FirstPassProcessor.MAX_IN_FLIGHT);
        try {
            start(2, events -> {
                if (started.incrementAndGet() == 1) {
                    await(release); // the model is still on the first batch
                }
                return real.apply(events);
            }, background);
            for (String id : List.of("a0", "a1", "b0", "b1")) {
                images.pipeInput(id, event(id, png(id.hashCode() & 7), "imagenet-1k", null), t0);
            }
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (started.get() < 2 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertEquals(2, started.get(), "the second batch started while the first still ran");
            assertTrue(tags.isEmpty(), "nothing is forwarded before the first batch is done");

            // A third batch waits for the oldest, which is released meanwhile, and forwards it on the way.
            Thread releaser = new Thread(() -> {
                try {
                    Thread.sleep(300);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                release.countDown();
            });
            releaser.setDaemon(true);
            releaser.start();
            images.pipeInput("c0", event("c0", png(3), "imagenet-1k", null), t0);
            images.pipeInput("c1", event("c1", png(4), "imagenet-1k", null), t0);
            assertEquals(List.of("a0", "a1"), tags.readKeyValuesToList().subList(0, 2).stream().map(kv -> kv.key)
                    .toList());
            List<String> rest = new ArrayList<>();
            while (rest.size() < 4 && System.nanoTime() < deadline) {
                driver.advanceWallClockTime(Duration.ofMillis(150)); // punctuation forwards finished batches
                tags.readKeyValuesToList().forEach(kv -> rest.add(kv.key));
            }
            assertEquals(List.of("b0", "b1", "c0", "c1"), rest);
        } finally {
            release.countDown();
            closeDriver();
            driver = null;
            background.shutdown();
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            assertTrue(latch.await(30, TimeUnit.SECONDS));
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void aPartialBatchIsFlushedWhenTheWallClockDelayPasses() {
        start(32);
        images.pipeInput("a", event("a", png(1), "imagenet-1k", null), t0);
        images.pipeInput("b", event("b", png(2), "imagenet-1k", null), t0);
        assertTrue(tags.isEmpty());
        driver.advanceWallClockTime(Duration.ofMillis(600));
        assertEquals(List.of("a", "b"), tags.readKeyValuesToList().stream().map(kv -> kv.key).toList());
    }

    @Test
    void aPartialBatchWaitsUntilItsOldestRecordIsMaxDelayOld() {
        // A punctuator that flushed whatever waits, every 500 ms, would send "a" after 100 ms, alone: after a slow
        // batch it is always overdue, and the next record would go out as a batch of one.
        start(32);
        driver.advanceWallClockTime(Duration.ofMillis(400));
        images.pipeInput("a", event("a", png(1), "imagenet-1k", null), t0);
        driver.advanceWallClockTime(Duration.ofMillis(150));
        assertTrue(tags.isEmpty(), "flushed before the oldest record waited 500 ms");
        images.pipeInput("b", event("b", png(2), "imagenet-1k", null), t0);
        driver.advanceWallClockTime(Duration.ofMillis(500));
        assertEquals(List.of("a", "b"), tags.readKeyValuesToList().stream().map(kv -> kv.key).toList());
    }

    @Test
    void theSameImageGetsTheSameTagAloneOrInABatch() {
        start(1);
        images.pipeInput("alone", event("alone", png(5), "imagenet-1k", null), t0);
        TagResult alone = tags.readValue();
        closeDriver();
        start(3);
        images.pipeInput("x", event("x", png(8), "imagenet-1k", null), t0);
        images.pipeInput("batched", event("batched", png(5), "imagenet-1k", null), t0);
        images.pipeInput("y", event("y", png(9), "imagenet-1k", null), t0);
        TagResult batched = tags.readRecordsToList().get(1).value();
        assertEquals(alone.getLabel(), batched.getLabel());
        assertEquals(alone.getScore(), batched.getScore(), 1e-5f);
    }

    @Test
    void groundTruthIsComparedWithTheLabel() {
        start(1);
        images.pipeInput("g", event("g", png(1), "imagenet-1k", "n01440764"), t0);
        TagResult t = tags.readValue();
        assertEquals(Boolean.TRUE, t.getGroundTruthKnown());
        assertEquals(t.getLabel().getWnid().equals("n01440764"), t.getCorrect());
        images.pipeInput("h", event("h", png(1), "imagenet-1k", "not a class"), t0);
        TagResult unknownTruth = tags.readValue();
        assertEquals(Boolean.FALSE, unknownTruth.getGroundTruthKnown());
        assertNull(unknownTruth.getCorrect());
        images.pipeInput("i", event("i", png(1), "imagenet-1k", null), t0);
        assertNull(tags.readValue().getCorrect());
    }

    @Test
    void eachKindOfBadInputBecomesOneDeadLetterAndTheGoodOnesAreStillTagged() {
        start(3);
        byte[] jpeg = SampleImages.jpeg(SampleImages.generate(7, 50, 120, 90));
        byte[] notAvro = "plain text".getBytes();
        ImageEvent uri = ImagePublisher.event("by-uri", png(1), "imagenet-1k", null, Map.of());
        uri.setImage(null);
        uri.setUri("file:///etc/passwd");
        ImageEvent allowedUri = ImagePublisher.event("allowed-uri", png(1), "imagenet-1k", null, Map.of());
        allowedUri.setImage(null);
        allowedUri.setUri(allowedDir.resolve("ok.png").toUri().toString());
        ImageEvent escaping = ImagePublisher.event("escaping-uri", png(1), "imagenet-1k", null, Map.of());
        escaping.setImage(null);
        escaping.setUri(allowedDir.toUri() + "../../etc/passwd");
        ImageEvent both = ImagePublisher.event("both", png(1), "imagenet-1k", null, Map.of());
        both.setUri(allowedDir.resolve("ok.png").toUri().toString());
        ImageEvent noImage = ImagePublisher.event("no-image", png(1), "imagenet-1k", null, Map.of());
        noImage.setImage(null);

        images.pipeInput("good-1", event("good-1", png(1), "imagenet-1k", null), t0);
        images.pipeInput("not-avro", notAvro, t0);
        images.pipeInput("empty-value", new byte[0], t0);
        images.pipeInput("missing-id", event("", png(2), "imagenet-1k", null), t0);
        images.pipeInput("unknown-set", event("unknown-set", png(2), "my-vocabulary", null), t0);
        images.pipeInput("heic", event("heic", "\0\0\0\24ftypheic\0\0\0\0mif1".getBytes(StandardCharsets.ISO_8859_1),
                "imagenet-1k", null), t0);
        images.pipeInput("empty-image", event("empty-image", new byte[0], "imagenet-1k", null), t0);
        images.pipeInput("too-big", event("too-big", new byte[200_001], "imagenet-1k", null), t0);
        images.pipeInput("by-uri", Topics.IMAGE_EVENT.serializer().serialize("t", uri), t0);
        images.pipeInput("no-image", Topics.IMAGE_EVENT.serializer().serialize("t", noImage), t0);
        images.pipeInput("allowed-uri", Topics.IMAGE_EVENT.serializer().serialize("t", allowedUri), t0);
        images.pipeInput("escaping-uri", Topics.IMAGE_EVENT.serializer().serialize("t", escaping), t0);
        images.pipeInput("both", Topics.IMAGE_EVENT.serializer().serialize("t", both), t0);
        images.pipeInput("truncated", event("truncated", Arrays.copyOf(jpeg, jpeg.length / 2), "imagenet-1k", null),
                t0);
        images.pipeInput("good-2", event("good-2", jpeg, "imagenet-1k", null), t0);
        driver.advanceWallClockTime(Duration.ofSeconds(1));

        assertEquals(List.of("good-1", "allowed-uri", "good-2"),
                tags.readKeyValuesToList().stream().map(kv -> kv.key).toList());
        Map<String, DeadLetter> byKey = new java.util.LinkedHashMap<>();
        deadLetters.readKeyValuesToList().forEach(kv -> byKey.put(new String(kv.key), kv.value));
        assertEquals(List.of("not-avro", "empty-value", "missing-id", "unknown-set", "heic", "empty-image", "too-big",
                "by-uri", "no-image", "escaping-uri", "both", "truncated"), List.copyOf(byKey.keySet()));
        assertDead(byKey.get("not-avro"), Stage.DESERIALIZE, "TEXT_VALUE");
        assertArrayEquals(notAvro, bytes(byKey.get("not-avro").getOriginalValue()));
        assertDead(byKey.get("empty-value"), Stage.DESERIALIZE, "EMPTY_VALUE");
        assertDead(byKey.get("missing-id"), Stage.VALIDATE, "MISSING_ID");
        assertDead(byKey.get("unknown-set"), Stage.VALIDATE, "UNKNOWN_LABEL_SET");
        assertTrue(byKey.get("unknown-set").getMessage().contains("'my-vocabulary'"));
        assertDead(byKey.get("heic"), Stage.DECODE, "UNSUPPORTED_FORMAT");
        assertTrue(byKey.get("heic").getMessage().startsWith("the image is HEIC/HEIF"),
                byKey.get("heic").getMessage());
        assertDead(byKey.get("empty-image"), Stage.DECODE, "EMPTY_IMAGE");
        assertDead(byKey.get("too-big"), Stage.DECODE, "TOO_LARGE");
        assertDead(byKey.get("by-uri"), Stage.VALIDATE, "URI_NOT_ALLOWED");
        assertDead(byKey.get("no-image"), Stage.VALIDATE, "NO_IMAGE");
        assertDead(byKey.get("escaping-uri"), Stage.VALIDATE, "URI_NOT_ALLOWED");
        assertDead(byKey.get("both"), Stage.VALIDATE, "IMAGE_AND_URI");
        assertEquals("imagenet-1k", byKey.get("both").getLabelSet());
        assertEquals(encoder.modelId(), byKey.get("both").getModelId());
        DeadLetter truncated = byKey.get("truncated");
        assertDead(truncated, Stage.DECODE, "UNREADABLE_IMAGE");
        assertEquals("truncated", truncated.getImageId());
        assertEquals(topics.images().name(), truncated.getSourceTopic());
        assertEquals(13, truncated.getSourceOffset());
        assertNotNull(truncated.getOriginalValue());
    }

    @Test
    void anImageFilePublishedAsItIsIsTaggedWithItsKeyAsIdAndItsHeaders() {
        start(2);
        byte[] jpeg = SampleImages.jpeg(SampleImages.generate(7, 51, 120, 90));
        images.pipeInput(new TestRecord<>("raw-jpeg", jpeg, new RecordHeaders()
                .add("hiertag.label-set", utf8("imagenet-1k")).add("hiertag.ground-truth", utf8("n01440764"))
                .add("hiertag.attr.camera", utf8("north gate")).add("hiertag.attr.empty", null)
                .add("other-header", utf8("not ours")), t0));
        images.pipeInput(new TestRecord<>("raw-png", png(3), new RecordHeaders(), t0.plusSeconds(1)));
        List<TestRecord<String, TagResult>> out = tags.readRecordsToList();
        assertEquals(List.of("raw-jpeg", "raw-png"), out.stream().map(TestRecord::key).toList());
        TagResult jpegTag = out.get(0).value();
        assertWellFormed(jpegTag);
        assertEquals("raw-jpeg", jpegTag.getId());
        assertEquals("n01440764", jpegTag.getGroundTruth());
        assertEquals(Boolean.TRUE, jpegTag.getGroundTruthKnown());
        assertEquals(Map.of("camera", "north gate", "empty", ""), jpegTag.getAttributes());
        assertEquals(t0, jpegTag.getPublishedAt(), "the record's timestamp is the time it was published");
        TagResult pngTag = out.get(1).value();
        assertEquals("imagenet-1k", pngTag.getLabelSet(), "the ImageEvent default without a header");
        assertEquals(Map.of(), pngTag.getAttributes());
        assertNull(pngTag.getGroundTruth());
        assertTrue(deadLetters.isEmpty());
    }

    @Test
    void rawImageMistakesAndForeignFormatsGetTheirOwnDeadLetters() {
        start(4);
        byte[] jpeg = SampleImages.jpeg(SampleImages.generate(7, 52, 120, 90));
        byte[] registry = new byte[] {0, 0, 0, 0, 42, 8, 'i', 'd', '-', '1'};
        images.pipeInput(new TestRecord<>((String) null, jpeg, new RecordHeaders(), t0));
        images.pipeInput(new TestRecord<>("typo", jpeg, new RecordHeaders().add("hiertag.labelset", utf8("x")), t0));
        images.pipeInput(new TestRecord<>("twice", jpeg, new RecordHeaders().add("hiertag.label-set",
                utf8("imagenet-1k")).add("hiertag.label-set", utf8("household")), t0));
        images.pipeInput(new TestRecord<>("latin-1", jpeg, new RecordHeaders().add("hiertag.attr.place",
                new byte[] {'M', (byte) 0xFC, 'n'}), t0));
        images.pipeInput(new TestRecord<>("unknown-set", jpeg, new RecordHeaders().add("hiertag.label-set",
                utf8("my-vocabulary")), t0));
        images.pipeInput("registry", registry, t0);
        images.pipeInput("line", utf8("a line of a file"), t0);
        images.pipeInput("json", utf8("{\"id\": \"x\", \"image\": \"...\"}"), t0);
        images.pipeInput("cut", Arrays.copyOf(jpeg, 40), t0);
        driver.advanceWallClockTime(Duration.ofSeconds(1));

        assertTrue(tags.isEmpty());
        List<TestRecord<byte[], DeadLetter>> out = deadLetters.readRecordsToList();
        Map<String, DeadLetter> byKey = new java.util.LinkedHashMap<>();
        out.forEach(r -> byKey.put(r.key() == null ? "(no key)" : new String(r.key(), StandardCharsets.UTF_8),
                r.value()));
        assertEquals(List.of("(no key)", "typo", "twice", "latin-1", "unknown-set", "registry", "line", "json", "cut"),
                List.copyOf(byKey.keySet()));
        assertDead(byKey.get("cut"), Stage.DECODE, "UNREADABLE_IMAGE");
        assertTrue(byKey.get("cut").getMessage().contains("If this is the first line of a file, a tool that makes a "
                + "record of each line it reads (kcat -P < file"), byKey.get("cut").getMessage());
        assertDead(byKey.get("(no key)"), Stage.VALIDATE, "MISSING_ID");
        assertTrue(byKey.get("(no key)").getMessage().startsWith("the value is a JPEG image file and the record "
                + "has no key"), byKey.get("(no key)").getMessage());
        assertDead(byKey.get("typo"), Stage.VALIDATE, "INVALID_HEADER");
        assertTrue(byKey.get("typo").getMessage().contains("header hiertag.labelset is not one hiertag reads"),
                byKey.get("typo").getMessage());
        assertDead(byKey.get("twice"), Stage.VALIDATE, "INVALID_HEADER");
        assertDead(byKey.get("latin-1"), Stage.VALIDATE, "INVALID_HEADER");
        assertTrue(byKey.get("latin-1").getMessage().contains("hiertag.attr.place is not UTF-8"));
        assertDead(byKey.get("unknown-set"), Stage.VALIDATE, "UNKNOWN_LABEL_SET");
        assertEquals("unknown-set", byKey.get("unknown-set").getImageId());
        assertEquals("my-vocabulary", byKey.get("unknown-set").getLabelSet());
        assertArrayEquals(jpeg, bytes(byKey.get("unknown-set").getOriginalValue()), "the bytes as they came");
        assertDead(byKey.get("registry"), Stage.DESERIALIZE, "SCHEMA_REGISTRY_FORMAT");
        assertTrue(byKey.get("registry").getMessage().contains("schema id 42"), byKey.get("registry").getMessage());
        assertDead(byKey.get("line"), Stage.DESERIALIZE, "TEXT_VALUE");
        assertTrue(byKey.get("line").getMessage().contains("kcat -P < file"), byKey.get("line").getMessage());
        assertDead(byKey.get("json"), Stage.DESERIALIZE, "TEXT_VALUE");
        assertTrue(byKey.get("json").getMessage().contains("hiertag reads no JSON"));

        // A raw image's dead letter carries its hiertag.* headers, so it can be replayed as it was published.
        TestRecord<byte[], DeadLetter> unknownSet = out.get(4);
        assertArrayEquals(utf8("my-vocabulary"), unknownSet.headers().lastHeader("hiertag.label-set").value());
        assertNotNull(unknownSet.headers().lastHeader(SourceHeader.NAME));
    }

    @Test
    void rawImagesAreRefusedByNameWhenTurnedOff() {
        rawImages = "false";
        start(1);
        images.pipeInput("raw", png(2), t0);
        images.pipeInput("event", event("event", png(2), "imagenet-1k", null), t0);
        assertEquals(List.of("event"), tags.readKeyValuesToList().stream().map(kv -> kv.key).toList());
        DeadLetter d = deadLetters.readValue();
        assertDead(d, Stage.DESERIALIZE, "RAW_IMAGE_REFUSED");
        assertTrue(d.getMessage().startsWith("the value is a PNG image file, and this instance takes only "
                + "ImageEvents (input.raw-images=false)"), d.getMessage());
    }

    /** Real files of every accepted format (PIL writes them) are tagged; others are refused by the name of theirs. */
    @Test
    void everyAcceptedFormatIsTaggedAndOtherFormatsAreDeadLetteredByName(@TempDir Path dir) throws Exception {
        Path corpus = PilCorpus.write(dir);
        List<String> accepted = List.of("baseline.jpg", "progressive.jpg", "cmyk-adobe.jpg", "ycck.jpg", "rgba.png",
                "grey16.png", "palette.png", "transparent.gif", "palette.bmp", "lzw.tif", "cmyk.tif", "lossy.webp",
                "lossless-alpha.webp");
        Map<String, String> refused = Map.of("image.heic", "HEIC/HEIF", "image.avif", "AVIF", "image.svg", "SVG",
                "image.jp2", "JPEG 2000", "image.pdf", "PDF");
        start(32);
        for (String name : accepted) {
            images.pipeInput(name, event(name, Files.readAllBytes(corpus.resolve(name)), "imagenet-1k", null), t0);
        }
        for (String name : refused.keySet()) {
            images.pipeInput(name, event(name, Files.readAllBytes(corpus.resolve(name)), "imagenet-1k", null), t0);
        }
        driver.advanceWallClockTime(Duration.ofSeconds(1));

        List<TestRecord<String, TagResult>> tagged = tags.readRecordsToList();
        assertEquals(accepted, tagged.stream().map(TestRecord::key).toList());
        tagged.forEach(t -> assertWellFormed(t.value()));
        Map<String, DeadLetter> dead = new java.util.HashMap<>();
        deadLetters.readKeyValuesToList().forEach(kv -> dead.put(new String(kv.key, StandardCharsets.UTF_8), kv.value));
        assertEquals(refused.keySet(), dead.keySet());
        refused.forEach((name, format) -> {
            DeadLetter d = dead.get(name);
            assertDead(d, Stage.DECODE, "UNSUPPORTED_FORMAT");
            assertTrue(d.getMessage().startsWith("the image is " + format + " "), d.getMessage());
        });
    }

    @Test
    void aTagTooLargeForItsTopicBecomesAProduceDeadLetterAndTheNextImageIsTagged() {
        tagsMaxBytes = 8 * 1024;
        start(2);
        ImageEvent big = ImagePublisher.event("big", png(1), "imagenet-1k", null, Map.of("notes", "x".repeat(9000)));
        images.pipeInput("big", Topics.IMAGE_EVENT.serializer().serialize("t", big), t0);
        images.pipeInput("small", event("small", png(2), "imagenet-1k", null), t0);
        assertEquals(List.of("small"), tags.readKeyValuesToList().stream().map(kv -> kv.key).toList());
        DeadLetter d = deadLetters.readValue();
        assertDead(d, Stage.PRODUCE, "RECORD_TOO_LARGE");
        assertEquals("big", d.getImageId());
        assertTrue(d.getMessage().contains("hiertag.tags"), d.getMessage());
        assertNotNull(d.getOriginalValue(), "the input still fits the dead-letter topic");
    }

    /**
     * A first pass that throws (a bug on a decoding thread, say) forwards nothing, so its whole batch becomes dead
     * letters, once, and leaves the buffer: later punctuations and records do not run the failed batch again, and
     * the next batch is tagged as usual.
     */
    @Test
    void aFlushThatThrowsDeadLettersItsWholeBatchOnceAndEmptiesTheBuffer() {
        FirstPassTagger real = new FirstPassTagger(embedder, loader, labelSets, Clock.systemUTC());
        AtomicInteger calls = new AtomicInteger();
        start(4, events -> {
            if (calls.incrementAndGet() == 1) {
                throw new IllegalStateException("decoding thread bug");
            }
            return real.tag(events);
        });
        for (int i = 0; i < 3; i++) {
            images.pipeInput("bad-batch-" + i, event("bad-batch-" + i, png(i), "imagenet-1k", null), t0);
        }
        driver.advanceWallClockTime(Duration.ofMillis(600));
        List<DeadLetter> dead = deadLetters.readValuesToList();
        assertEquals(3, dead.size(), "one dead letter per image of the failed batch");
        for (int i = 0; i < 3; i++) {
            assertDead(dead.get(i), Stage.INFER, "BATCH_FAILED");
            assertTrue(dead.get(i).getMessage().contains("decoding thread bug"), dead.get(i).getMessage());
            assertEquals("bad-batch-" + i, new String(bytes(dead.get(i).getOriginalKey()), StandardCharsets.UTF_8));
            assertNotNull(dead.get(i).getOriginalValue(), "the image can be published again from its dead letter");
        }
        KeyValueStore<Long, PendingImage> buffer = driver.getKeyValueStore(TaggingTopology.BATCH_BUFFER);
        try (KeyValueIterator<Long, PendingImage> waiting = buffer.all()) {
            assertFalse(waiting.hasNext(), "the failed batch left the buffer");
        }

        driver.advanceWallClockTime(Duration.ofSeconds(5));
        for (int i = 0; i < 4; i++) {
            images.pipeInput("next-" + i, event("next-" + i, png(10 + i), "imagenet-1k", null), t0);
        }
        assertTrue(deadLetters.isEmpty(), "the failed batch was answered once, not again at each punctuation");
        assertEquals(List.of("next-0", "next-1", "next-2", "next-3"),
                tags.readKeyValuesToList().stream().map(kv -> kv.key).toList());
        assertEquals(2, calls.get());
    }

    /** Both routes obey the method: what each route must say about its label, scores and candidates. */
    static void assertWellFormed(TagResult t) {
        assertEquals(5, t.getCandidates().size());
        assertEquals(t.getFirstPassLabel(), t.getCandidates().get(0).getLabel());
        assertEquals(t.getFirstPassScore(), t.getCandidates().get(0).getFirstPassScore());
        assertNotNull(t.getConsistency());
        boolean agree = t.getConsistency().getTextAgreement() && t.getConsistency().getFlipAgreement();
        if (t.getRoute() == Route.CONFIDENT) {
            assertTrue(agree, "a confident tag has all classifiers and the flip agreeing");
            assertEquals(t.getFirstPassLabel(), t.getLabel());
            assertEquals(t.getFirstPassScore(), t.getScore());
            assertFalse(t.getChanged());
            t.getCandidates().forEach(c -> assertNull(c.getRescoreScore()));
        } else {
            assertFalse(agree, "an image is rescored only when a classifier or the flip disagrees");
            int winner = -1;
            float best = Float.NEGATIVE_INFINITY;
            for (int k = 0; k < 5; k++) {
                Candidate c = t.getCandidates().get(k);
                assertNotNull(c.getRescoreScore());
                assertTrue(c.getWinningPrompt().startsWith(c.getLabel().getName())
                        || c.getWinningPrompt().contains(" which is a kind of "), c.getWinningPrompt());
                if (c.getRescoreScore() > best) {
                    best = c.getRescoreScore();
                    winner = k;
                }
            }
            assertEquals(t.getCandidates().get(winner).getLabel(), t.getLabel());
            assertEquals(best, t.getScore());
            assertEquals(!t.getLabel().equals(t.getFirstPassLabel()), t.getChanged());
        }
    }

    private static void assertDead(DeadLetter d, Stage stage, String errorType) {
        assertNotNull(d);
        assertEquals(stage, d.getStage(), d.getMessage());
        assertEquals(errorType, d.getErrorType(), d.getMessage());
        assertTrue(d.getMessage().length() > 10, d.getMessage());
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] bytes(ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.duplicate().get(out);
        return out;
    }
}
