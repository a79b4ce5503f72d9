package io.hiertag.eval;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * Writes NumPy {@code .npy} files, format version 1.0: little-endian, C order. The data goes out through one
 * fixed-size buffer, so a large embedding matrix is never copied whole.
 */
public final class NpyWriter {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0};
    /** Magic and version, then the header length as a little-endian uint16. */
    private static final int PREAMBLE = MAGIC.length + 2;
    /** The format asks for the data to start on a 64-byte boundary. */
    private static final int ALIGN = 64;
    private static final int CHUNK_BYTES = 1 << 16;

    private NpyWriter() {
    }

    /** Writes {@code data} as a {@code <f4} array of the given shape (no dimensions: a scalar). */
    public static void float32(Path file, float[] data, int... shape) throws IOException {
        write(file, "<f4", data.length, shape,
                (buf, from, count) -> buf.asFloatBuffer().put(data, from, count));
    }

    /**
     * Writes the part of {@code data} that starts at {@code offset} and fills {@code shape}, as {@code <f4}: a
     * slice of a large array without copying it first.
     */
    public static void float32Slice(Path file, float[] data, int offset, int... shape) throws IOException {
        long elements = Arrays.stream(shape).asLongStream().reduce(1, (a, b) -> a * b);
        if (offset < 0 || offset + elements > data.length) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " from offset " + offset
                    + " runs past the " + data.length + " elements of the data");
        }
        write(file, "<f4", (int) elements, shape,
                (buf, from, count) -> buf.asFloatBuffer().put(data, offset + from, count));
    }

    /** Writes {@code data} as an {@code <i4} array of the given shape (no dimensions: a scalar). */
    public static void int32(Path file, int[] data, int... shape) throws IOException {
        write(file, "<i4", data.length, shape,
                (buf, from, count) -> buf.asIntBuffer().put(data, from, count));
    }

    /** Copies {@code count} 4-byte elements from index {@code from} into the start of a little-endian buffer. */
    private interface Chunk {
        void copy(ByteBuffer buf, int from, int count);
    }

    private static void write(Path file, String descr, int length, int[] shape, Chunk chunk) throws IOException {
        long elements = 1;
        for (int d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
            }
            elements *= d;
        }
        if (elements != length) {
            throw new IllegalArgumentException(
                    "shape " + Arrays.toString(shape) + " holds " + elements + " elements, data has " + length);
        }
        ByteBuffer buf = ByteBuffer.allocate(CHUNK_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        try (FileChannel out = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            byte[] header = header(descr, shape);
            buf.put(MAGIC).putShort((short) header.length).put(header).flip();
            writeFully(out, buf);
            int perChunk = CHUNK_BYTES / Integer.BYTES;
            for (int from = 0; from < length; from += perChunk) {
                int count = Math.min(perChunk, length - from);
                buf.clear();
                chunk.copy(buf, from, count);
                buf.limit(count * Integer.BYTES);
                writeFully(out, buf);
            }
        }
    }

    /** The header dict, padded with spaces and ended by a newline so that the data starts aligned. */
    private static byte[] header(String descr, int[] shape) {
        String dims = Arrays.stream(shape).mapToObj(Integer::toString).collect(Collectors.joining(", "));
        // A one-element tuple needs its trailing comma in Python: (5,).
        String tuple = "(" + dims + (shape.length == 1 ? ",)" : ")");
        String dict = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + tuple + ", }";
        int unpadded = PREAMBLE + dict.length() + 1;
        int padding = (ALIGN - unpadded % ALIGN) % ALIGN;
        return (dict + " ".repeat(padding) + "\n").getBytes(StandardCharsets.US_ASCII);
    }

    private static void writeFully(FileChannel out, ByteBuffer buf) throws IOException {
        while (buf.hasRemaining()) {
            out.write(buf);
        }
    }
}
