package io.hiertag.streams;

import io.hiertag.avro.ImageEvent;
import io.hiertag.avro.PendingImage;
import io.hiertag.kafka.InputFormat;
import io.hiertag.kafka.RawImageRecord;
import io.hiertag.kafka.Topics;
import io.hiertag.tagging.ImageEventValidator;
import io.hiertag.tagging.RejectedInputException;
import io.hiertag.tagging.RejectionReason;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.apache.kafka.common.errors.SerializationException;

/**
 * Reads the {@link ImageEvent} an input record stands for and validates it: an event in Avro single-object
 * encoding, or an image file published as it is (key and headers give the rest, see {@link RawImageRecord}).
 * Anything else is refused with what it looks like and how to publish instead. Used when a record arrives and
 * again when its batch is flushed, since the buffer keeps the record exactly as it came (for the dead letter).
 */
final class ImageEventReader {

    /** How to publish, for the messages of values that are neither form. */
    private static final String HOW_TO_PUBLISH = "publish the image file itself, its id as the record key and "
            + "headers " + RawImageRecord.LABEL_SET + ", " + RawImageRecord.GROUND_TRUTH + ", "
            + RawImageRecord.ATTRIBUTE_PREFIX + "NAME, or an ImageEvent in Avro single-object encoding (C3 01 and "
            + "the fingerprint of schemas/ImageEvent.avsc); docs/clients.md shows both";
    /** What cut a file into records, the usual source of pieces and lines on an image topic. */
    private static final String LINE_BY_LINE = "a tool that makes a record of each line it reads (kcat -P < file, "
            + "kafka-console-producer) cuts a file at its newline bytes: give the file as an argument instead, one "
            + "record per file (kcat -P -t TOPIC -k ID FILE)";
    private static final int PREVIEW = 40;

    private final ImageEventValidator validator;
    private final boolean rawImages;

    /** @param rawImages whether image files published as they are get tagged ({@code input.raw-images}) */
    ImageEventReader(ImageEventValidator validator, boolean rawImages) {
        this.validator = validator;
        this.rawImages = rawImages;
    }

    ImageEvent read(PendingImage record) throws RejectedInputException {
        byte[] value = DeadLetters.bytes(record.getValue());
        if (value.length == 0) {
            throw refused(RejectionReason.EMPTY_VALUE, "the record has no value; " + HOW_TO_PUBLISH);
        }
        ImageEvent event = switch (InputFormat.of(value)) {
            case AVRO_SINGLE_OBJECT -> avro(record.getTopic(), value);
            case IMAGE -> rawImage(record, value);
            case SCHEMA_REGISTRY -> throw refused(RejectionReason.SCHEMA_REGISTRY_FORMAT, "the value is framed for "
                    + "a schema registry (Confluent wire format: byte 00, then schema id "
                    + InputFormat.registrySchemaId(value) + "), which hiertag does not use; without a registry "
                    + "serializer, " + HOW_TO_PUBLISH);
            case TEXT -> throw refused(RejectionReason.TEXT_VALUE, text(value));
            case UNRECOGNISED -> throw refused(RejectionReason.NOT_AN_IMAGE_EVENT, "the value (" + value.length
                    + " bytes starting " + hex(value) + ") is neither an image file nor an ImageEvent in Avro "
                    + "single-object encoding: " + HOW_TO_PUBLISH + ". If it is a piece of a file, " + LINE_BY_LINE);
        };
        validator.validate(event);
        return event;
    }

    /**
     * The rejection of a record that was read, saying more where its bytes suggest why: a raw image that cannot be
     * decoded is most often the first line of a file that was sent line by line.
     */
    static RejectedInputException explained(PendingImage record, RejectedInputException e) {
        return e.reason() == RejectionReason.UNREADABLE_IMAGE
                && InputFormat.of(DeadLetters.bytes(record.getValue())) == InputFormat.IMAGE
                ? e.withMessage(e.getMessage() + ". If this is the first line of a file, " + LINE_BY_LINE) : e;
    }

    private static ImageEvent avro(String topic, byte[] value) throws RejectedInputException {
        try {
            return Topics.IMAGE_EVENT.deserializer().deserialize(topic, value);
        } catch (SerializationException e) {
            throw refused(RejectionReason.NOT_AN_IMAGE_EVENT, e.getMessage());
        }
    }

    private ImageEvent rawImage(PendingImage record, byte[] value) throws RejectedInputException {
        String what = "the value is a " + InputFormat.imageFormatName(value) + " image file";
        if (!rawImages) {
            throw refused(RejectionReason.RAW_IMAGE_REFUSED, what + ", and this instance takes only ImageEvents "
                    + "(input.raw-images=false): publish it inside an ImageEvent in Avro single-object encoding "
                    + "(schemas/ImageEvent.avsc), or set input.raw-images=true");
        }
        String id = RawImageRecord.id(record.getKey() == null ? null : DeadLetters.bytes(record.getKey()))
                .orElseThrow(() -> refused(RejectionReason.MISSING_ID, what + " and the record has no key (or a "
                        + "blank one, or one that is not UTF-8 text): the key of a raw image is its id; give one, "
                        + "e.g. kcat -P -t TOPIC -k ID FILE"));
        try {
            return RawImageRecord.event(id, value, record.getHeaders(), record.getTimestamp());
        } catch (IllegalArgumentException e) {
            throw refused(RejectionReason.INVALID_HEADER, what + ", but its " + e.getMessage());
        }
    }

    private static String text(byte[] value) {
        String text = new String(value, StandardCharsets.UTF_8);
        String start = text.strip();
        String preview = start.length() <= PREVIEW ? start : start.substring(0, PREVIEW) + "…";
        boolean json = start.startsWith("{") || start.startsWith("[");
        return "the value is " + value.length + " bytes of text (\"" + preview.replaceAll("\\s", " ") + "\"), not "
                + "an image file or an ImageEvent" + (json ? "; hiertag reads no JSON (output.format=json is for "
                + "what it writes)" : "") + ": " + HOW_TO_PUBLISH + ". If it is a line of a file, " + LINE_BY_LINE;
    }

    private static String hex(byte[] value) {
        return HexFormat.ofDelimiter(" ").withUpperCase().formatHex(value, 0, Math.min(8, value.length));
    }

    private static RejectedInputException refused(RejectionReason reason, String message) {
        return new RejectedInputException(reason, message, null);
    }
}
