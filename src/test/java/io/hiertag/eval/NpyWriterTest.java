package io.hiertag.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hiertag.testing.ExternalTool;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NpyWriterTest {

    @TempDir
    Path dir;

    /** The header text and the data of a file, split by hand following the format description. */
    private record Parsed(String header, ByteBuffer data) {
    }

    private static Parsed parse(Path file) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        byte[] magic = new byte[8];
        b.get(magic);
        assertArrayEquals(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0}, magic);
        int headerLength = Short.toUnsignedInt(b.getShort());
        assertEquals(0, (10 + headerLength) % 64, "data starts on a 64-byte boundary");
        byte[] header = new byte[headerLength];
        b.get(header);
        return new Parsed(new String(header, StandardCharsets.US_ASCII), b.slice().order(ByteOrder.LITTLE_ENDIAN));
    }

    @Test
    void float32MatrixHasTheNumpyHeaderAndLittleEndianData() throws IOException {
        Path f = dir.resolve("m.npy");
        NpyWriter.float32(f, new float[] {0f, 1.5f, -2.25f, 3f, 1e-3f, Float.MAX_VALUE}, 2, 3);
        Parsed p = parse(f);
        assertTrue(p.header().startsWith("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }"),
                p.header());
        assertTrue(p.header().matches("\\{[^\n]*\\} *\n"), "one dict, padded with spaces, ended by a newline");
        assertEquals(24, p.data().remaining());
        assertEquals(0x3FC00000, p.data().getInt(4), "1.5f, little-endian");
        assertEquals(-2.25f, p.data().getFloat(8));
        assertEquals(Float.MAX_VALUE, p.data().getFloat(20));
    }

    @Test
    void int32VectorWritesTheOneElementTupleWithItsComma() throws IOException {
        Path f = dir.resolve("v.npy");
        NpyWriter.int32(f, new int[] {7, -1, 1 << 20}, 3);
        Parsed p = parse(f);
        assertTrue(p.header().startsWith("{'descr': '<i4', 'fortran_order': False, 'shape': (3,), }"), p.header());
        assertEquals(12, p.data().remaining());
        assertEquals(7, p.data().get(0));
        assertEquals(-1, p.data().getInt(4));
        assertEquals(1 << 20, p.data().getInt(8));
    }

    @Test
    void arraysLargerThanOneBufferArriveWhole() throws IOException {
        int n = 100_003; // several 64 KiB chunks and a partial one
        float[] data = new float[n];
        for (int i = 0; i < n; i++) {
            data[i] = i * 0.5f;
        }
        Path f = dir.resolve("big.npy");
        NpyWriter.float32(f, data, 1, n);
        ByteBuffer d = parse(f).data();
        assertEquals(4L * n, d.remaining());
        for (int i = 0; i < n; i++) {
            assertEquals(data[i], d.getFloat(4 * i), "element " + i);
        }
    }

    @Test
    void aSliceIsWrittenFromItsOffsetWithoutTheRest() throws IOException {
        float[] data = {9f, 9f, 1f, 2f, 3f, 4f, 9f};
        Path f = dir.resolve("slice.npy");
        NpyWriter.float32Slice(f, data, 2, 2, 2);
        Parsed p = parse(f);
        assertTrue(p.header().contains("'shape': (2, 2)"), p.header());
        assertEquals(16, p.data().remaining());
        for (int i = 0; i < 4; i++) {
            assertEquals(i + 1f, p.data().getFloat(4 * i));
        }
        assertThrows(IllegalArgumentException.class,
                () -> NpyWriter.float32Slice(dir.resolve("z.npy"), data, 4, 2, 2));
    }

    @Test
    void emptyAndScalarShapes() throws IOException {
        Path empty = dir.resolve("empty.npy");
        NpyWriter.float32(empty, new float[0], 0, 512);
        assertTrue(parse(empty).header().contains("'shape': (0, 512)"));
        assertEquals(0, parse(empty).data().remaining());
        Path scalar = dir.resolve("scalar.npy");
        NpyWriter.int32(scalar, new int[] {42});
        assertTrue(parse(scalar).header().contains("'shape': ()"));
    }

    @Test
    void rejectsAShapeThatDoesNotMatchTheData() {
        assertThrows(IllegalArgumentException.class, () -> NpyWriter.float32(dir.resolve("x.npy"), new float[5], 2, 3));
        assertThrows(IllegalArgumentException.class, () -> NpyWriter.int32(dir.resolve("y.npy"), new int[0], -1, 0));
    }

    @Test
    void numpyLoadsWhatWeWrite() throws IOException, InterruptedException {
        ExternalTool.requirePython(dir, "numpy");
        Path floats = dir.resolve("f.npy");
        NpyWriter.float32(floats, new float[] {0.5f, -1.25f, 3f, 0f, 2f, -8f}, 3, 2);
        Path ints = dir.resolve("i.npy");
        NpyWriter.int32(ints, new int[] {4, -3, 1000000, 0}, 2, 1, 2);
        String script = "import sys, numpy as np\n"
                + "for f in sys.argv[1:]:\n"
                + "    a = np.load(f)\n"
                + "    print(a.dtype, a.shape, a.ravel().tolist())\n";
        ExternalTool.Result r = ExternalTool.run(List.of(ExternalTool.PYTHON.toString(), "-c", script,
                floats.toString(), ints.toString()), Duration.ofSeconds(60), dir);
        assertEquals(0, r.exitCode(), r.output());
        assertEquals("float32 (3, 2) [0.5, -1.25, 3.0, 0.0, 2.0, -8.0]\n"
                + "int32 (2, 1, 2) [4, -3, 1000000, 0]\n", r.output());
    }
}
