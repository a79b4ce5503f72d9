package io.hiertag.kafka;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hiertag.avro.Candidate;
import io.hiertag.avro.Consistency;
import io.hiertag.avro.DeadLetter;
import io.hiertag.avro.ImageEvent;
import io.hiertag.avro.InputHeader;
import io.hiertag.avro.Label;
import io.hiertag.avro.PendingImage;
import io.hiertag.avro.RescueMetrics;
import io.hiertag.avro.Route;
import io.hiertag.avro.Stage;
import io.hiertag.avro.TagResult;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.generic.GenericRecordBuilder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AvroSerdeTest {

    private static final String TOPIC = "serde-test";
    private static final Instant T0 = Instant.ofEpochMilli(1_760_000_000_123L);

    @Test
    void everyGeneratedTypeRoundTrips() {
        assertRoundTrip(ImageEvent.class, imageEvent("img-1"));
        assertRoundTrip(TagResult.class, tagResult());
        assertRoundTrip(DeadLetter.class, DeadLetter.newBuilder()
                .setStage(Stage.DECODE).setErrorType("UNREADABLE_IMAGE").setMessage("not a JPEG or PNG")
                .setImageId("img-9").setSourceTopic("hiertag.images").setSourcePartition(3).setSourceOffset(42L)
                .setOriginalKey(bytes("img-9")).setOriginalValue(bytes("garbage")).setFailedAt(T0).build());
        assertRoundTrip(RescueMetrics.class, RescueMetrics.newBuilder()
                .setLabelSet("imagenet-1k").setModelId("clip-b32@abc").setWindowStart(T0).setWindowEnd(T0.plusSeconds(60))
                .setImages(100).setConfident(70).setUncertain(30).setChanged(12).setLabelled(90).setUncertainLabelled(27)
                .setFixed(5).setBroken(1).setAccuracyBefore(0.61).setAccuracyAfter(0.65).setRescueRate(5 / 27.0)
                .setChangeRate(0.4).setLatencyP50Ms(12.5).setLatencyP95Ms(40.0).setLatencyP99Ms(null).setDeadLetters(2)
                .build());
        assertRoundTrip(PendingImage.class, PendingImage.newBuilder()
                .setKey(null).setValue(bytes("value")).setTimestamp(T0.toEpochMilli()).setTopic("hiertag.images")
                .setPartition(0).setOffset(7L).setHeaders(List.of(new InputHeader("hiertag.label-set",
                        bytes("imagenet-1k")), new InputHeader("hiertag.attr.none", null))).build());
    }

    @Test
    void nullIsATombstoneBothWays() {
        AvroSerde<ImageEvent> serde = AvroSerde.of(ImageEvent.class);
        assertNull(serde.serializer().serialize(TOPIC, null));
        assertNull(serde.deserializer().deserialize(TOPIC, null));
    }

    @Test
    void bytesWithoutTheHeaderAreReportedAsNotSingleObjectEncoding() {
        AvroSerde<ImageEvent> serde = AvroSerde.of(ImageEvent.class);
        byte[] random = new byte[64];
        new Random(1).nextBytes(random);
        random[0] = 0x7B; // anything but C3
        for (byte[] data : List.of(random, "{\"id\":\"x\"}".getBytes(StandardCharsets.UTF_8), new byte[0])) {
            SerializationException e = assertThrows(SerializationException.class,
                    () -> serde.deserializer().deserialize(TOPIC, data));
            assertTrue(e.getMessage().contains("not Avro single-object encoding (missing C3 01 header"), e.getMessage());
        }
        SerializationException e = assertThrows(SerializationException.class,
                () -> serde.deserializer().deserialize(TOPIC, new byte[] {(byte) 0xC3, 0x01, 0x02}));
        assertTrue(e.getMessage().contains("not Avro single-object encoding (3 bytes, fewer than the 10 of the "
                + "header)"), e.getMessage());
    }

    @Test
    void anUnknownFingerprintIsReportedInWireOrderBesideTheKnownOnes() {
        AvroSerde<ImageEvent> serde = AvroSerde.of(ImageEvent.class);
        String current = wireHex(ImageEvent.getClassSchema());
        byte[] data = {(byte) 0xC3, 0x01, 1, 2, 3, 4, 5, 6, 7, 8, 2, 'x'};
        String message = unknown(serde, data);
        assertTrue(message.contains("schema fingerprint 0102030405060708 (the 8 bytes after C3 01) is not that of any "
                + "ImageEvent schema: " + current + " (current schema)."), message);
        assertTrue(message.contains("The usual cause is a fingerprint computed over a canonical form that keeps "
                + "logical types"), message);

        // Another type's record on the wrong topic is named.
        byte[] tag = AvroSerde.of(TagResult.class).serializer().serialize(TOPIC, tagResult());
        message = unknown(serde, tag);
        assertTrue(message.endsWith("It is the fingerprint of TagResult's current schema: the record is of type "
                + "TagResult, where ImageEvent is expected"), message);
    }

    /** The two mistakes outside producers make with a right schema are recognised and named. */
    @Test
    void aFingerprintOverLogicalTypesOrWithItsBytesReversedIsNamedAsSuch() {
        AvroSerde<ImageEvent> serde = AvroSerde.of(ImageEvent.class);
        byte[] valid = serde.serializer().serialize(TOPIC, imageEvent("img-1"));
        long right = SchemaNormalization.parsingFingerprint64(ImageEvent.getClassSchema());

        byte[] keptLogicalTypes = withFingerprint(valid,
                SchemaFingerprints.fingerprintKeepingLogicalTypes(ImageEvent.getClassSchema()));
        String message = unknown(serde, keptLogicalTypes);
        assertTrue(message.contains("It is the current schema's fingerprint over a canonical form that keeps its "
                + "logical types ({\"type\":\"long\"} where the Parsing Canonical Form has \"long\"), as "
                + "python3-avro 1.11.1's canonical_form writes it"), message);

        message = unknown(serde, withFingerprint(valid, Long.reverseBytes(right)));
        assertTrue(message.contains("It is the current schema's fingerprint with its bytes reversed"), message);
        assertEquals(imageEvent("img-1"), serde.deserializer().deserialize(TOPIC, withFingerprint(valid, right)));
    }

    @Test
    void aTruncatedOrPaddedBodyIsReportedAsCorrupt() {
        AvroSerde<ImageEvent> serde = AvroSerde.of(ImageEvent.class);
        byte[] valid = serde.serializer().serialize(TOPIC, imageEvent("img-1"));
        for (byte[] data : List.of(Arrays.copyOf(valid, 10), Arrays.copyOf(valid, valid.length - 3),
                Arrays.copyOf(valid, valid.length + 1))) {
            SerializationException e = assertThrows(SerializationException.class,
                    () -> serde.deserializer().deserialize(TOPIC, data));
            assertTrue(e.getMessage().contains("corrupt body"), e.getMessage());
        }
    }

    @Test
    void aRecordMissingARequiredFieldCannotBeEncoded() {
        AvroSerde<ImageEvent> serde = AvroSerde.of(ImageEvent.class);
        SerializationException e = assertThrows(SerializationException.class,
                () -> serde.serializer().serialize(TOPIC, new ImageEvent()));
        assertTrue(e.getMessage().startsWith("Cannot encode io.hiertag.avro.ImageEvent"), e.getMessage());
    }

    @Test
    void anOlderVersionInTheStoreDecodesIntoTheCurrentClass() throws IOException {
        Schema current = ImageEvent.getClassSchema();
        Schema older = withoutField(current, "labelSet");
        GenericRecord oldRecord = new GenericRecordBuilder(older)
                .set("id", "img-old").set("image", bytes("jpeg")).set("attributes", Map.of("camera", "a")).build();
        byte[] oldBytes = toArray(new BinaryMessageEncoder<GenericRecord>(GenericData.get(), older).encode(oldRecord));

        String unknown = unknown(AvroSerde.of(ImageEvent.class), oldBytes);
        assertTrue(unknown.contains("is not that of any ImageEvent schema"), unknown);

        AvroSerde<ImageEvent> serde = new AvroSerde<>(ImageEvent.class, current, List.of(older));
        ImageEvent decoded = serde.deserializer().deserialize(TOPIC, oldBytes);
        assertEquals("img-old", decoded.getId());
        assertEquals("imagenet-1k", decoded.getLabelSet()); // the new field's default
        assertEquals(bytes("jpeg"), decoded.getImage());
        assertEquals(Map.of("camera", "a"), decoded.getAttributes());
        assertNull(decoded.getPublishedAt());
    }

    @Test
    void anOlderVersionTheCurrentSchemaCannotReadIsRefused() {
        Schema current = ImageEvent.getClassSchema();
        List<Schema.Field> fields = new ArrayList<>();
        for (Schema.Field f : current.getFields()) {
            fields.add(f.name().equals("id") ? new Schema.Field("id", Schema.create(Schema.Type.INT))
                    : new Schema.Field(f, f.schema()));
        }
        Schema intId = Schema.createRecord(current.getName(), null, current.getNamespace(), false, fields);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new AvroSerde<>(ImageEvent.class, current, List.of(intId)));
        assertTrue(e.getMessage().contains("cannot read the older version"), e.getMessage());
    }

    @Test
    void historyIndexListsOlderVersionsPerRecord(@TempDir Path root) throws IOException {
        Path history = Files.createDirectories(root.resolve(AvroSerde.HISTORY_DIR));
        try (URLClassLoader loader = new URLClassLoader(new URL[] {root.toUri().toURL()}, null)) {
            assertEquals(List.of(), AvroSerde.schemaHistory(loader, "ImageEvent"), "no index = no history");

            Schema older = withoutField(ImageEvent.getClassSchema(), "labelSet");
            Files.writeString(history.resolve("ImageEvent-v1.avsc"), older.toString());
            Files.writeString(history.resolve("TagResult-v1.avsc"), TagResult.getClassSchema().toString());
            Files.writeString(root.resolve(AvroSerde.HISTORY_INDEX),
                    "# released versions\nImageEvent-v1.avsc\n\n  TagResult-v1.avsc  \n");
            assertEquals(List.of(older), AvroSerde.schemaHistory(loader, "ImageEvent"));
            assertEquals(List.of(TagResult.getClassSchema()), AvroSerde.schemaHistory(loader, "TagResult"));
            assertEquals(List.of(), AvroSerde.schemaHistory(loader, "DeadLetter"));

            Files.writeString(root.resolve(AvroSerde.HISTORY_INDEX), "ImageEvent-v2.avsc\n");
            IllegalStateException missing = assertThrows(IllegalStateException.class,
                    () -> AvroSerde.schemaHistory(loader, "ImageEvent"));
            assertTrue(missing.getMessage().contains("is not on the classpath"), missing.getMessage());

            Files.writeString(root.resolve(AvroSerde.HISTORY_INDEX), "ImageEvent.avsc\n");
            IllegalStateException misnamed = assertThrows(IllegalStateException.class,
                    () -> AvroSerde.schemaHistory(loader, "ImageEvent"));
            assertTrue(misnamed.getMessage().contains("<RecordName>-v<N>.avsc"), misnamed.getMessage());
        }
    }

    /** Every schema in schemas/ can read every released older version of itself listed in the history index. */
    @Test
    void currentSchemasAreBackwardCompatibleWithTheirHistory() throws IOException {
        List<Path> files;
        try (Stream<Path> listing = Files.list(Path.of("schemas"))) {
            files = listing.filter(p -> p.toString().endsWith(".avsc")).sorted().toList();
        }
        assertTrue(files.size() >= 5, "schemas found: " + files);
        for (Path file : files) {
            Schema current = new Schema.Parser().parse(file.toFile());
            for (Schema older : AvroSerde.schemaHistory(current.getName())) {
                SchemaCompatibility.SchemaPairCompatibility result =
                        SchemaCompatibility.checkReaderWriterCompatibility(current, older);
                assertEquals(SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE, result.getType(),
                        file + " cannot read an older version: " + result.getDescription());
            }
        }
    }

    @Test
    void oneSerdeIsSafeToShareBetweenThreads() throws Exception {
        AvroSerde<ImageEvent> serde = AvroSerde.of(ImageEvent.class);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> results = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int thread = t;
                results.add(pool.submit(() -> {
                    for (int i = 0; i < 500; i++) {
                        ImageEvent event = imageEvent("img-" + thread + "-" + i);
                        assertEquals(event, serde.deserializer().deserialize(TOPIC, serde.serializer().serialize(TOPIC, event)));
                    }
                    return null;
                }));
            }
            for (Future<?> result : results) {
                result.get();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static String unknown(AvroSerde<?> serde, byte[] data) {
        return assertThrows(SerializationException.class, () -> serde.deserializer().deserialize(TOPIC, data))
                .getMessage();
    }

    private static String wireHex(Schema schema) {
        return SchemaFingerprints.wireHex(SchemaNormalization.parsingFingerprint64(schema));
    }

    /** The record with another fingerprint in its header (little-endian, as single-object encoding has it). */
    private static byte[] withFingerprint(byte[] record, long fingerprint) {
        byte[] out = record.clone();
        ByteBuffer.wrap(out, 2, 8).order(java.nio.ByteOrder.LITTLE_ENDIAN).putLong(fingerprint);
        return out;
    }

    private static <T extends SpecificRecord> void assertRoundTrip(Class<T> type, T value) {
        AvroSerde<T> serde = AvroSerde.of(type);
        byte[] encoded = serde.serializer().serialize(TOPIC, value);
        assertNotNull(encoded);
        assertArrayEquals(new byte[] {(byte) 0xC3, 0x01}, Arrays.copyOf(encoded, 2), type + " header");
        assertEquals(value, serde.deserializer().deserialize(TOPIC, encoded), type.getName());
    }

    private static ImageEvent imageEvent(String id) {
        return ImageEvent.newBuilder()
                .setId(id).setImage(bytes("\u00ff\u00d8 jpeg of " + id)).setContentType("image/jpeg")
                .setGroundTruth("n01440764").setPublishedAt(T0).setAttributes(Map.of("source", "test", "id", id))
                .build();
    }

    static TagResult tagResult() {
        Label tench = Label.newBuilder().setIndex(0).setWnid("n01440764").setName("tench").build();
        Label goldfish = Label.newBuilder().setIndex(1).setWnid("n01443537").setName("goldfish").build();
        return TagResult.newBuilder()
                .setId("img-1").setLabelSet("imagenet-1k").setModelId("clip-b32@abc").setLabel(tench).setScore(0.31f)
                .setRoute(Route.RESCORED).setFirstPassLabel(goldfish).setFirstPassScore(0.29f).setChanged(true)
                .setConsistency(Consistency.newBuilder().setTextAgreement(false).setFlipAgreement(true)
                        .setTemplateAgreement(0.4f).build())
                .setCandidates(List.of(
                        Candidate.newBuilder().setLabel(goldfish).setFirstPassScore(0.29f).setRescoreScore(0.27f)
                                .setWinningPrompt("a photo of a goldfish, a kind of fish").build(),
                        Candidate.newBuilder().setLabel(tench).setFirstPassScore(0.28f).build()))
                .setGroundTruth("tench").setGroundTruthKnown(true).setCorrect(true).setFirstPassCorrect(false)
                .setPublishedAt(T0).setTaggedAt(T0.plusMillis(25)).setAttributes(Map.of())
                .build();
    }

    /** The same record without one field, as an earlier release of it would have been. */
    private static Schema withoutField(Schema schema, String field) {
        List<Schema.Field> fields = new ArrayList<>();
        for (Schema.Field f : schema.getFields()) {
            if (!f.name().equals(field)) {
                fields.add(new Schema.Field(f, f.schema()));
            }
        }
        return Schema.createRecord(schema.getName(), schema.getDoc(), schema.getNamespace(), false, fields);
    }

    private static ByteBuffer bytes(String text) {
        return ByteBuffer.wrap(text.getBytes(StandardCharsets.ISO_8859_1));
    }

    private static byte[] toArray(ByteBuffer buffer) {
        byte[] array = new byte[buffer.remaining()];
        buffer.get(array);
        return array;
    }
}
