package io.hiertag.convert;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * A NumPy {@code .npz} file: a zip archive (stored or deflated) of one {@code .npy} file per tensor, named after
 * it. Each {@code .npy} header (format 1.0 to 3.0) is read when the file is opened. Elements are {@code f2},
 * {@code f4} or {@code f8} in either byte order, or {@code V2}: how NumPy writes a JAX/ml_dtypes {@code bfloat16}
 * array (raw two-byte values, which are bfloat16's bits).
 *
 * <p>Read by hand for the reasons {@link SafetensorsFile} gives.
 */
final class NpzFile implements TensorFile {

    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

    private record Entry(ZipEntry zip, int headerBytes, ByteOrder order) {}

    private final Path path;
    private final ZipFile zip;
    private final Map<String, TensorInfo> tensors;
    private final Map<String, Entry> entries;

    private NpzFile(Path path, ZipFile zip, Map<String, TensorInfo> tensors, Map<String, Entry> entries) {
        this.path = path;
        this.zip = zip;
        this.tensors = tensors;
        this.entries = entries;
    }

    /** @throws CheckpointException when the file is not an .npz archive, or an entry is not a readable .npy */
    static NpzFile open(Path path) {
        ZipFile zip;
        try {
            zip = new ZipFile(path.toFile());
        } catch (ZipException e) {
            throw new CheckpointException(path + ": not an .npz file, or truncated (no readable zip directory: "
                    + e.getMessage() + ")");
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + path, e);
        }
        try {
            Map<String, TensorInfo> tensors = new LinkedHashMap<>();
            Map<String, Entry> entries = new LinkedHashMap<>();
            for (Enumeration<? extends ZipEntry> all = zip.entries(); all.hasMoreElements(); ) {
                ZipEntry e = all.nextElement();
                if (e.isDirectory() || !e.getName().endsWith(".npy")) {
                    continue;
                }
                String name = e.getName().substring(0, e.getName().length() - ".npy".length());
                readHeader(path, zip, e, name, tensors, entries);
            }
            return new NpzFile(path, zip, Collections.unmodifiableMap(tensors), entries);
        } catch (IOException e) {
            closeQuietly(zip);
            throw new CheckpointException(path + ": truncated or damaged .npz: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            closeQuietly(zip);
            throw e;
        }
    }

    private static void readHeader(Path path, ZipFile zip, ZipEntry e, String name, Map<String, TensorInfo> tensors,
            Map<String, Entry> entries) throws IOException {
        try (DataInputStream in = new DataInputStream(zip.getInputStream(e))) {
            byte[] magic = new byte[MAGIC.length];
            in.readFully(magic);
            for (int i = 0; i < MAGIC.length; i++) {
                if (magic[i] != MAGIC[i]) {
                    throw new CheckpointException(path + ": entry " + e.getName() + " is not a .npy array");
                }
            }
            int major = in.readUnsignedByte();
            in.readUnsignedByte();
            byte[] lengthBytes = new byte[major == 1 ? 2 : 4];
            in.readFully(lengthBytes);
            ByteBuffer length = ByteBuffer.wrap(lengthBytes).order(ByteOrder.LITTLE_ENDIAN);
            long headerLength = major == 1 ? length.getShort() & 0xFFFF : length.getInt() & 0xFFFFFFFFL;
            byte[] header = new byte[Math.toIntExact(headerLength)];
            in.readFully(header);
            String dict = new String(header, major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
            String descr = group(path, e, DESCR, dict, "descr");
            if (group(path, e, FORTRAN, dict, "fortran_order").equals("True")) {
                throw new CheckpointException(path + ": entry " + e.getName()
                        + " is stored in Fortran order; only C order is read");
            }
            List<Long> shape = new ArrayList<>();
            for (String d : group(path, e, SHAPE, dict, "shape").split(",")) {
                if (!d.isBlank()) {
                    shape.add(Long.parseLong(d.strip()));
                }
            }
            TensorInfo info = new TensorInfo(name, descr, type(descr), List.copyOf(shape));
            int headerBytes = magic.length + 2 + lengthBytes.length + header.length;
            if (info.type() != null && e.getSize() >= 0
                    && e.getSize() < headerBytes + info.elements() * info.type().bytes()) {
                throw new CheckpointException(path + ": truncated: tensor '" + name + "' has "
                        + (e.getSize() - headerBytes) + " bytes of data, its shape " + shape + " of " + descr
                        + " needs " + info.elements() * info.type().bytes());
            }
            ByteOrder order = descr.startsWith(">") ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
            tensors.put(name, info);
            entries.put(name, new Entry(e, headerBytes, order));
        }
    }

    private static String group(Path path, ZipEntry e, Pattern pattern, String dict, String key) {
        Matcher m = pattern.matcher(dict);
        if (!m.find()) {
            throw new CheckpointException(path + ": entry " + e.getName() + " has no '" + key + "' in its header");
        }
        return m.group(1);
    }

    private static DType type(String descr) {
        String kind = descr.length() > 1 && "<>|=".indexOf(descr.charAt(0)) >= 0 ? descr.substring(1) : descr;
        return switch (kind) {
            case "f4" -> DType.F32;
            case "f2" -> DType.F16;
            case "f8" -> DType.F64;
            case "V2", "bfloat16" -> DType.BF16;
            default -> null;
        };
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
        TensorInfo info = TensorInfo.floating(this, name, "f2, f4, f8, bfloat16");
        Entry entry = entries.get(name);
        byte[] data = new byte[Math.toIntExact(info.elements() * info.type().bytes())];
        try (InputStream in = zip.getInputStream(entry.zip())) {
            DataInputStream din = new DataInputStream(in);
            din.skipNBytes(entry.headerBytes());
            din.readFully(data);
        } catch (EOFException e) {
            throw new CheckpointException(path + ": truncated: tensor '" + name + "' is cut short", e);
        } catch (ZipException e) {
            throw new CheckpointException(path + ": tensor '" + name + "' is damaged: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read tensor '" + name + "' of " + path, e);
        }
        return info.type().decode(ByteBuffer.wrap(data).order(entry.order()), data.length / info.type().bytes());
    }

    @Override
    public void close() {
        closeQuietly(zip);
    }

    private static void closeQuietly(ZipFile zip) {
        try {
            zip.close();
        } catch (IOException e) {
            // read-only; nothing to lose
        }
    }
}
