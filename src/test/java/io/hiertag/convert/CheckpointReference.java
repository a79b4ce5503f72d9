package io.hiertag.convert;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.hiertag.testing.ExternalTool;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The independent Python side of the import tests ({@code src/test/python/reference/}): seeded random checkpoints
 * in the published layouts ({@code make_checkpoint.py}) and the authors' forward passes re-implemented in PyTorch
 * ({@code reference_embed.py}), plus reading back the {@code .npy} files both sides write.
 */
final class CheckpointReference {

    static final Path SCRIPTS = Path.of("src/test/python/reference").toAbsolutePath();
    private static final Pattern SHAPE = Pattern.compile("'shape':\\s*\\((\\d+),\\s*(\\d+)\\)");

    private CheckpointReference() {
    }

    /** Skips (or on CI fails) the calling test without Debian's Python and the modules the references use. */
    static void require(Path work) throws IOException, InterruptedException {
        ExternalTool.requirePython(work, "numpy", "torch", "torchvision", "PIL", "regex");
    }

    /** Runs {@code make_checkpoint.py --out DIR ARGS...}; returns what it printed (one JSON line per defect). */
    static String make(Path work, Path out, Duration timeout, String... args) throws IOException, InterruptedException {
        return python(work, timeout, "make_checkpoint.py", out, args);
    }

    /** Runs {@code reference_embed.py --out DIR ARGS...}. */
    static void embed(Path work, Path out, Duration timeout, String... args) throws IOException, InterruptedException {
        python(work, timeout, "reference_embed.py", out, args);
    }

    /**
     * Runs {@code make_checkpoint.py} once per argument list in one Python process (NumPy is imported once, not
     * once per checkpoint); each list names its own {@code --out}.
     *
     * @return what the runs printed, in order
     */
    static String makeAll(Path work, Duration timeout, List<List<String>> runs) throws IOException,
            InterruptedException {
        String code = "import sys, json\nsys.path.insert(0, sys.argv[1])\nimport make_checkpoint\n"
                + "for args in json.loads(sys.argv[2]):\n    make_checkpoint.main(args)\n";
        List<String> command = List.of(ExternalTool.PYTHON.toString(), "-c", code, SCRIPTS.toString(),
                new ObjectMapper().writeValueAsString(runs));
        ExternalTool.Result r = ExternalTool.run(command, timeout, work);
        assertEquals(0, r.exitCode(), r.output());
        return r.output();
    }

    private static String python(Path work, Duration timeout, String script, Path out, String... args)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(ExternalTool.PYTHON.toString(),
                SCRIPTS.resolve(script).toString(), "--out", out.toString()));
        command.addAll(List.of(args));
        ExternalTool.Result r = ExternalTool.run(command, timeout, work);
        assertEquals(0, r.exitCode(), String.join(" ", command) + "\n" + r.output());
        return r.output();
    }

    /** A float32 {@code [N, D]} .npy file's rows. */
    static float[][] rows(Path npy) throws IOException {
        byte[] bytes = Files.readAllBytes(npy);
        ByteBuffer in = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        in.position(8);
        int headerLength = in.getShort() & 0xFFFF;
        String header = new String(bytes, 10, headerLength, StandardCharsets.ISO_8859_1);
        if (!header.contains("'<f4'")) {
            throw new IllegalArgumentException(npy + " is not float32: " + header);
        }
        Matcher m = SHAPE.matcher(header);
        if (!m.find()) {
            throw new IllegalArgumentException(npy + " is not two-dimensional: " + header);
        }
        int n = Integer.parseInt(m.group(1));
        int d = Integer.parseInt(m.group(2));
        in.position(10 + headerLength);
        float[][] out = new float[n][d];
        for (float[] row : out) {
            for (int j = 0; j < d; j++) {
                row[j] = in.getFloat();
            }
        }
        return out;
    }

    /** @return each row pair's cosine */
    static double[] cosines(float[][] a, float[][] b) {
        assertEquals(a.length, b.length, "row counts");
        double[] out = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            assertEquals(a[i].length, b[i].length, "row width");
            double dot = 0;
            double na = 0;
            double nb = 0;
            for (int j = 0; j < a[i].length; j++) {
                dot += (double) a[i][j] * b[i][j];
                na += (double) a[i][j] * a[i][j];
                nb += (double) b[i][j] * b[i][j];
            }
            out[i] = dot / Math.sqrt(na * nb);
        }
        return out;
    }
}
