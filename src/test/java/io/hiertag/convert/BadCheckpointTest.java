package io.hiertag.convert;

import static io.hiertag.testing.ConsoleCapture.capture;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hiertag.cli.Hiertag;
import io.hiertag.testing.ConsoleCapture.Output;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Done-when 2: each way a checkpoint can be bad, made by {@code make_checkpoint.py --defect}, is refused by
 * {@code import-model} with exit code 2 and one line that names what is wrong, and leaves no folder behind, not
 * even its temporary one.
 */
class BadCheckpointTest {

    private static final Duration PYTHON = Duration.ofMinutes(2);

    @TempDir
    Path dir;

    @TempDir
    static Path checkpoints;
    private static String made;

    /** Every broken checkpoint of {@link #defects()}, made in one Python process. */
    @BeforeAll
    static void makeThem() throws Exception {
        CheckpointReference.require(checkpoints);
        List<List<String>> runs = new ArrayList<>();
        defects().forEach(a -> runs.add(generator((String) a.get()[0], (String) a.get()[1],
                castList(a.get()[2]))));
        made = CheckpointReference.makeAll(checkpoints, PYTHON, runs);
    }

    @SuppressWarnings("unchecked")
    private static List<String> castList(Object o) {
        return (List<String>) o;
    }

    private static List<String> generator(String format, String defect, List<String> extra) {
        List<String> args = new ArrayList<>(List.of("--format", format, "--size", "tiny", "--defect", defect,
                "--out", folder(format, defect, extra).toString()));
        args.addAll(extra);
        return args;
    }

    private static Path folder(String format, String defect, List<String> extra) {
        return checkpoints.resolve(format + "-" + defect + String.join("-", extra).replace("--", "-"));
    }

    /** Format, defect, generator arguments, and what the one line must say. */
    static Stream<Arguments> defects() {
        return Stream.of(
                bad("openclip", "truncated", "open_clip_model.safetensors: truncated: tensor '"),
                bad("openclip", "not-a-checkpoint", "open_clip_model.safetensors: not a safetensors file"),
                bad("openclip", "missing-tensor", "missing tensor 'transformer.resblocks.1.mlp.c_proj.weight'"),
                bad("openclip", "wrong-shape", "tensor 'visual.positional_embedding' contradicts "
                        + "open_clip_config.json: expected shape [17, 64], found [26, 64]"),
                bad("openclip", "unknown-activation", "model_cfg.quick_gelu = \"swish\": unknown activation"),
                bad("openclip", "unknown-architecture", "unknown architecture: option "
                        + "'model_cfg.vision_cfg.timm_model_name'"),
                bad("hf-clip", "truncated", "model.safetensors: truncated: tensor '"),
                bad("hf-clip", "not-a-checkpoint", "model.safetensors: not a safetensors file"),
                bad("hf-clip", "missing-tensor", "missing tensor 'text_model.encoder.layers.1.mlp.fc2.weight'"),
                bad("hf-clip", "wrong-shape", "tensor 'vision_model.embeddings.position_embedding.weight' "
                        + "contradicts config.json: expected shape [17, 64], found [26, 64]"),
                bad("hf-clip", "unknown-activation", "vision_config.hidden_act = swiglu: unknown activation"),
                bad("hf-clip", "unknown-architecture", "unknown architecture"),
                bad("hf-clip", "missing-tokenizer", "merges.txt: tokenizer file missing"),
                Arguments.of("hf-clip", "missing-tokenizer", List.of("--defect-file", "vocab.json"),
                        "vocab.json: tokenizer file missing"),
                bad("lit", "truncated", "LiT-tiny.npz: truncated: tensor 'img/embedding/kernel'"),
                bad("lit", "not-a-checkpoint", "LiT-tiny.npz: not an .npz file"),
                bad("lit", "missing-tensor", "missing tensor 'txt/BertEncoder_0/encoder_block/layer_sequence/"
                        + "layers_1/mlp_block/dense_layer/kernel'"),
                bad("lit", "wrong-shape", "tensor 'img/Transformer/encoderblock_0/MlpBlock_0/Dense_0/kernel' "
                        + "contradicts the architecture its other tensors give (LiT has no config): expected shape "
                        + "[64, 256], found [64, 128]"),
                bad("lit", "unknown-architecture", "unknown architecture: tensor 'img/conv_root/kernel'"),
                bad("lit", "missing-tokenizer", "LiT-tiny.txt: tokenizer file missing"));
    }

    private static Arguments bad(String format, String defect, String message) {
        return Arguments.of(format, defect, List.of(), message);
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @MethodSource("defects")
    void isRefusedInOneLineAndLeavesNothing(String format, String defect, List<String> extra, String message)
            throws Exception {
        assertTrue(made.contains("\"defect\": \"" + defect + "\""), made);
        refused(folder(format, defect, extra), message);
    }

    @Test
    void aFolderWithNoCheckpointIsRefused() throws Exception {
        Files.createDirectories(dir.resolve("empty"));
        refused(dir.resolve("empty"), "no checkpoint found: expected open_clip_config.json (OpenCLIP), "
                + "config.json (Hugging Face CLIP) or a .npz file (LiT)");
        refused(dir.resolve("missing"), "missing: not a folder");
    }

    @Test
    void theWrongFormatIsRefused() throws Exception {
        Files.createDirectories(dir.resolve("empty"));
        Output out = run(dir.resolve("empty"), dir.resolve("model"), "--format", "lit");
        assertEquals(2, out.code(), out.text());
        assertTrue(out.text().contains("expected one LiT .npz file, found 0"), out.text());
        out = run(dir.resolve("empty"), dir.resolve("model"), "--format", "safetensors");
        assertEquals(2, out.code(), out.text());
        assertTrue(out.text().contains("unknown checkpoint format 'safetensors'; expected one of openclip, hf-clip, "
                + "lit"), out.text());
        assertFalse(Files.exists(dir.resolve("model")));
    }

    @Test
    void anExistingOutputFolderIsLeftAlone() throws Exception {
        Path out = Files.createDirectories(dir.resolve("model"));
        Files.writeString(out.resolve("keep.txt"), "mine");
        Output r = run(dir.resolve("anything"), out);
        assertEquals(2, r.code(), r.text());
        assertTrue(r.text().contains("model exists; --out must name a new folder"), r.text());
        assertEquals("mine", Files.readString(out.resolve("keep.txt")));
    }

    /**
     * A failure while the model is being written (a deflated .npz member whose data is damaged past its header,
     * found only when its tensor is read) removes the half-written folder.
     */
    @Test
    void aFailureHalfwayThroughRemovesTheTemporaryFolder() throws Exception {
        CheckpointReference.require(dir);
        Path good = dir.resolve("good");
        CheckpointReference.make(dir, good, PYTHON, "--format", "lit", "--size", "tiny");
        Path checkpoint = Files.createDirectories(dir.resolve("checkpoint"));
        Files.copy(good.resolve("LiT-tiny.txt"), checkpoint.resolve("LiT-tiny.txt"));
        deflateDamagingLast(good.resolve("LiT-tiny.npz"), checkpoint.resolve("LiT-tiny.npz"), "txt/head/kernel.npy");
        refused(checkpoint, "LiT-tiny.npz: tensor 'txt/head/kernel' is damaged");
    }

    /** Re-zips with deflate, the named member last, its compressed bytes past the .npy header overwritten. */
    private static void deflateDamagingLast(Path from, Path to, String member) throws IOException {
        try (ZipFile in = new ZipFile(from.toFile());
             ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(to))) {
            out.setMethod(ZipOutputStream.DEFLATED);
            List<ZipEntry> entries = new ArrayList<>();
            for (Enumeration<? extends ZipEntry> e = in.entries(); e.hasMoreElements(); ) {
                ZipEntry entry = e.nextElement();
                if (!entry.getName().equals(member)) {
                    entries.add(entry);
                }
            }
            entries.add(in.getEntry(member));
            for (ZipEntry entry : entries) {
                out.putNextEntry(new ZipEntry(entry.getName()));
                try (InputStream data = in.getInputStream(entry)) {
                    data.transferTo(out);
                }
                out.closeEntry();
            }
        }
        byte[] zip = Files.readAllBytes(to);
        int start = indexOf(zip, member.getBytes()) + member.length() + 200; // well into the deflated data
        for (int i = start; i < start + 64; i++) {
            zip[i] ^= 0x5A;
        }
        try (OutputStream o = Files.newOutputStream(to)) {
            o.write(zip);
        }
    }

    private static int indexOf(byte[] data, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= data.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (data[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new IllegalArgumentException("not found");
    }

    private void refused(Path checkpoint, String message) throws Exception {
        Path out = dir.resolve("model");
        Output r = run(checkpoint, out);
        assertEquals(2, r.code(), r.text());
        List<String> lines = r.text().lines().filter(l -> l.startsWith("hiertag: ")).toList();
        assertEquals(1, lines.size(), r.text());
        assertTrue(lines.get(0).contains(message), "expected '" + message + "' in: " + lines.get(0));
        assertFalse(r.text().contains("\tat "), "no stack trace: " + r.text());
        assertFalse(Files.exists(out), "no output folder");
        try (Stream<Path> left = Files.list(dir)) {
            assertTrue(left.noneMatch(p -> p.getFileName().toString().startsWith("model")), "no temporary folder");
        }
    }

    private static Output run(Path from, Path out, String... extra) throws Exception {
        List<String> args = new ArrayList<>(List.of("import-model", "--from", from.toString(), "--out",
                out.toString()));
        args.addAll(List.of(extra));
        return capture(() -> Hiertag.execute(args.toArray(String[]::new)));
    }
}
