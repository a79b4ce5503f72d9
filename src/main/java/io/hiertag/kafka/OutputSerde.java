package io.hiertag.kafka;

import io.hiertag.config.OutputFormat;
import java.util.Objects;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * The serde of an output topic's values: writes the configured {@link OutputFormat}, reads either, told apart by
 * the first byte ({@code C3} for Avro single-object encoding, <code>{</code> for JSON). Readers of a topic therefore
 * need no setting, and a topic whose format was switched while it held records stays readable from the start.
 */
public final class OutputSerde<T extends SpecificRecord> implements Serde<T> {

    private final AvroSerde<T> avro;
    private final JsonCodec<T> json;
    private final OutputFormat format;

    public OutputSerde(AvroSerde<T> avro, JsonCodec<T> json, OutputFormat format) {
        this.avro = Objects.requireNonNull(avro, "avro");
        this.json = Objects.requireNonNull(json, "json");
        this.format = Objects.requireNonNull(format, "format");
    }

    @Override
    public Serializer<T> serializer() {
        Serializer<T> avroWriter = avro.serializer();
        return (topic, value) -> value == null ? null
                : format == OutputFormat.JSON ? json.write(value) : avroWriter.serialize(topic, value);
    }

    @Override
    public Deserializer<T> deserializer() {
        Deserializer<T> avroReader = avro.deserializer();
        return (topic, data) -> data == null ? null
                : isJson(data) ? json.read(data) : avroReader.deserialize(topic, data);
    }

    /** A JSON object, possibly after white space; Avro single-object encoding starts with {@code C3}. */
    static boolean isJson(byte[] data) {
        for (byte b : data) {
            if (b == '{') {
                return true;
            }
            if (b != ' ' && b != '\t' && b != '\n' && b != '\r') {
                return false;
            }
        }
        return false;
    }
}
