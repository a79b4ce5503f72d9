package io.hiertag;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.hiertag.testing.ExternalTool;
import java.awt.color.ColorSpace;
import java.awt.color.ICC_Profile;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Images of every format people publish, written at test time by PIL (Debian's python3-pil) from one real
 * photograph, with PIL's own decoding of each next to it ({@code NAME.rgb}, see {@code pil_corpus.py}): the
 * CLIP references decode with PIL, so what PIL decodes is what hiertag must decode. Also the formats we refuse, and
 * damaged files.
 */
public final class PilCorpus {

    private static final String SCRIPT = "/io/hiertag/pil_corpus.py";
    private static final String PHOTO = "/hiertag/bench/photos/chelsea.jpg";

    private PilCorpus() {
    }

    /**
     * Writes the corpus into {@code dir}. Skips the calling test when python3-pil is missing, fails it on CI.
     *
     * @return {@code dir}
     */
    public static Path write(Path dir) throws IOException, InterruptedException {
        ExternalTool.requirePython(dir, "PIL", "numpy");
        Path script = copy(SCRIPT, dir.resolve("pil_corpus.py"));
        Path photo = copy(PHOTO, dir.resolve("photo.jpg"));
        // An RGB profile other than sRGB, which PIL ignores: a decoder that applied it would change every pixel.
        Path icc = Files.write(dir.resolve("linear-rgb.icc"), ICC_Profile.getInstance(ColorSpace.CS_LINEAR_RGB)
                .getData());
        Path out = Files.createDirectories(dir.resolve("corpus"));
        ExternalTool.Result r = ExternalTool.run(List.of(ExternalTool.PYTHON.toString(), script.toString(), out.toString(),
                photo.toString(), icc.toString()), Duration.ofSeconds(120), dir);
        assertEquals(0, r.exitCode(), r.output());
        return out;
    }

    /** PIL's {@code convert("RGB")} of a corpus image: height × width × (R, G, B). */
    public static byte[] reference(Path corpus, String name) throws IOException {
        return Files.readAllBytes(corpus.resolve(name + ".rgb"));
    }

    private static Path copy(String resource, Path to) throws IOException {
        try (InputStream in = PilCorpus.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IOException("classpath resource " + resource + " is missing");
            }
            Files.copy(in, to);
        }
        return to;
    }
}
