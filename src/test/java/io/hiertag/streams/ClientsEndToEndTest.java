package io.hiertag.streams;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hiertag.avro.DeadLetter;
import io.hiertag.avro.TagResult;
import io.hiertag.config.HiertagConfig;
import io.hiertag.kafka.KafkaConnection;
import io.hiertag.kafka.TopicReader;
import io.hiertag.kafka.Topics;
import io.hiertag.samples.SampleImages;
import io.hiertag.testing.ExternalTool;
import io.hiertag.zeroshot.EncodingProgress;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The clients of {@code docs/clients.md}, run from the page against a real broker with the tagger running. Raw
 * JPEG and PNG records with headers from kcat and python3-confluent-kafka, and {@code ImageEvent}s from python3-avro
 * and from Java with only kafka-clients and avro, are tagged; a file sent line by line, a schema-registry record, a
 * line of text and a fingerprint computed over python3-avro's own canonical form get their own dead letters; and
 * the page's consumers (python3-avro, plain Java; Python's json and kcat for {@code output.format=json}) print
 * exactly what the tagger wrote.
 */
@Tag("slow")
class ClientsEndToEndTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int TESTS = 2;
    private static final AtomicInteger FINISHED = new AtomicInteger();

    @TempDir
    Path dir;

    @BeforeEach
    void requireClientsAndWriteImages() throws Exception {
        ExternalTool.require(Files.isExecutable(ExternalTool.KCAT), ExternalTool.KCAT + " (Debian package kcat)");
        ExternalTool.requirePython(dir, "confluent_kafka", "avro.schema");
        Files.createDirectories(dir.resolve("photos"));
        int n = 0;
        for (String name : List.of("photo.jpg", "photos/a.png", "photos/b.png", "garden.png", "street.jpg",
                "night.jpg", "bridge.png")) {
            var image = SampleImages.generate(16, n++, 160, 120);
            Files.write(dir.resolve(name), name.endsWith(".png") ? SampleImages.png(image) : SampleImages.jpeg(image));
        }
    }

    /** Once both tests have run: every example of the page was run by one of them. */
    @AfterAll
    static void everyExampleOfThePageRan() throws Exception {
        if (FINISHED.get() == TESTS) {
            assertEquals(new TreeSet<>(ClientExamples.examples().keySet()), ClientExamples.used());
        }
    }

    @Test
    void avroClientsPublishAndReadAndForeignRecordsGetTheirOwnDeadLetters() throws Exception {
        HiertagConfig config = config("clients-avro", "avro");
        withTagger(config, (kafka, app, examples) -> {
            examples.run("kcat-publish.sh");
            examples.run("kcat-publish-folder.sh");
            examples.run("kcat-wrong.sh");
            examples.run("publish_raw.py", "garden.png", "street.jpg");
            examples.run("publish_avro.py", "night.jpg");
            examples.run("java-publish.sh");
            String imageEventFingerprint = examples.python(FOREIGN_RECORDS).strip();
            examples.bash(TEXT_LINE);
            List<String> lines = keysOnImages(config, kafka).stream().filter("cat-2"::equals).toList();
            assertTrue(lines.size() > 5, "kcat sends a record per line of photo.jpg: " + lines.size());

            Set<String> tagged = Set.of("dog-1", "a.png", "b.png", "garden.png", "street.jpg", "night.jpg",
                    "bridge.png");
            Results results = Results.await(app, config, kafka, tagged, lines.size() + 3);
            assertEquals(tagged, results.tags.keySet());
            TagResult dog = results.tags.get("dog-1");
            assertEquals("imagenet-1k", dog.getLabelSet());
            assertEquals("n02099601", dog.getGroundTruth());
            assertEquals(Boolean.TRUE, dog.getGroundTruthKnown());
            assertEquals(Map.of("camera", "north-gate"), dog.getAttributes());
            for (String file : List.of("garden.png", "street.jpg", "night.jpg", "bridge.png")) {
                assertEquals(Map.of("path", file), results.tags.get(file).getAttributes(), file);
            }

            // The pieces kcat made of photo.jpg: each a dead letter keeping its bytes, which joined at the newlines
            // kcat cut are the file again; the first is a JPEG cut short.
            List<DeadLetter> pieces = results.deadLettersKeyed("cat-2");
            assertEquals(lines.size(), pieces.size());
            ByteArrayOutputStream joined = new ByteArrayOutputStream();
            for (DeadLetter piece : pieces) {
                joined.write(DeadLetters.bytes(piece.getOriginalValue()));
                joined.write('\n');
            }
            byte[] photo = Files.readAllBytes(dir.resolve("photo.jpg"));
            byte[] rejoined = joined.toByteArray();
            assertArrayEquals(photo, java.util.Arrays.copyOf(rejoined, photo.length));
            assertEquals("UNREADABLE_IMAGE", pieces.get(0).getErrorType(), pieces.get(0).getMessage());
            assertTrue(pieces.get(0).getMessage().endsWith("If this is the first line of a file, a tool that makes a "
                    + "record of each line it reads (kcat -P < file, kafka-console-producer) cuts a file at its newline "
                    + "bytes: give the file as an argument instead, one record per file (kcat -P -t TOPIC -k ID FILE)"),
                    pieces.get(0).getMessage());
            for (DeadLetter piece : pieces.subList(1, pieces.size())) {
                assertTrue(Set.of("NOT_AN_IMAGE_EVENT", "TEXT_VALUE", "EMPTY_VALUE").contains(piece.getErrorType()),
                        piece.getErrorType() + ": " + piece.getMessage());
                assertTrue(piece.getMessage().contains("kcat -P < file"), piece.getMessage());
            }

            DeadLetter registry = results.deadLettersKeyed("registry-1").get(0);
            assertEquals("SCHEMA_REGISTRY_FORMAT", registry.getErrorType());
            assertTrue(registry.getMessage().contains("schema id 7"), registry.getMessage());
            DeadLetter text = results.deadLettersKeyed("text-1").get(0);
            assertEquals("TEXT_VALUE", text.getErrorType());
            assertTrue(text.getMessage().contains("(\"photos/a.png\")"), text.getMessage());
            DeadLetter keptLogicalTypes = results.deadLettersKeyed("logical-types-1").get(0);
            assertEquals("NOT_AN_IMAGE_EVENT", keptLogicalTypes.getErrorType());
            assertTrue(keptLogicalTypes.getMessage().contains(": " + imageEventFingerprint + " (current schema)."),
                    "names the fingerprint the page's module computes: " + keptLogicalTypes.getMessage());
            assertTrue(keptLogicalTypes.getMessage().contains("It is the current schema's fingerprint over a "
                    + "canonical form that keeps its logical types"), keptLogicalTypes.getMessage());

            int count = results.tags.size() + results.deadLetters.size();
            results.assertPrinted(examples.run("consume_avro.py", Integer.toString(count)), "python3-avro");
            results.assertPrinted(examples.java("ReadTags.java", Integer.toString(count)), "plain Java");
        });
    }

    @Test
    void jsonOutputIsReadWithoutAvro() throws Exception {
        HiertagConfig config = config("clients-json", "json").with(Map.of(HiertagConfig.METRICS_WINDOW, "1s",
                HiertagConfig.METRICS_GRACE, "1ms"));
        withTagger(config, (kafka, app, examples) -> {
            examples.run("kcat-publish.sh");
            examples.run("publish_raw.py", "garden.png", "street.jpg");
            examples.bash(TEXT_LINE);
            Results results = Results.await(app, config, kafka, Set.of("dog-1", "garden.png", "street.jpg"), 1);
            // One image more, seconds later, moves record time past the first windows, which then close.
            Thread.sleep(1500);
            examples.run("publish_raw.py", "photos/a.png");
            results = Results.await(app, config, kafka, Set.of("dog-1", "garden.png", "street.jpg", "a.png"), 1);
            assertTrue(results.raw.stream().allMatch(value -> value[0] == '{'), "every output is JSON");

            int count = results.tags.size() + results.deadLetters.size();
            String printed = examples.run("consume_json.py", Integer.toString(count));
            results.assertPrinted(printed, "Python's json");
            assertTrue(ClientExamples.recordLines(printed).contains("dead-letter text-1 DESERIALIZE TEXT_VALUE: "
                    + results.deadLettersKeyed("text-1").get(0).getMessage() + " (12 bytes kept)"), printed);

            Set<String> kcatIds = new TreeSet<>();
            for (String line : examples.run("kcat-consume-json.sh").lines().toList()) {
                kcatIds.add(JSON.readTree(line).get("id").textValue());
            }
            assertEquals(results.tags.keySet(), kcatIds, "kcat prints one JSON tag per line");

            JsonNode metrics = awaitJsonMetrics(config, kafka);
            assertEquals("imagenet-1k", metrics.get("labelSet").textValue());
            assertTrue(metrics.get("windowEnd").longValue() - metrics.get("windowStart").longValue() == 1000,
                    metrics.toString());
        });
    }

    /** What a test does with a broker, the tagger on it, and the page's examples written out. */
    private interface Scenario {
        void run(KafkaConnection kafka, TaggingApplication app, ClientExamples examples) throws Exception;
    }

    private void withTagger(HiertagConfig config, Scenario scenario) throws Exception {
        try (KafkaConnection kafka = KafkaConnection.embedded(dir.resolve("broker"), 0);
             TaggingApplication app = TaggingApplication.start(config, kafka.bootstrapServers(),
                     TestModels.testModel(), EncodingProgress.NONE)) {
            assertTrue(app.awaitRunning(Duration.ofSeconds(60)), "state " + app.state());
            scenario.run(kafka, app, new ClientExamples(dir, kafka.bootstrapServers()));
        }
        FINISHED.incrementAndGet();
    }

    private HiertagConfig config(String applicationId, String outputFormat) {
        return HiertagConfig.builder()
                .set(HiertagConfig.DATA_DIR, dir.resolve("data").toString())
                .set(HiertagConfig.APPLICATION_ID, applicationId)
                .set(HiertagConfig.CACHE_DIR, TestModels.cacheDir().toString())
                .set(HiertagConfig.BATCH_SIZE, "4")
                .set(HiertagConfig.BATCH_MAX_DELAY, "100ms")
                .set(HiertagConfig.OUTPUT_FORMAT, outputFormat)
                .build();
    }

    /** A line of a text file, sent as kcat sends each line of its standard input. */
    private static final String TEXT_LINE = "printf 'photos/a.png\\n' | kcat -b \"$KAFKA\" -P -t hiertag.images -k text-1";

    /**
     * Two records a Python producer might send: an {@code ImageEvent} framed as a schema-registry serializer frames
     * it (byte 0, schema id 7, the body), and one whose fingerprint is CRC-64-AVRO over python3-avro's own
     * {@code canonical_form}. Prints the right fingerprint, as the page's module computes it.
     */
    private static final String FOREIGN_RECORDS = String.join("\n",
            "import io, os, struct",
            "import avro.io, avro.schema",
            "from confluent_kafka import Producer",
            "import hiertag_avro",
            "schema = avro.schema.parse(open('schemas/ImageEvent.avsc').read())",
            "body = io.BytesIO()",
            "event = {'id': 'logical-types-1', 'image': open('photo.jpg', 'rb').read(), 'labelSet': 'imagenet-1k',",
            "         'publishedAt': None, 'attributes': {}}",
            "avro.io.DatumWriter(schema).write(event, avro.io.BinaryEncoder(body))",
            "naive = struct.pack('<Q', hiertag_avro._crc64_avro(schema.canonical_form.encode('utf-8')))",
            "producer = Producer({'bootstrap.servers': os.environ['KAFKA']})",
            "producer.produce('hiertag.images', key='registry-1', value=b'\\x00' + struct.pack('>I', 7) + body.getvalue())",
            "producer.produce('hiertag.images', key='logical-types-1', value=b'\\xc3\\x01' + naive + body.getvalue())",
            "assert producer.flush(30) == 0",
            "print(hiertag_avro.RecordType('schemas/ImageEvent.avsc').fingerprint.hex())");

    /** The keys of the records on the input topic, in offset order (one partition per key). */
    private static List<String> keysOnImages(HiertagConfig config, KafkaConnection kafka) {
        List<String> keys = new ArrayList<>();
        Map<Integer, List<String>> byPartition = new HashMap<>();
        try (TopicReader reader = new TopicReader(config, kafka.bootstrapServers(),
                Topics.of(config).images().name(), false)) {
            while (reader.poll(Duration.ofSeconds(2), r -> byPartition.computeIfAbsent(r.partition(),
                    p -> new ArrayList<>()).add(r.key() == null ? null : new String(r.key(), StandardCharsets.UTF_8)))
                    > 0) {
                // until a poll brings nothing more
            }
        }
        byPartition.values().forEach(keys::addAll);
        return keys;
    }

    private static JsonNode awaitJsonMetrics(HiertagConfig config, KafkaConnection kafka) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        List<JsonNode> values = new ArrayList<>();
        try (TopicReader reader = new TopicReader(config, kafka.bootstrapServers(),
                Topics.of(config).metrics().name(), false)) {
            while (values.stream().noneMatch(m -> m.get("labelSet").textValue().equals("imagenet-1k"))) {
                if (System.nanoTime() > deadline) {
                    fail("no metrics record of imagenet-1k within 60 s: " + values);
                }
                reader.poll(Duration.ofMillis(200), r -> {
                    try {
                        values.add(JSON.readTree(r.value()));
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                });
            }
        }
        return values.stream().filter(m -> m.get("labelSet").textValue().equals("imagenet-1k")).findFirst()
                .orElseThrow();
    }

    /** What the tagger committed, read with this project's own serdes (which read either format). */
    private record Results(Map<String, TagResult> tags, List<Map.Entry<String, DeadLetter>> deadLetters,
            List<byte[]> raw) {

        static Results await(TaggingApplication app, HiertagConfig config, KafkaConnection kafka, Set<String> tagged,
                int deadLetterCount) {
            Topics topics = Topics.of(config);
            Map<String, TagResult> tags = new HashMap<>();
            List<Map.Entry<String, DeadLetter>> dead = new ArrayList<>();
            List<byte[]> raw = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
            long quietUntil = Long.MAX_VALUE;
            try (TopicReader tr = new TopicReader(config, kafka.bootstrapServers(), topics.tags().name(), false);
                 TopicReader dr = new TopicReader(config, kafka.bootstrapServers(), topics.deadLetters().name(),
                         false)) {
                while (System.nanoTime() < quietUntil) {
                    if (System.nanoTime() > deadline) {
                        fail("timed out: tags " + tags.keySet() + ", " + dead.size() + " dead letters");
                    }
                    assertNotEquals(KafkaStreams.State.ERROR, app.state());
                    tr.poll(Duration.ofMillis(200), r -> {
                        raw.add(r.value());
                        TagResult t = topics.tags().valueSerde().deserializer().deserialize(r.topic(), r.value());
                        assertTrue(tags.put(t.getId(), t) == null, "tagged twice: " + t.getId());
                    });
                    dr.poll(Duration.ofMillis(50), r -> {
                        raw.add(r.value());
                        dead.add(Map.entry(r.key() == null ? "-" : new String(r.key(), StandardCharsets.UTF_8),
                                topics.deadLetters().valueSerde().deserializer().deserialize(r.topic(), r.value())));
                    });
                    if (quietUntil == Long.MAX_VALUE && tags.keySet().containsAll(tagged)
                            && dead.size() >= deadLetterCount) {
                        quietUntil = System.nanoTime() + Duration.ofSeconds(2).toNanos();
                    }
                }
            }
            dead.sort(Comparator.comparingLong(e -> e.getValue().getSourceOffset()));
            assertEquals(deadLetterCount, dead.size(), "dead letters: " + dead);
            return new Results(tags, dead, raw);
        }

        List<DeadLetter> deadLettersKeyed(String key) {
            return deadLetters.stream().filter(e -> e.getKey().equals(key)).map(Map.Entry::getValue).toList();
        }

        /**
         * A consumer of the page printed one line per record, as the tagger wrote them: {@code tag ID ROUTE WNID
         * SCORE NAME} or {@code dead-letter KEY STAGE ERROR_TYPE: MESSAGE}. A dead letter's message is left out of
         * the comparison (it may span lines; callers check one apart), and scores are compared as numbers: the
         * consumer formats its own decoding of the float to four places.
         */
        void assertPrinted(String output, String consumer) {
            List<String> expected = new ArrayList<>();
            tags.values().forEach(t -> expected.add("tag " + t.getId() + " " + t.getRoute() + " "
                    + t.getLabel().getWnid() + " " + t.getLabel().getName()));
            deadLetters.forEach(e -> expected.add("dead-letter " + e.getKey() + " " + e.getValue().getStage() + " "
                    + e.getValue().getErrorType()));
            List<String> printed = new ArrayList<>();
            for (String line : ClientExamples.recordLines(output)) {
                if (line.startsWith("tag ")) {
                    String[] f = line.split(" ", 6);
                    assertEquals(tags.get(f[1]).getScore(), Double.parseDouble(f[4]), 0.5e-4 + 1e-9, line);
                    printed.add(String.join(" ", f[0], f[1], f[2], f[3], f[5]));
                } else {
                    printed.add(line.substring(0, line.indexOf(": ")));
                }
            }
            assertEquals(expected.stream().sorted().toList(), printed.stream().sorted().toList(),
                    consumer + " reads what the tagger wrote:\n" + output);
        }
    }
}
