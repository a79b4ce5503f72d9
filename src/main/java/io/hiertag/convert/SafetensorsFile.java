package io.hiertag.convert;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@code .safetensors} file: an 8-byte little-endian header length, a JSON header naming each tensor's dtype,
 * shape and byte range, then the raw little-endian data. Every range is checked against the file's length when it
 * is opened, so a truncated file is refused, naming the tensor, before any graph is built; tensors are then read
 * one at a time.
 *
 * <p>Read by hand: DJL's {@code NDList.decode} reads the format too, but the whole file at once into engine memory
 * (twice a 600 MB checkpoint's size), with one generic error for any malformed file.
 */
final class SafetensorsFile implements TensorFile {

    // The format's own limit on the header (100 MB); anything larger is not a safetensors file.
    private static final long MAX_HEADER = 100_000_000L;
    private static final ObjectMapper JSON = new ObjectMapper();

    private record Range(long begin, long end) {}

    private final Path path;
    private final FileChannel channel;
    private final Map<String, TensorInfo> tensors;
    private final Map<String, Range> ranges;

    private SafetensorsFile(Path path, FileChannel channel, Map<String, TensorInfo> tensors,
            Map<String, Range> ranges) {
        this.path = path;
        this.channel = channel;
        this.tensors = tensors;
        this.ranges = ranges;
    }

    /**
     * @throws CheckpointException when the file is not a safetensors file or is shorter than its header says
     */
    static SafetensorsFile open(Path path) {
        FileChannel channel;
        try {
            channel = FileChannel.open(path, StandardOpenOption.READ);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + path, e);
        }
        try {
            return read(path, channel);
        } catch (RuntimeException e) {
            closeQuietly(channel);
            throw e;
        }
    }

    private static SafetensorsFile read(Path path, FileChannel channel) {
        try {
            long size = channel.size();
            ByteBuffer prefix = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            readFully(channel, prefix, 0);
            long headerLength = prefix.flip().remaining() == 8 ? prefix.getLong() : -1;
            if (headerLength < 2 || headerLength > MAX_HEADER || 8 + headerLength > size) {
                throw new CheckpointException(path + ": not a safetensors file (its first 8 bytes give a header of "
                        + headerLength + " bytes; the file has " + size + ")");
            }
            ByteBuffer header = ByteBuffer.allocate((int) headerLength);
            readFully(channel, header, 8);
            JsonNode root;
            try {
                root = JSON.readTree(new String(header.array(), StandardCharsets.UTF_8));
            } catch (JacksonException e) {
                throw new CheckpointException(path + ": not a safetensors file (its header is not JSON)");
            }
            if (root == null || !root.isObject()) {
                throw new CheckpointException(path + ": not a safetensors file (its header is not a JSON object)");
            }
            long dataStart = 8 + headerLength;
            Map<String, TensorInfo> tensors = new LinkedHashMap<>();
            Map<String, Range> ranges = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                if (field.getKey().equals("__metadata__")) {
                    continue;
                }
                TensorInfo info = info(path, field.getKey(), field.getValue());
                Range range = range(path, info, field.getValue(), dataStart, size);
                tensors.put(info.name(), info);
                ranges.put(info.name(), range);
            }
            return new SafetensorsFile(path, channel, Collections.unmodifiableMap(tensors), ranges);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + path, e);
        }
    }

    private static TensorInfo info(Path path, String name, JsonNode entry) {
        JsonNode dtype = entry.get("dtype");
        JsonNode shape = entry.get("shape");
        if (dtype == null || !dtype.isTextual() || shape == null || !shape.isArray()) {
            throw new CheckpointException(path + ": not a safetensors file (tensor '" + name
                    + "' has no dtype or shape in the header)");
        }
        List<Long> dims = new ArrayList<>();
        for (JsonNode d : shape) {
            if (!d.canConvertToLong() || d.asLong() < 0) {
                throw new CheckpointException(path + ": not a safetensors file (tensor '" + name
                        + "' has shape " + shape + ")");
            }
            dims.add(d.asLong());
        }
        DType type = switch (dtype.asText()) {
            case "F32" -> DType.F32;
            case "F16" -> DType.F16;
            case "BF16" -> DType.BF16;
            case "F64" -> DType.F64;
            default -> null;
        };
        return new TensorInfo(name, dtype.asText(), type, List.copyOf(dims));
    }

    private static Range range(Path path, TensorInfo info, JsonNode entry, long dataStart, long size) {
        JsonNode offsets = entry.get("data_offsets");
        if (offsets == null || !offsets.isArray() || offsets.size() != 2 || !offsets.get(0).canConvertToLong()
                || !offsets.get(1).canConvertToLong()) {
            throw new CheckpointException(path + ": not a safetensors file (tensor '" + info.name()
                    + "' has no data_offsets)");
        }
        long begin = offsets.get(0).asLong();
        long end = offsets.get(1).asLong();
        if (begin < 0 || end < begin) {
            throw new CheckpointException(path + ": not a safetensors file (tensor '" + info.name()
                    + "' has data_offsets " + offsets + ")");
        }
        if (info.type() != null && end - begin != info.elements() * info.type().bytes()) {
            throw new CheckpointException(path + ": tensor '" + info.name() + "' holds " + (end - begin)
                    + " bytes, its shape " + info.shape() + " of " + info.dtype() + " needs "
                    + info.elements() * info.type().bytes());
        }
        if (dataStart + end > size) {
            throw new CheckpointException(path + ": truncated: tensor '" + info.name() + "' ends at byte "
                    + (dataStart + end) + ", the file has " + size + " bytes");
        }
        return new Range(dataStart + begin, dataStart + end);
    }

    @Override
    public Path path() {
        return path;
    }

    @Override
    public Map<String, TensorInfo> tensors() {
        return tensors;
    }

    @Override
    public float[] read(String name) {
        TensorInfo info = TensorInfo.floating(this, name, "F32, F16, BF16, F64");
        Range range = ranges.get(name);
        ByteBuffer data = ByteBuffer.allocate(Math.toIntExact(range.end() - range.begin()))
                .order(ByteOrder.LITTLE_ENDIAN);
        try {
            readFully(channel, data, range.begin());
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read tensor '" + name + "' of " + path, e);
        }
        if (data.hasRemaining()) {
            throw new CheckpointException(path + ": truncated: tensor '" + name + "' is cut short");
        }
        data.flip();
        return info.type().decode(data, Math.toIntExact(info.elements()));
    }

    private static void readFully(FileChannel channel, ByteBuffer buffer, long position) throws IOException {
        long at = position;
        while (buffer.hasRemaining()) {
            int n = channel.read(buffer, at);
            if (n < 0) {
                return;
            }
            at += n;
        }
    }

    @Override
    public void close() {
        closeQuietly(channel);
    }

    private static void closeQuietly(FileChannel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            // nothing was written through it; there is nothing to lose
        }
    }
}
