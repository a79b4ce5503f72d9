package io.hiertag.kafka;

import io.hiertag.image.ImageFormat;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * What an input record's value is, told from its first bytes, so that each kind gets the handling (or the dead
 * letter) meant for it: an {@code ImageEvent}, an image file published as it is, a schema-registry record, or text.
 */
public enum InputFormat {
    /** Avro single-object encoding: {@code C3 01} and an 8-byte schema fingerprint. */
    AVRO_SINGLE_OBJECT,
    /** An image file, recognised by its magic bytes ({@link ImageFormat#sniff}), decodable or not. */
    IMAGE,
    /** A schema-registry serializer's framing: byte {@code 00}, then a 4-byte big-endian schema id. */
    SCHEMA_REGISTRY,
    /** UTF-8 text, such as one line of a file sent by a tool that makes a record of each line. */
    TEXT,
    /** None of these. */
    UNRECOGNISED;

    /** Framing byte plus schema id of the Confluent wire format, which a body follows. */
    private static final int REGISTRY_HEADER = 5;

    /**
     * The kind of {@code value}. Images are looked for before the registry framing: a few image formats also start
     * with a zero byte, and their signatures are longer and so less likely to match by chance.
     */
    public static InputFormat of(byte[] value) {
        if (AvroSerde.hasSingleObjectHeader(value)) {
            return AVRO_SINGLE_OBJECT;
        }
        if (ImageFormat.sniff(value) != null) {
            return IMAGE;
        }
        if (value.length > REGISTRY_HEADER && value[0] == 0) {
            return SCHEMA_REGISTRY;
        }
        return isText(value) ? TEXT : UNRECOGNISED;
    }

    /** How people call the format of an {@link #IMAGE} value, e.g. {@code JPEG} or {@code HEIC/HEIF}. */
    public static String imageFormatName(byte[] value) {
        return ImageFormat.sniff(value).displayName();
    }

    /** The schema id of a {@link #SCHEMA_REGISTRY} value. */
    public static long registrySchemaId(byte[] value) {
        return ByteBuffer.wrap(value, 1, 4).getInt() & 0xffffffffL;
    }

    /** Well-formed UTF-8 without control characters other than tab, line feed, form feed and carriage return. */
    static boolean isText(byte[] value) {
        return value.length > 0 && utf8(value).map(text -> text.chars().allMatch(c -> c >= 0x20 && c != 0x7f
                || c == '\t' || c == '\n' || c == '\f' || c == '\r')).orElse(false);
    }

    /** The bytes as UTF-8 text, or empty when they are not well-formed UTF-8 (Java would put U+FFFD in). */
    static Optional<String> utf8(byte[] bytes) {
        try {
            return Optional.of(StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString());
        } catch (CharacterCodingException e) {
            return Optional.empty();
        }
    }
}
