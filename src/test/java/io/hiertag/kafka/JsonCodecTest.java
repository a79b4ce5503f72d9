package io.hiertag.kafka;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hiertag.avro.DeadLetter;
import io.hiertag.avro.RescueMetrics;
import io.hiertag.avro.Stage;
import io.hiertag.avro.TagResult;
import io.hiertag.config.OutputFormat;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

/** The JSON form of the output records: the Avro fields, plainly, and back to an equal record. */
class JsonCodecTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant T0 = Instant.ofEpochMilli(1_760_000_000_123L);

    @Test
    void everyOutputRecordRoundTripsThroughJsonToAnEqualRecord() {
        TagResult tag = AvroSerdeTest.tagResult();
        assertEquals(tag, roundTrip(TagResult.class, tag));
        TagResult bare = TagResult.newBuilder(tag).setConsistency(null).setGroundTruth(null).setCorrect(null)
                .setGroundTruthKnown(null).setFirstPassCorrect(null).setPublishedAt(null).build();
        assertEquals(bare, roundTrip(TagResult.class, bare));
        DeadLetter dead = deadLetter();
        assertEquals(dead, roundTrip(DeadLetter.class, dead));
        RescueMetrics metrics = RescueMetrics.newBuilder().setLabelSet("imagenet-1k").setModelId("m@1")
                .setWindowStart(T0).setWindowEnd(T0.plusSeconds(60)).setImages(3).setConfident(2).setUncertain(1)
                .setChanged(1).setLabelled(0).setUncertainLabelled(0).setFixed(0).setBroken(0)
                .setRescueRate(null).setChangeRate(1.0).setLatencyP50Ms(0.1).setLatencyP95Ms(12.345678901234)
                .setLatencyP99Ms(1e-7).setDeadLetters(0).build();
        assertEquals(metrics, roundTrip(RescueMetrics.class, metrics));
    }

    @Test
    void theJsonIsPlain() throws Exception {
        JsonNode tag = JSON.readTree(new JsonCodec<>(TagResult.class).write(AvroSerdeTest.tagResult()));
        assertEquals(fieldNames(TagResult.getClassSchema()), names(tag), "every field, in schema order");
        assertEquals("tench", tag.get("label").get("name").textValue());
        assertEquals("n01440764", tag.get("label").get("wnid").textValue(), "a nullable field is its value");
        assertTrue(tag.get("candidates").get(1).get("rescoreScore").isNull(), "or null");
        assertEquals("RESCORED", tag.get("route").textValue());
        assertEquals(0.31, tag.get("score").doubleValue(), 1e-7);
        assertEquals(T0.plusMillis(25).toEpochMilli(), tag.get("taggedAt").longValue(), "milliseconds since 1970");
        assertTrue(tag.get("attributes").isObject());
        JsonNode dead = JSON.readTree(new JsonCodec<>(DeadLetter.class).write(deadLetter()));
        assertEquals("DECODE", dead.get("stage").textValue());
        assertArrayEquals(new byte[] {(byte) 0xFF, (byte) 0xD8, 0, 1}, Base64.getDecoder().decode(
                dead.get("originalValue").textValue()));
        assertTrue(dead.get("labelSet").isNull());
    }

    @Test
    void missingFieldsTakeTheirDefaultAndUnknownMembersArePassedOver() throws Exception {
        JsonCodec<DeadLetter> codec = new JsonCodec<>(DeadLetter.class);
        ObjectNode json = (ObjectNode) JSON.readTree(codec.write(deadLetter()));
        json.remove(List.of("labelSet", "modelId", "originalKey"));
        json.put("addedInANewerVersion", 42);
        DeadLetter read = codec.read(JSON.writeValueAsBytes(json));
        assertNull(read.getLabelSet());
        assertEquals(deadLetter().getOriginalValue(), read.getOriginalValue());
    }

    @Test
    void aValueOfTheWrongKindIsRefusedNamingTheField() throws Exception {
        JsonCodec<TagResult> codec = new JsonCodec<>(TagResult.class);
        ObjectNode json = (ObjectNode) JSON.readTree(codec.write(AvroSerdeTest.tagResult()));
        ((ObjectNode) json.get("candidates").get(0).get("label")).put("index", "seven");
        SerializationException e = assertThrows(SerializationException.class,
                () -> codec.read(JSON.writeValueAsBytes(json)));
        assertTrue(e.getMessage().contains("TagResult.candidates[0].label.index should be a whole number"),
                e.getMessage());
        json.remove("id");
        e = assertThrows(SerializationException.class, () -> codec.read(JSON.writeValueAsBytes(json)));
        assertTrue(e.getMessage().contains("TagResult.id is missing"), e.getMessage());
        assertThrows(SerializationException.class, () -> codec.read("not json".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void anOutputTopicReadsBothFormatsAndWritesTheConfiguredOne() {
        Topics avro = new Topics("hiertag.", OutputFormat.AVRO);
        Topics json = new Topics("hiertag.", OutputFormat.JSON);
        TagResult tag = AvroSerdeTest.tagResult();
        byte[] asAvro = avro.tags().valueSerde().serializer().serialize("t", tag);
        byte[] asJson = json.tags().valueSerde().serializer().serialize("t", tag);
        assertEquals((byte) 0xC3, asAvro[0]);
        assertEquals('{', asJson[0]);
        for (Topics reader : List.of(avro, json)) {
            assertEquals(tag, reader.tags().valueSerde().deserializer().deserialize("t", asAvro));
            assertEquals(tag, reader.tags().valueSerde().deserializer().deserialize("t", asJson));
        }
        assertNull(json.tags().valueSerde().serializer().serialize("t", null), "tombstones stay null");
    }

    private static <T extends org.apache.avro.specific.SpecificRecord> T roundTrip(Class<T> type, T value) {
        JsonCodec<T> codec = new JsonCodec<>(type);
        return codec.read(codec.write(value));
    }

    private static DeadLetter deadLetter() {
        return DeadLetter.newBuilder().setStage(Stage.DECODE).setErrorType("UNREADABLE_IMAGE")
                .setMessage("truncated \"JPEG\" – ünicode").setImageId("img-9").setSourceTopic("hiertag.images")
                .setSourcePartition(2).setSourceOffset(7L).setOriginalKey(ByteBuffer.wrap(new byte[0]))
                .setOriginalValue(ByteBuffer.wrap(new byte[] {(byte) 0xFF, (byte) 0xD8, 0, 1})).setFailedAt(T0)
                .build();
    }

    private static List<String> fieldNames(Schema schema) {
        return schema.getFields().stream().map(Schema.Field::name).toList();
    }

    private static List<String> names(JsonNode node) {
        List<String> out = new java.util.ArrayList<>();
        node.fieldNames().forEachRemaining(out::add);
        return out;
    }
}
