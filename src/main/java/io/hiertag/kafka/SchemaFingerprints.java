package io.hiertag.kafka;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;

/**
 * Schema fingerprints as producers see them, for the message an unknown one gets: written in wire byte order (the
 * 8 bytes after {@code C3 01}, CRC-64-AVRO little-endian), and checked against the mistakes outside producers make,
 * so the message can say which one it was.
 */
final class SchemaFingerprints {

    /** One schema a serde reads, and how to name it to a person: version "current schema" or "older schema 1". */
    record Known(String recordName, String version, Schema schema) {
        long fingerprint() {
            return SchemaNormalization.parsingFingerprint64(schema);
        }

        String describe() {
            return recordName + "'s " + version;
        }
    }

    /** Every schema some serde in this JVM reads, by fingerprint: to recognise a record of another type. */
    private static final Map<Long, Known> ALL = new ConcurrentHashMap<>();

    private SchemaFingerprints() {
    }

    static void register(List<Known> schemas) {
        schemas.forEach(k -> ALL.putIfAbsent(k.fingerprint(), k));
    }

    /** The fingerprint as its 8 bytes appear on the wire, in hex: what {@code xxd} shows after {@code c301}. */
    static String wireHex(long fingerprint) {
        return HexFormat.of().formatHex(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(fingerprint)
                .array());
    }

    /** The fingerprint a record's header carries; the caller has checked that the header is there. */
    static long read(byte[] data) {
        return ByteBuffer.wrap(data, 2, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
    }

    /**
     * Why {@code found} is none of {@code own} (one type's schemas, current first), with the fingerprints they
     * have, for a producer to compare with its own.
     */
    static String unknown(long found, List<Known> own) {
        String type = own.get(0).recordName();
        StringBuilder m = new StringBuilder("schema fingerprint ").append(wireHex(found))
                .append(" (the 8 bytes after C3 01) is not that of any ").append(type).append(" schema: ")
                .append(own.stream().map(k -> wireHex(k.fingerprint()) + " (" + k.version() + ")")
                        .collect(Collectors.joining(", ")))
                .append(". ");
        Known other = ALL.get(found);
        if (other != null) {
            return m.append("It is the fingerprint of ").append(other.describe()).append(": the record is of type ")
                    .append(other.recordName()).append(", where ").append(type).append(" is expected").toString();
        }
        for (Known k : own) {
            if (found == fingerprintKeepingLogicalTypes(k.schema())) {
                return m.append("It is the ").append(k.version()).append("'s fingerprint over a canonical form that "
                        + "keeps its logical types ({\"type\":\"long\"} where the Parsing Canonical Form has "
                        + "\"long\"), as python3-avro 1.11.1's canonical_form writes it: fingerprint the Parsing "
                        + "Canonical Form instead (docs/clients.md shows how)").toString();
            }
            if (found == Long.reverseBytes(k.fingerprint())) {
                return m.append("It is the ").append(k.version()).append("'s fingerprint with its bytes reversed: "
                        + "write it little-endian").toString();
            }
        }
        return m.append("The usual cause is a fingerprint computed over a canonical form that keeps logical types "
                + "({\"type\":\"long\"} where the Parsing Canonical Form has \"long\"), as python3-avro 1.11.1's "
                + "canonical_form does (docs/clients.md shows the right way); otherwise the producer wrote a "
                + "schema version this build does not know (add it to schemas/history/ and its index.txt)").toString();
    }

    /** CRC-64-AVRO of {@link #formKeepingLogicalTypes}. */
    static long fingerprintKeepingLogicalTypes(Schema schema) {
        return SchemaNormalization.fingerprint64(formKeepingLogicalTypes(schema).getBytes(StandardCharsets.UTF_8));
    }

    /**
     * The Parsing Canonical Form except that a primitive type with a logical type stays an object,
     * {@code {"type":"long"}}, where the specification reduces it to {@code "long"}: what python3-avro 1.11.1's
     * {@code canonical_form} gives for our {@code .avsc} files, and so what a producer fingerprinting it computes. Avro's Java library can only
     * write the correct form, hence this one by hand.
     */
    static String formKeepingLogicalTypes(Schema schema) {
        StringBuilder out = new StringBuilder();
        write(schema, new HashSet<>(), out);
        return out.toString();
    }

    private static void write(Schema s, Set<String> defined, StringBuilder out) {
        switch (s.getType()) {
            case RECORD, ENUM, FIXED -> {
                if (!defined.add(s.getFullName())) {
                    out.append('"').append(s.getFullName()).append('"');
                    return;
                }
                out.append("{\"name\":\"").append(s.getFullName()).append("\",\"type\":\"").append(s.getType()
                        .getName()).append('"');
                if (s.getType() == Schema.Type.RECORD) {
                    out.append(",\"fields\":[");
                    for (Schema.Field f : s.getFields()) {
                        out.append(f.pos() == 0 ? "" : ",").append("{\"name\":\"").append(f.name()).append(
                                "\",\"type\":");
                        write(f.schema(), defined, out);
                        out.append('}');
                    }
                    out.append(']');
                } else if (s.getType() == Schema.Type.ENUM) {
                    out.append(",\"symbols\":[").append(s.getEnumSymbols().stream().map(e -> '"' + e + '"')
                            .collect(Collectors.joining(","))).append(']');
                } else {
                    out.append(",\"size\":").append(s.getFixedSize());
                }
                out.append('}');
            }
            case ARRAY -> {
                out.append("{\"type\":\"array\",\"items\":");
                write(s.getElementType(), defined, out);
                out.append('}');
            }
            case MAP -> {
                out.append("{\"type\":\"map\",\"values\":");
                write(s.getValueType(), defined, out);
                out.append('}');
            }
            case UNION -> {
                out.append('[');
                for (int i = 0; i < s.getTypes().size(); i++) {
                    out.append(i == 0 ? "" : ",");
                    write(s.getTypes().get(i), defined, out);
                }
                out.append(']');
            }
            // Only the logical type counts: the other attributes a generated class's schema has (avro.java.string)
            // are not in the .avsc files that producers have.
            default -> out.append(s.getLogicalType() != null ? "{\"type\":\"" + s.getType().getName() + "\"}"
                    : "\"" + s.getType().getName() + "\"");
        }
    }
}
