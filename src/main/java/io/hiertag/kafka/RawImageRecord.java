package io.hiertag.kafka;

import io.hiertag.avro.ImageEvent;
import io.hiertag.avro.InputHeader;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.utils.Utils;

/**
 * An input record whose value is the image file itself, as any producer can send one without Avro (kcat, a
 * script): the key is the image id, and {@code hiertag.*} headers carry what the other {@code ImageEvent} fields
 * would. The record's timestamp is the time it was published.
 */
public final class RawImageRecord {

    /** Headers with names starting so are hiertag's: read from a raw image, refused when unknown. */
    public static final String HEADER_PREFIX = "hiertag.";
    /** The label set to tag with; the {@code ImageEvent} default when absent. */
    public static final String LABEL_SET = HEADER_PREFIX + "label-set";
    /** The true label, as in {@code ImageEvent.groundTruth}. */
    public static final String GROUND_TRUTH = HEADER_PREFIX + "ground-truth";
    /** {@code hiertag.attr.NAME} sets attribute NAME, copied onto the tag. */
    public static final String ATTRIBUTE_PREFIX = HEADER_PREFIX + "attr.";

    private RawImageRecord() {
    }

    /** The record's {@code hiertag.*} headers, in order: what a raw image's event is made of. */
    public static List<InputHeader> headersOf(Headers headers) {
        List<InputHeader> out = new ArrayList<>();
        if (headers != null) {
            for (Header h : headers) {
                if (h.key().startsWith(HEADER_PREFIX)) {
                    out.add(new InputHeader(h.key(), h.value() == null ? null : ByteBuffer.wrap(h.value())));
                }
            }
        }
        return out;
    }

    /** Adds the headers to an output record's, so that a raw image's dead letter can be replayed as it came. */
    public static Headers toKafka(List<InputHeader> headers, Headers onto) {
        for (InputHeader h : headers) {
            onto.add(h.getName(), h.getValue() == null ? null : Utils.toArray(h.getValue()));
        }
        return onto;
    }

    /** The image id a key gives: its UTF-8 text, or empty when there is no key, a blank one or not UTF-8. */
    public static Optional<String> id(byte[] key) {
        return key == null ? Optional.empty() : InputFormat.utf8(key).filter(id -> !id.isBlank());
    }

    /**
     * The event a raw image record stands for.
     *
     * @throws IllegalArgumentException naming the header, for one that is unknown, repeated or not UTF-8
     */
    public static ImageEvent event(String id, byte[] image, List<InputHeader> headers, long timestamp) {
        ImageEvent.Builder event = ImageEvent.newBuilder().setId(id).setImage(ByteBuffer.wrap(image))
                .setPublishedAt(timestamp < 0 ? null : Instant.ofEpochMilli(timestamp));
        Map<String, String> attributes = new LinkedHashMap<>();
        Set<String> seen = new HashSet<>();
        for (InputHeader h : headers) {
            String name = h.getName();
            if (!seen.add(name)) {
                throw new IllegalArgumentException("header " + name + " is given more than once; give it once");
            }
            String value = h.getValue() == null ? "" : InputFormat.utf8(Utils.toArray(h.getValue()))
                    .orElseThrow(() -> new IllegalArgumentException("header " + name + " is not UTF-8 text"));
            if (name.equals(LABEL_SET)) {
                event.setLabelSet(value);
            } else if (name.equals(GROUND_TRUTH)) {
                event.setGroundTruth(value);
            } else if (name.startsWith(ATTRIBUTE_PREFIX) && name.length() > ATTRIBUTE_PREFIX.length()) {
                attributes.put(name.substring(ATTRIBUTE_PREFIX.length()), value);
            } else {
                throw new IllegalArgumentException("header " + name + " is not one hiertag reads: "
                        + LABEL_SET + ", " + GROUND_TRUTH + " or " + ATTRIBUTE_PREFIX + "NAME (any other header "
                        + "is passed over when its name does not start with " + HEADER_PREFIX + ")");
            }
        }
        return event.setAttributes(attributes).build();
    }
}
