package io.hiertag.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.hiertag.avro.ImageEvent;
import io.hiertag.samples.SampleImages;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class InputFormatTest {

    @Test
    void eachKindOfValueIsToldFromItsFirstBytes() {
        var img = SampleImages.generate(3, 1, 40, 30);
        byte[] jpeg = SampleImages.jpeg(img);
        ImageEvent event = ImageEvent.newBuilder().setId("a").setImage(ByteBuffer.wrap(jpeg)).build();
        byte[] random = new byte[300];
        new SplittableRandom(3).nextBytes(random);
        random[0] = 0x7F;
        Map<String, InputFormat> cases = Map.ofEntries(
                Map.entry("avro", InputFormat.AVRO_SINGLE_OBJECT),
                Map.entry("avro-header-only", InputFormat.AVRO_SINGLE_OBJECT),
                Map.entry("jpeg", InputFormat.IMAGE),
                Map.entry("png", InputFormat.IMAGE),
                Map.entry("heic", InputFormat.IMAGE),
                Map.entry("svg", InputFormat.IMAGE),
                Map.entry("registry", InputFormat.SCHEMA_REGISTRY),
                Map.entry("line", InputFormat.TEXT),
                Map.entry("utf8-line", InputFormat.TEXT),
                Map.entry("json", InputFormat.TEXT),
                Map.entry("random", InputFormat.UNRECOGNISED),
                Map.entry("latin-1", InputFormat.UNRECOGNISED),
                Map.entry("control-characters", InputFormat.UNRECOGNISED),
                Map.entry("png-cut-at-its-first-newline", InputFormat.UNRECOGNISED),
                Map.entry("zero-and-too-short-for-an-id", InputFormat.UNRECOGNISED));
        Map<String, byte[]> values = Map.ofEntries(
                Map.entry("avro", Topics.IMAGE_EVENT.serializer().serialize("t", event)),
                Map.entry("avro-header-only", new byte[] {(byte) 0xC3, 0x01}),
                Map.entry("jpeg", jpeg),
                Map.entry("png", SampleImages.png(img)),
                Map.entry("heic", "\0\0\0\24ftypheic\0\0\0\0mif1".getBytes(StandardCharsets.ISO_8859_1)),
                Map.entry("svg", utf8("<svg xmlns=\"http://www.w3.org/2000/svg\"/>")),
                Map.entry("registry", new byte[] {0, 0, 0, 1, 7, 2, 'a'}),
                Map.entry("line", utf8("a line of a text file\r")),
                Map.entry("utf8-line", utf8("Münster\tKöln")),
                Map.entry("json", utf8("{\"id\": \"img-1\"}")),
                Map.entry("random", random),
                Map.entry("latin-1", "M\u00fcnster".getBytes(StandardCharsets.ISO_8859_1)),
                Map.entry("control-characters", new byte[] {'a', 1, 'b'}),
                Map.entry("png-cut-at-its-first-newline", Arrays.copyOf(SampleImages.png(img), 5)),
                Map.entry("zero-and-too-short-for-an-id", new byte[] {0, 0, 1}));
        cases.forEach((name, expected) -> assertEquals(expected, InputFormat.of(values.get(name)), name));
        assertEquals(263, InputFormat.registrySchemaId(new byte[] {0, 0, 0, 1, 7, 2, 'a'}));
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
