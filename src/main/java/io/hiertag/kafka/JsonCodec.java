package io.hiertag.kafka;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.apache.avro.Conversion;
import org.apache.avro.Conversions;
import org.apache.avro.LogicalType;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.utils.Utils;

/**
 * A generated Avro record as one plain JSON object, for consumers that want no Avro at all: each field under its
 * name, in schema order; a nullable field is its value or {@code null}; records are objects, arrays arrays, maps
 * objects, enums their symbol; {@code bytes} are base64 (RFC 4648, with padding); a {@code timestamp-millis} is
 * milliseconds since the epoch. Reading takes the same shape back, with a missing field taking its schema default
 * and members the schema does not have passed over (written by a newer version).
 *
 * <p>Written by hand because Avro's own JSON encoding wraps every non-null union value in an object naming its
 * branch ({@code {"string": "n01440764"}}) and writes bytes as ISO-8859-1 text, which is not the shape a consumer
 * without Avro expects; Jackson does the JSON, this class only walks the schema.
 */
public final class JsonCodec<T extends SpecificRecord> {

    private static final JsonMapper JSON = JsonMapper.builder()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS) // a float is read from its decimal text
            .build();

    private final Class<T> type;
    private final Schema schema;
    private final SpecificData model;

    /** @throws IllegalArgumentException if the schema has a union JSON cannot tell apart: more than null and one */
    public JsonCodec(Class<T> type) {
        this.type = Objects.requireNonNull(type, "type");
        this.model = SpecificData.getForClass(type);
        this.schema = model.getSchema(type);
        checkUnions(schema, new HashSet<>());
    }

    private static void checkUnions(Schema s, Set<String> seen) {
        switch (s.getType()) {
            case RECORD -> {
                if (seen.add(s.getFullName())) {
                    s.getFields().forEach(f -> checkUnions(f.schema(), seen));
                }
            }
            case ARRAY -> checkUnions(s.getElementType(), seen);
            case MAP -> checkUnions(s.getValueType(), seen);
            case UNION -> {
                if (s.getTypes().size() != 2 || !s.isNullable()) {
                    throw new IllegalArgumentException("JSON output cannot tell the branches of " + s + " apart; "
                            + "only a union of null and one type can be written");
                }
                checkUnions(nonNull(s), seen);
            }
            default -> { }
        }
    }

    private static Schema nonNull(Schema union) {
        return union.getTypes().get(union.getTypes().get(0).getType() == Schema.Type.NULL ? 1 : 0);
    }

    public byte[] write(T record) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator g = JSON.createGenerator(out, JsonEncoding.UTF8)) {
            write(schema, record, g);
        } catch (IOException | RuntimeException e) {
            throw new SerializationException("Cannot write " + type.getName() + " as JSON: " + e, e);
        }
        return out.toByteArray();
    }

    public T read(byte[] json) {
        try {
            return type.cast(read(schema, JSON.readTree(json), type.getSimpleName()));
        } catch (IOException | RuntimeException e) {
            throw new SerializationException("Cannot read a " + type.getName() + " from JSON (" + json.length
                    + " bytes): " + e.getMessage(), e);
        }
    }

    private void write(Schema s, Object datum, JsonGenerator g) throws IOException {
        Object value = toRaw(s, datum);
        switch (s.getType()) {
            case RECORD -> {
                g.writeStartObject();
                for (Schema.Field f : s.getFields()) {
                    g.writeFieldName(f.name());
                    write(f.schema(), ((SpecificRecord) value).get(f.pos()), g);
                }
                g.writeEndObject();
            }
            case UNION -> {
                if (value == null) {
                    g.writeNull();
                } else {
                    write(nonNull(s), value, g);
                }
            }
            case ARRAY -> {
                g.writeStartArray();
                for (Object item : (Iterable<?>) value) {
                    write(s.getElementType(), item, g);
                }
                g.writeEndArray();
            }
            case MAP -> {
                g.writeStartObject();
                for (Map.Entry<?, ?> e : ((Map<?, ?>) value).entrySet()) {
                    g.writeFieldName(e.getKey().toString());
                    write(s.getValueType(), e.getValue(), g);
                }
                g.writeEndObject();
            }
            case ENUM, STRING -> g.writeString(value.toString());
            case BYTES -> g.writeString(Base64.getEncoder().encodeToString(Utils.toArray((ByteBuffer) value)));
            case INT -> g.writeNumber((Integer) value);
            case LONG -> g.writeNumber((Long) value);
            case FLOAT -> g.writeNumber((Float) value);
            case DOUBLE -> g.writeNumber((Double) value);
            case BOOLEAN -> g.writeBoolean((Boolean) value);
            case NULL -> g.writeNull();
            default -> throw new IllegalArgumentException("no JSON form for Avro type " + s.getType());
        }
    }

    /** @param where the path to this value, for the message of a value of the wrong kind */
    private Object read(Schema s, JsonNode node, String where) {
        if (s.getType() == Schema.Type.UNION) {
            return node == null || node.isNull() ? null : read(nonNull(s), node, where);
        }
        if (node == null || node.isNull()) {
            throw new IllegalArgumentException(where + " is missing or null");
        }
        Object raw = switch (s.getType()) {
            case RECORD -> record(s, node, where);
            case ARRAY -> {
                List<Object> items = new ArrayList<>();
                int i = 0;
                for (JsonNode item : expect(node, node.isArray(), "an array", where)) {
                    items.add(read(s.getElementType(), item, where + "[" + i++ + "]"));
                }
                yield items;
            }
            case MAP -> {
                Map<String, Object> entries = new LinkedHashMap<>();
                Iterator<Map.Entry<String, JsonNode>> it = expect(node, node.isObject(), "an object", where).fields();
                while (it.hasNext()) {
                    Map.Entry<String, JsonNode> e = it.next();
                    entries.put(e.getKey(), read(s.getValueType(), e.getValue(), where + "." + e.getKey()));
                }
                yield entries;
            }
            case ENUM -> model.createEnum(expect(node, node.isTextual(), "a symbol", where).textValue(), s);
            case STRING -> expect(node, node.isTextual(), "a string", where).textValue();
            case BYTES -> ByteBuffer.wrap(Base64.getDecoder().decode(
                    expect(node, node.isTextual(), "a base64 string", where).textValue()));
            case INT -> expect(node, node.canConvertToInt() && node.isIntegralNumber(), "a whole number", where)
                    .intValue();
            case LONG -> expect(node, node.canConvertToLong() && node.isIntegralNumber(), "a whole number", where)
                    .longValue();
            case FLOAT -> Float.parseFloat(number(node, where));
            case DOUBLE -> Double.parseDouble(number(node, where));
            case BOOLEAN -> expect(node, node.isBoolean(), "true or false", where).booleanValue();
            default -> throw new IllegalArgumentException("no JSON form for Avro type " + s.getType());
        };
        return fromRaw(s, raw);
    }

    private Object record(Schema s, JsonNode node, String where) {
        expect(node, node.isObject(), "an object", where);
        Object record = model.newRecord(null, s);
        for (Schema.Field f : s.getFields()) {
            JsonNode member = node.get(f.name());
            Object value = member == null && f.hasDefaultValue() ? model.deepCopy(f.schema(), model.getDefaultValue(f))
                    : read(f.schema(), member, where + "." + f.name());
            model.setField(record, f.name(), f.pos(), value);
        }
        return record;
    }

    /** A number as its decimal text (or NaN and the infinities, which Jackson writes as strings). */
    private static String number(JsonNode node, String where) {
        return expect(node, node.isNumber() || node.isTextual(), "a number", where).isNumber()
                ? node.numberValue().toString() : node.textValue();
    }

    private static JsonNode expect(JsonNode node, boolean ok, String what, String where) {
        if (!ok) {
            throw new IllegalArgumentException(where + " should be " + what + ", not " + node);
        }
        return node;
    }

    /** A logical type's value (an {@code Instant}) as its Avro type's (a long). */
    private Object toRaw(Schema s, Object datum) {
        LogicalType logical = s.getLogicalType();
        Conversion<?> conversion = logical == null ? null : model.getConversionFor(logical);
        return conversion == null || datum == null || !conversion.getConvertedType().isInstance(datum) ? datum
                : Conversions.convertToRawType(datum, s, logical, conversion);
    }

    private Object fromRaw(Schema s, Object raw) {
        LogicalType logical = s.getLogicalType();
        Conversion<?> conversion = logical == null ? null : model.getConversionFor(logical);
        return conversion == null ? raw : Conversions.convertToLogicalType(raw, s, logical, conversion);
    }
}
