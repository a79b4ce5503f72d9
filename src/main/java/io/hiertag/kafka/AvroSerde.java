package io.hiertag.kafka;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.message.MissingSchemaException;
import org.apache.avro.message.SchemaStore;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.apache.avro.util.ClassSecurityValidator;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
  * Kafka serde for a generated Avro class in Avro single-object encoding: {@code C3 01}, the 8-byte
  * little-endian CRC-64-AVRO fingerprint of the writer's schema, then the binary body.
  *
  * <p>Values are always written with the class's current schema. Values written with any older version
  * registered here are read into the current class by Avro schema resolution. A null value is a null
  * byte array both ways, so tombstones pass through.
  *
  * <p>An instance holds no per-call state (Avro's message encoder, decoder and schema cache are documented
  * thread-safe), so it and its serializer and deserializer can be shared by every client and stream thread.
  */
public final class AvroSerde<T extends SpecificRecord> implements Serde<T> {

    /** Classpath folder of released older schema versions, {@code <RecordName>-v<N>.avsc}. */
    public static final String HISTORY_DIR = "hiertag/schemas/history/";

    /**
      * Lists the files of {@link #HISTORY_DIR}, one per line; blank lines and {@code #} comments are
      * ignored. Folders inside jars cannot be listed portably, hence an explicit index.
      */
    public static final String HISTORY_INDEX = HISTORY_DIR + "index.txt";

    private static final Pattern HISTORY_FILE = Pattern.compile("([A-Za-z_][A-Za-z0-9_]*)-v[0-9]+\\.avsc");
    private static final int HEADER_LENGTH = 10;
    private static final byte MAGIC_0 = (byte) 0xC3;
    private static final byte MAGIC_1 = (byte) 0x01;

    private static final Set<String> TRUSTED_CLASSES = ConcurrentHashMap.newKeySet();
    private static boolean trustPredicateInstalled;

    private final Class<T> type;
    private final BinaryMessageEncoder<T> encoder;
    private final BinaryMessageDecoder<T> decoder;
    private final List<SchemaFingerprints.Known> known;

    /**
      * Serde that writes {@code currentSchema} and reads it plus every schema in {@code olderVersions}.
      *
      * @throws IllegalArgumentException if {@code currentSchema} cannot read one of the older versions
      */
    public AvroSerde(Class<T> type, Schema currentSchema, Collection<Schema> olderVersions) {
        this.type = Objects.requireNonNull(type, "type");
        Objects.requireNonNull(currentSchema, "currentSchema");
        for (Schema older : olderVersions) {
            SchemaCompatibility.SchemaPairCompatibility result =
                    SchemaCompatibility.checkReaderWriterCompatibility(currentSchema, older);
            if (result.getType() != SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE) {
                throw new IllegalArgumentException("The current schema of " + currentSchema.getFullName()
                        + " cannot read the older version with fingerprint "
                        + SchemaFingerprints.wireHex(SchemaNormalization.parsingFingerprint64(older))
                        + "; make the change backward compatible (e.g. give new fields a default): "
                        + result.getResult().getIncompatibilities());
            }
        }
        trust(currentSchema);
        SpecificData model = SpecificData.getForClass(type);
        SchemaStore.Cache store = new SchemaStore.Cache();
        List<SchemaFingerprints.Known> schemas = new ArrayList<>();
        schemas.add(new SchemaFingerprints.Known(currentSchema.getName(), "current schema", currentSchema));
        for (Schema older : olderVersions) {
            store.addSchema(older);
            schemas.add(new SchemaFingerprints.Known(currentSchema.getName(), "older schema " + schemas.size(), older));
        }
        this.known = List.copyOf(schemas);
        SchemaFingerprints.register(known);
        this.encoder = new BinaryMessageEncoder<>(model, currentSchema);
        this.decoder = new BinaryMessageDecoder<>(model, currentSchema, store);
    }

    /**
      * Serde for a generated class: its own schema, plus the older versions listed for its record name in
      * {@link #HISTORY_INDEX}.
      */
    public static <T extends SpecificRecord> AvroSerde<T> of(Class<T> type) {
        Schema current = SpecificData.getForClass(type).getSchema(type);
        return new AvroSerde<>(type, current, schemaHistory(current.getName()));
    }

    /** The older versions of record {@code recordName} listed in {@link #HISTORY_INDEX}; empty when there is no index. */
    public static List<Schema> schemaHistory(String recordName) {
        return schemaHistory(AvroSerde.class.getClassLoader(), recordName);
    }

    static List<Schema> schemaHistory(ClassLoader loader, String recordName) {
        List<Schema> history = new ArrayList<>();
        for (String file : historyIndex(loader)) {
            Matcher m = HISTORY_FILE.matcher(file);
            if (!m.matches()) {
                throw new IllegalStateException(HISTORY_INDEX + " lists '" + file
                        + "', which is not named <RecordName>-v<N>.avsc");
            }
            if (!m.group(1).equals(recordName)) {
                continue;
            }
            try (InputStream in = loader.getResourceAsStream(HISTORY_DIR + file)) {
                if (in == null) {
                    throw new IllegalStateException(HISTORY_INDEX + " lists '" + file + "' but " + HISTORY_DIR + file
                            + " is not on the classpath");
                }
                history.add(new Schema.Parser().parse(in));
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot read " + HISTORY_DIR + file, e);
            }
        }
        return history;
    }

    private static List<String> historyIndex(ClassLoader loader) {
        try (InputStream in = loader.getResourceAsStream(HISTORY_INDEX)) {
            if (in == null) {
                return List.of();
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines()
                    .map(String::strip)
                    .filter(line -> !line.isEmpty() && !line.startsWith("#"))
                    .collect(Collectors.toList());
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + HISTORY_INDEX, e);
        }
    }

    /**
      * Avro 1.12.2 refuses to instantiate classes outside its allow-list. The allow-list is a JVM-wide
      * predicate, so ours is installed once, on top of whatever was there, and fed the named types of each
      * schema a serde reads into. Avro's global field is not volatile; this runs in the constructor, before the
      * serde reaches the client threads that start later.
      */
    private static synchronized void trust(Schema schema) {
        collectNamedTypes(schema, new HashSet<>());
        if (!trustPredicateInstalled) {
            ClassSecurityValidator.setGlobal(ClassSecurityValidator.composite(
                    ClassSecurityValidator.getGlobal(), c -> TRUSTED_CLASSES.contains(c.getName())));
            trustPredicateInstalled = true;
        }
    }

    private static void collectNamedTypes(Schema schema, Set<String> seen) {
        switch (schema.getType()) {
            case RECORD -> {
                if (seen.add(schema.getFullName())) {
                    TRUSTED_CLASSES.add(SpecificData.getClassName(schema));
                    schema.getFields().forEach(f -> collectNamedTypes(f.schema(), seen));
                }
            }
            case ENUM, FIXED -> TRUSTED_CLASSES.add(SpecificData.getClassName(schema));
            case ARRAY -> collectNamedTypes(schema.getElementType(), seen);
            case MAP -> collectNamedTypes(schema.getValueType(), seen);
            case UNION -> schema.getTypes().forEach(t -> collectNamedTypes(t, seen));
            default -> { }
        }
    }

    @Override
    public Serializer<T> serializer() {
        return this::serialize;
    }

    @Override
    public Deserializer<T> deserializer() {
        return this::deserialize;
    }

    private byte[] serialize(String topic, T data) {
        if (data == null) {
            return null;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            encoder.encode(data, out);
        } catch (IOException | RuntimeException e) {
            throw new SerializationException("Cannot encode " + type.getName() + " for topic " + topic + ": " + e, e);
        }
        return out.toByteArray();
    }

    private T deserialize(String topic, byte[] data) {
        if (data == null) {
            return null;
        }
        if (data.length < HEADER_LENGTH || !hasSingleObjectHeader(data)) {
            throw new SerializationException("Record on topic " + topic + " is not Avro single-object encoding"
                    + (hasSingleObjectHeader(data) ? " (" + data.length + " bytes, fewer than the " + HEADER_LENGTH
                    + " of the header" : " (missing C3 01 header; " + data.length + " bytes starting "
                    + hexPrefix(data)) + "): the producer must write " + type.getName()
                    + " in Avro single-object encoding");
        }
        ByteArrayInputStream in = new ByteArrayInputStream(data);
        T value;
        try {
            value = decoder.decode(in, null);
        } catch (MissingSchemaException e) {
            throw new SerializationException("Record on topic " + topic + " is not an " + type.getName() + ": its "
                    + SchemaFingerprints.unknown(SchemaFingerprints.read(data), known), e);
        } catch (IOException | RuntimeException e) {
            throw corruptBody(topic, data.length, rootCause(e).toString(), e);
        }
        if (in.available() > 0) {
            throw corruptBody(topic, data.length, in.available() + " bytes left over after the record", null);
        }
        return value;
    }

    /** Whether {@code data} starts with the single-object encoding's marker, {@code C3 01}. */
    public static boolean hasSingleObjectHeader(byte[] data) {
        return data.length >= 2 && data[0] == MAGIC_0 && data[1] == MAGIC_1;
    }

    private SerializationException corruptBody(String topic, int length, String detail, Exception cause) {
        return new SerializationException("Record on topic " + topic + " has a known " + type.getName()
                + " schema fingerprint but a corrupt body (" + length + " bytes; " + detail
                + "): the value was truncated or altered after encoding", cause);
    }

    /** Avro wraps the telling exception (e.g. an EOFException) in a generic "Decoding datum failed". */
    private static Throwable rootCause(Throwable e) {
        Throwable cause = e;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return cause;
    }

    private static String hexPrefix(byte[] data) {
        StringBuilder hex = new StringBuilder();
        for (int i = 0; i < Math.min(data.length, 4); i++) {
            hex.append(String.format("%02X ", data[i]));
        }
        return data.length == 0 ? "(empty)" : hex.toString().strip();
    }
}
