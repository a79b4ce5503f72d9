package io.hiertag.convert;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One object of a checkpoint's JSON config, read with defaults where the publishing library has them, and with
 * every error naming the file and the field ({@code vision_cfg.width}).
 */
final class JsonConfig {

    /** A default of "absent or null", for {@link #refuseUnknown}. */
    static final Object NULL = new Object();
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path file;
    private final String path;
    private final JsonNode node;

    private JsonConfig(Path file, String path, JsonNode node) {
        this.file = file;
        this.path = path;
        this.node = node;
    }

    /** @throws CheckpointException when the file is missing or not a JSON object */
    static JsonConfig read(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new CheckpointException(file + ": file missing");
        }
        try {
            JsonNode root = JSON.readTree(file.toFile());
            if (root == null || !root.isObject()) {
                throw new CheckpointException(file + ": not a JSON object");
            }
            return new JsonConfig(file, "", root);
        } catch (JacksonException e) {
            throw new CheckpointException(file + ": not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + file, e);
        }
    }

    Path file() {
        return file;
    }

    /** @return {@code file: field} for messages */
    String where(String key) {
        return file + ": " + path + key;
    }

    boolean has(String key) {
        return node.has(key) && !node.get(key).isNull();
    }

    boolean isBoolean(String key) {
        return node.has(key) && node.get(key).isBoolean();
    }

    /** @return the field's JSON text, for messages */
    String raw(String key) {
        return String.valueOf(node.get(key));
    }

    boolean isObject(String key) {
        return node.has(key) && node.get(key).isObject();
    }

    boolean isArray(String key) {
        return node.has(key) && node.get(key).isArray();
    }

    /** @throws CheckpointException when the object is missing */
    JsonConfig object(String key) {
        JsonNode child = node.get(key);
        if (child == null || !child.isObject()) {
            throw new CheckpointException(file + ": field '" + path + key + "' missing or not an object");
        }
        return new JsonConfig(file, path + key + ".", child);
    }

    int integer(String key, int fallback) {
        JsonNode v = node.get(key);
        if (v == null || v.isNull()) {
            return fallback;
        }
        if (!v.canConvertToInt() || !v.isIntegralNumber()) {
            throw new CheckpointException(file + ": field '" + path + key + "' is " + v + ", expected an integer");
        }
        return v.asInt();
    }

    /** An integer, or a list of equal integers ({@code [224, 224]}), as OpenCLIP allows for sizes. */
    int side(String key, int fallback) {
        JsonNode v = node.get(key);
        if (v != null && v.isArray()) {
            if (v.size() != 2 || !v.get(0).isIntegralNumber() || v.get(0).asInt() != v.get(1).asInt()) {
                throw new CheckpointException(file + ": field '" + path + key + "' is " + v
                        + "; only square sizes are supported");
            }
            return v.get(0).asInt();
        }
        return integer(key, fallback);
    }

    double number(String key, double fallback) {
        JsonNode v = node.get(key);
        if (v == null || v.isNull()) {
            return fallback;
        }
        if (!v.isNumber()) {
            throw new CheckpointException(file + ": field '" + path + key + "' is " + v + ", expected a number");
        }
        return v.asDouble();
    }

    boolean bool(String key, boolean fallback) {
        JsonNode v = node.get(key);
        if (v == null || v.isNull()) {
            return fallback;
        }
        if (!v.isBoolean()) {
            throw new CheckpointException(file + ": field '" + path + key + "' is " + v + ", expected true or false");
        }
        return v.asBoolean();
    }

    String text(String key, String fallback) {
        JsonNode v = node.get(key);
        if (v == null || v.isNull()) {
            return fallback;
        }
        if (!v.isTextual()) {
            throw new CheckpointException(file + ": field '" + path + key + "' is " + v + ", expected a string");
        }
        return v.asText();
    }

    /** Three numbers (a per-channel mean or std), or the fallback when absent. */
    List<Double> triple(String key, List<Double> fallback) {
        JsonNode v = node.get(key);
        if (v == null || v.isNull()) {
            return fallback;
        }
        if (!v.isArray() || v.size() != 3) {
            throw new CheckpointException(file + ": field '" + path + key + "' is " + v + ", expected 3 numbers");
        }
        List<Double> out = new ArrayList<>();
        for (JsonNode x : v) {
            if (!x.isNumber()) {
                throw new CheckpointException(file + ": field '" + path + key + "' is " + v
                        + ", expected 3 numbers");
            }
            out.add(x.asDouble());
        }
        return List.copyOf(out);
    }

    /**
     * Refuses any field this code does not know, and any known option set to something other than its default: an
     * architecture the builders cannot reproduce must not be imported as if it were a plain one.
     *
     * @param understood fields read elsewhere, whatever their value
     * @param defaults options accepted only at these values ({@link #NULL}: absent or null)
     */
    void refuseUnknown(List<String> understood, Map<String, Object> defaults) {
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (understood.contains(key)) {
                continue;
            }
            if (!defaults.containsKey(key)) {
                throw new CheckpointException(file + ": unknown architecture: option '" + path + key + "' = "
                        + node.get(key) + " is not one hiertag knows; it builds plain ViT and transformer towers "
                        + "only");
            }
            JsonNode v = node.get(key);
            Object expected = defaults.get(key);
            Object found = v.isNull() ? null : v.isBoolean() ? v.asBoolean() : v.isNumber() ? v.asDouble()
                    : v.isTextual() ? v.asText() : v.toString();
            Object want = expected == NULL ? null
                    : expected instanceof Integer i ? (Object) i.doubleValue() : expected;
            if (!Objects.equals(found, want)) {
                throw new CheckpointException(file + ": unknown architecture: option '" + path + key + "' = " + v
                        + "; hiertag builds plain ViT and transformer towers only, with this option "
                        + (want == null ? "absent" : "at " + expected));
            }
        }
    }
}
