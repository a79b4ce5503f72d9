package io.hiertag.convert;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The two checkpoint containers read by hand: their element types, their headers and what breaks them. */
class TensorFilesTest {

    @TempDir
    Path dir;

    /** Every binary16 value against its definition, (-1)^s · 2^(e-15) · 1.m (subnormal: 2^-14 · 0.m), in double. */
    @Test
    void halfFloatsDecodeExactly() {
        for (int bits = 0; bits < 1 << 16; bits++) {
            int e = (bits >>> 10) & 0x1F;
            int m = bits & 0x3FF;
            double sign = (bits & 0x8000) != 0 ? -1 : 1;
            float decoded = DType.halfToFloat((short) bits);
            if (e == 0x1F) {
                assertTrue(m == 0 ? decoded == (float) (sign * Double.POSITIVE_INFINITY) : Float.isNaN(decoded),
                        Integer.toHexString(bits));
            } else {
                double expected = sign * (e == 0 ? m * Math.pow(2, -24) : (1 + m / 1024.0) * Math.pow(2, e - 15));
                assertEquals((float) expected, decoded, 0f, Integer.toHexString(bits));
                assertEquals(Float.floatToIntBits((float) expected), Float.floatToIntBits(decoded),
                        "sign of zero, " + Integer.toHexString(bits));
            }
        }
    }

    @Test
    void safetensorsReadsEveryFloatTypeInHeaderOrder() throws IOException {
        Path file = dir.resolve("t.safetensors");
        ByteBuffer data = ByteBuffer.allocate(24 + 4 + 4 + 8).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : new float[] {1, -2, 0.5f, 3, 4, 5}) {
            data.putFloat(v);
        }
        data.putShort((short) 0x3C00).putShort((short) 0x7BFF); // F16 1, 65504
        data.putShort((short) 0x3F80).putShort((short) 0xC049); // BF16 1, -3.140625
        data.putLong(7);                                         // I64 7
        writeSafetensors(file, "{\"__metadata__\":{\"format\":\"pt\"},"
                + "\"w\":{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[0,24]},"
                + "\"h\":{\"dtype\":\"F16\",\"shape\":[2],\"data_offsets\":[24,28]},"
                + "\"b\":{\"dtype\":\"BF16\",\"shape\":[1,2],\"data_offsets\":[28,32]},"
                + "\"ids\":{\"dtype\":\"I64\",\"shape\":[1],\"data_offsets\":[32,40]}}", data.array());
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            assertEquals(List.of("w", "h", "b", "ids"), List.copyOf(f.tensors().keySet()));
            assertEquals(List.of(2L, 3L), f.tensors().get("w").shape());
            assertArrayEquals(new float[] {1, -2, 0.5f, 3, 4, 5}, f.read("w"));
            assertArrayEquals(new float[] {1, 65504}, f.read("h"));
            assertArrayEquals(new float[] {1, -3.140625f}, f.read("b"));
            CheckpointException e = assertThrows(CheckpointException.class, () -> f.read("ids"));
            assertTrue(e.getMessage().contains("tensor 'ids' is I64, not a floating-point type"), e.getMessage());
        }
    }

    @Test
    void brokenSafetensorsAreRefusedByWhatIsWrong() throws IOException {
        Path file = dir.resolve("bad.safetensors");
        Files.write(file, new byte[] {1, 2, 3});
        assertRefused(file, "not a safetensors file (its first 8 bytes give a header of -1 bytes; the file has 3)");
        writeSafetensors(file, "not json at all", new byte[0]);
        assertRefused(file, "not a safetensors file (its header is not JSON)");
        writeSafetensors(file, "{\"w\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}", new byte[12]);
        assertRefused(file, "truncated: tensor 'w' ends at byte");
        writeSafetensors(file, "{\"w\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,16]}}", new byte[16]);
        assertRefused(file, "tensor 'w' holds 16 bytes, its shape [3] of F32 needs 12");
        writeSafetensors(file, "{\"w\":{\"dtype\":\"F32\",\"data_offsets\":[0,16]}}", new byte[16]);
        assertRefused(file, "tensor 'w' has no dtype or shape in the header");
    }

    @Test
    void npzReadsStoredAndDeflatedMembersOfEveryFloatType() throws IOException {
        Path file = dir.resolve("t.npz");
        ByteBuffer big = ByteBuffer.allocate(8).order(ByteOrder.BIG_ENDIAN).putFloat(1.5f).putFloat(-2);
        ByteBuffer half = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putShort((short) 0x3C00)
                .putShort((short) 0x0001);
        ByteBuffer bf = ByteBuffer.allocate(2).order(ByteOrder.LITTLE_ENDIAN).putShort((short) 0xBF80);
        ByteBuffer f64 = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putDouble(0.25);
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(file))) {
            member(zip, "a/b/big.npy", npy(1, "'>f4'", "(2,)", big.array()), true);
            member(zip, "half.npy", npy(1, "'<f2'", "(1, 2)", half.array()), false);
            member(zip, "bf.npy", npy(2, "'|V2'", "(1,)", bf.array()), true);
            member(zip, "f64.npy", npy(1, "'<f8'", "()", f64.array()), false);
        }
        try (NpzFile f = NpzFile.open(file)) {
            assertEquals(List.of("a/b/big", "half", "bf", "f64"), List.copyOf(f.tensors().keySet()));
            assertArrayEquals(new float[] {1.5f, -2}, f.read("a/b/big"));
            assertArrayEquals(new float[] {1, 0x1p-24f}, f.read("half"));
            assertEquals(List.of(1L, 2L), f.tensors().get("half").shape());
            assertArrayEquals(new float[] {-1}, f.read("bf"));
            assertEquals(List.of(), f.tensors().get("f64").shape());
            assertArrayEquals(new float[] {0.25f}, f.read("f64"));
        }
    }

    @Test
    void brokenNpzAreRefusedByWhatIsWrong() throws IOException {
        Path file = dir.resolve("bad.npz");
        Files.writeString(file, "version https://git-lfs.github.com/spec/v1\noid sha256:abc\nsize 123\n");
        assertRefused(file, "not an .npz file, or truncated (no readable zip directory");
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(file))) {
            member(zip, "w.npy", npy(1, "'<f4'", "(4,)", new byte[8]), false);
        }
        assertRefused(file, "truncated: tensor 'w' has 8 bytes of data, its shape [4] of <f4 needs 16");
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(file))) {
            member(zip, "w.npy", npy(1, "'<f4'", "(2, 2)", new byte[16]), false);
            member(zip, "f.npy", new String(npy(1, "'<f4'", "(1,)", new byte[4]), StandardCharsets.ISO_8859_1)
                    .replace("False", "True ").getBytes(StandardCharsets.ISO_8859_1), false);
        }
        assertRefused(file, "entry f.npy is stored in Fortran order; only C order is read");
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(file))) {
            member(zip, "w.npy", "not an array".getBytes(StandardCharsets.US_ASCII), true);
        }
        assertRefused(file, "entry w.npy is not a .npy array");
    }

    private static void assertRefused(Path file, String message) {
        CheckpointException e = assertThrows(CheckpointException.class, () -> {
            try (TensorFile f = file.toString().endsWith(".npz") ? NpzFile.open(file) : SafetensorsFile.open(file)) {
                f.tensors();
            }
        });
        assertTrue(e.getMessage().startsWith(file.toString()) && e.getMessage().contains(message), e.getMessage());
    }

    private static void writeSafetensors(Path file, String header, byte[] data) throws IOException {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        try (OutputStream out = Files.newOutputStream(file)) {
            out.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(h.length).array());
            out.write(h);
            out.write(data);
        }
    }

    /** A .npy file of format 1.0 (2-byte header length) or 2.0 (4-byte), C order. */
    private static byte[] npy(int major, String descr, String shape, byte[] data) throws IOException {
        String dict = "{'descr': " + descr + ", 'fortran_order': False, 'shape': " + shape + ", }";
        int preamble = 6 + 2 + (major == 1 ? 2 : 4);
        String header = dict + " ".repeat((64 - (preamble + dict.length() + 1) % 64) % 64) + "\n";
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', (byte) major, 0});
        ByteBuffer length = ByteBuffer.allocate(major == 1 ? 2 : 4).order(ByteOrder.LITTLE_ENDIAN);
        if (major == 1) {
            length.putShort((short) header.length());
        } else {
            length.putInt(header.length());
        }
        out.write(length.array());
        out.write(header.getBytes(StandardCharsets.ISO_8859_1));
        out.write(data);
        return out.toByteArray();
    }

    private static void member(ZipOutputStream zip, String name, byte[] bytes, boolean deflate) throws IOException {
        ZipEntry e = new ZipEntry(name);
        if (!deflate) {
            CRC32 crc = new CRC32();
            crc.update(bytes);
            e.setMethod(ZipEntry.STORED);
            e.setSize(bytes.length);
            e.setCrc(crc.getValue());
        }
        zip.putNextEntry(e);
        zip.write(bytes);
        zip.closeEntry();
    }
}
