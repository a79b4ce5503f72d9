package io.hiertag.cli;

import static io.hiertag.testing.ConsoleCapture.capture;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.security.auth.module.UnixSystem;
import io.hiertag.config.HiertagConfig;
import io.hiertag.image.ImageDecoder;
import io.hiertag.kafka.KafkaConnection;
import io.hiertag.model.ModelContract;
import io.hiertag.samples.SampleImages;
import io.hiertag.streams.TaggingApplication;
import io.hiertag.streams.TestModels;
import io.hiertag.streams.Tmpfs;
import io.hiertag.tagging.TaggingEngine;
import io.hiertag.testing.ConsoleCapture.Output;
import io.hiertag.testmodel.TestModelFolders;
import io.hiertag.zeroshot.EncodingProgress;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The commands a user types, run in-process against a real embedded broker. */
class CommandLineTest {

    private static final boolean ROOT = new UnixSystem().getUid() == 0;

    @TempDir
    Path dir;

    private final List<Tmpfs> mounts = new ArrayList<>();
    private final List<Path> locked = new ArrayList<>();

    @Test
    void demoTagsTheSamplesPrintsDeadLettersAndExitsZero() throws Exception {
        Output out = capture(() -> Hiertag.execute("demo", "--data-dir", dir.toString(), "--images", "4",
                "--set", "cache.dir=" + TestModels.cacheDir()));
        assertEquals(0, out.code(), out.text());
        assertEquals(6, out.lines().stream().filter(l -> l.startsWith("tag ")).count(), out.text());
        assertEquals(4, out.lines().stream().filter(l -> l.startsWith("dead ")).count(), out.text());
        assertTrue(out.stdout().contains("demo done: 10 inputs"), out.text());
    }

    @Test
    void publishAcceptsFilesAndFoldersAndTailPrintsReadableTags() throws Exception {
        Path images = dir.resolve("images");
        Files.createDirectories(images.resolve("n01440764"));
        Files.write(images.resolve("n01440764/fish.jpg"), SampleImages.jpeg(SampleImages.generate(3, 1, 100, 80)));
        Files.write(images.resolve("n01440764/fish2.png"), SampleImages.png(SampleImages.generate(3, 2, 100, 80)));
        Files.write(images.resolve("top.png"), SampleImages.png(SampleImages.generate(3, 3, 100, 80)));
        Files.writeString(images.resolve("notes.txt"), "not an image");
        Path single = dir.resolve("single.jpeg");
        Files.write(single, SampleImages.jpeg(SampleImages.generate(3, 4, 64, 64)));

        HiertagConfig config = HiertagConfig.builder().set(HiertagConfig.DATA_DIR, dir.toString())
                .set(HiertagConfig.CACHE_DIR, TestModels.cacheDir().toString())
                .set(HiertagConfig.BATCH_SIZE, "2").build();
        try (KafkaConnection kafka = KafkaConnection.embedded(dir.resolve("broker"), 0);
             TaggingApplication app = TaggingApplication.start(config, kafka.bootstrapServers(),
                     TestModelFolders.ensure(dir.resolve("model")), EncodingProgress.NONE)) {
            assertTrue(app.awaitRunning(Duration.ofSeconds(60)));
            String bs = kafka.bootstrapServers();
            Output pub = capture(() -> Hiertag.execute("publish", "--bootstrap", bs, "--ground-truth-from-folder",
                    images.toString(), single.toString()));
            assertEquals(0, pub.code(), pub.text());
            assertTrue(pub.text().contains("published 4 images"), pub.text());

            Output tail = capture(() -> Hiertag.execute("tail", "--bootstrap", bs, "hiertag.tags", "--max", "4"));
            assertEquals(0, tail.code(), tail.text());
            List<String> lines = tail.lines();
            assertEquals(4, lines.size(), tail.text());
            assertTrue(lines.stream().anyMatch(l -> l.startsWith("n01440764/fish.jpg")), tail.text());
            assertTrue(lines.stream().anyMatch(l -> l.startsWith("single.jpeg")), tail.text());
            assertTrue(lines.stream().allMatch(l -> (l.contains("CONFIDENT") || l.contains("RESCORED"))
                    && l.contains("top5: ")), tail.text());
            // The folder name is the ground truth, so those two lines say whether the tag was right.
            assertEquals(2, lines.stream().filter(l -> l.contains("correct") || l.contains("wrong (truth")).count(),
                    tail.text());
        }
    }

    @Test
    void aBrokenLabelSetIsRefusedAtStartWithItsLineNumber() throws Exception {
        Path bad = dir.resolve("bad.tsv");
        Files.writeString(bad, "name\tsense\ncat\tn02121808\nunicorn\tn99999999\n");
        Output out = capture(() -> Hiertag.execute("run", "--data-dir", dir.toString(), "--set", "embedded.port=0",
                "--set", "label.sets=imagenet-1k,mine=" + bad, "--set", "cache.dir=" + TestModels.cacheDir()));
        assertEquals(2, out.code(), out.text());
        assertTrue(out.text().contains("hiertag: " + bad), out.text());
        assertTrue(out.text().contains("line 3"), out.text());
    }

    @Test
    void aDeploymentMissingItsClusterOrModelIsRefusedWithOneLineNamingTheKeysAndTheFlags() throws Exception {
        Path file = Files.writeString(dir.resolve("hiertag.properties"), "batch.size=8\n");
        assertRefused(capture(() -> Hiertag.execute("run", "--config", file.toString(), "--data-dir",
                dir.toString())), "bootstrap.servers is not set, though settings come from --config " + file
                + ": name the cluster (--bootstrap, bootstrap.servers or HIERTAG_BOOTSTRAP_SERVERS) or add --embedded "
                + "to run on an in-JVM broker; model.dir is not set, though settings come from --config " + file
                + ": name a model folder (model.dir or HIERTAG_MODEL_DIR) or add --test-model to tag with the "
                + "bundled test model, whose tags mean nothing");
        // A cluster on the command line is no try-out either: the test model would tag nonsense into it.
        assertRefused(capture(() -> Hiertag.execute("run", "--bootstrap", "kafka-1:9092", "--data-dir",
                dir.toString())), "model.dir is not set, though Kafka is the cluster at kafka-1:9092: name a model "
                + "folder (model.dir or HIERTAG_MODEL_DIR) or add --test-model to tag with the bundled test model, "
                + "whose tags mean nothing");
        assertRefused(capture(() -> Hiertag.execute("run", "--bootstrap", "kafka-1:9092", "--embedded")),
                "--embedded contradicts bootstrap.servers=kafka-1:9092; give one or the other");
        assertFalse(Files.exists(dir.resolve("broker")) || Files.exists(dir.resolve("test-model")),
                "refused before anything started");
    }

    @Test
    void theEmbeddedBrokerAndTheTestModelChosenExplicitlyStartWithAWarningEach() throws Exception {
        Path bad = Files.writeString(dir.resolve("bad.tsv"), "unicorn\tn99999999\n");
        Path file = Files.writeString(dir.resolve("hiertag.properties"), "embedded.port=0\nlabel.sets=mine=" + bad
                + "\ncache.dir=" + TestModels.cacheDir() + "\nkafka.securty.protocol=SSL\n");
        // The broken label set stops the start once broker and model are up, past the check of the defaults.
        Output out = capture(() -> Hiertag.execute("run", "--config", file.toString(), "--data-dir", dir.toString(),
                "--embedded", "--test-model"));
        assertEquals(2, out.code(), out.text());
        assertTrue(out.text().contains("hiertag: " + bad), out.text());
        assertEquals(1, out.text().lines().filter(l -> l.contains("WARN TryOutDefaults - Kafka is an in-JVM broker at "
                + "127.0.0.1:") && l.endsWith("not a cluster: nothing is replicated and it stops with this process; "
                + "set bootstrap.servers to use a cluster")).count(), out.text());
        assertEquals(1, out.text().lines().filter(l -> l.contains("WARN ModelFolders - Tagging with the bundled test "
                + "model in " + dir.resolve("test-model") + ": its tags mean nothing")).count(), out.text());
        // By Kafka's own definitions, a key no client has is named (tests log WARN and above only).
        assertTrue(out.text().contains("WARN RunCommand - Setting kafka.securty.protocol is defined by no Kafka "
                + "client"), out.text());
    }

    @Test
    void tokenizeShowsWhatTheModelIsFedForClipAndForAModelFolder() throws Exception {
        java.io.InputStream stdin = System.in;
        try {
            System.setIn(new java.io.ByteArrayInputStream("Hello World!\na photo of a dog.\n".getBytes(
                    StandardCharsets.UTF_8)));
            Output clip = capture(() -> Hiertag.execute("tokenize", "--tokenizer", "clip-bpe"));
            assertEquals(0, clip.code(), clip.text());
            assertEquals(List.of("Hello World!\t49406 3306 1002 256 49407",
                    "a photo of a dog.\t49406 320 1125 539 320 1929 269 49407"), clip.lines());
            System.setIn(new java.io.ByteArrayInputStream("tench\n".getBytes(StandardCharsets.UTF_8)));
            Output model = capture(() -> Hiertag.execute("tokenize", "--model", TestModels.testModel().toString()));
            assertEquals(0, model.code(), model.text());
            // The test model is a CLIP: its folder's tokenizer is CLIP's BPE, over 16 tokens.
            assertEquals(List.of("tench\t49406 1149 634 49407"), model.lines(), model.text());
        } finally {
            System.setIn(stdin);
        }
    }

    @Test
    void evaluateReadsAManifestWritesBothReportsAndRefusesABadManifestLine() throws Exception {
        Path labels = dir.resolve("household.tsv");
        try (var in = getClass().getResourceAsStream("/hiertag/labels/examples/household.tsv")) {
            Files.copy(in, labels);
        }
        Files.createDirectories(dir.resolve("imgs"));
        StringBuilder manifest = new StringBuilder("path,label\n");
        List<String> names = List.of("sofa", "armchair", "\"lamp, floor\"", "n04256520");
        for (int i = 0; i < 12; i++) {
            Files.write(dir.resolve("imgs/" + i + ".png"), SampleImages.png(SampleImages.generate(5, i, 80, 60)));
            manifest.append("imgs/").append(i).append(".png,").append(names.get(i % names.size())).append('\n');
        }
        Files.writeString(dir.resolve("set.csv"), manifest);
        String[] common = {"--set", "label.sets=imagenet-1k,household=" + labels, "--set",
            "cache.dir=" + TestModels.cacheDir(), "--set", "model.dir=" + TestModels.testModel(), "--label-set",
            "household", "--out", dir.resolve("report").toString()};
        Output ok = capture(() -> Hiertag.execute(concat(new String[] {"evaluate", "--manifest",
            dir.resolve("set.csv").toString()}, common)));
        assertEquals(0, ok.code(), ok.text());
        assertTrue(ok.stdout().contains("on household: 9 images (3 skipped)"), ok.stdout());
        assertTrue(ok.stdout().contains("AUROC"), ok.stdout());
        assertTrue(Files.size(dir.resolve("report/report.json")) > 0);
        assertTrue(Files.readString(dir.resolve("report/report.html")).contains("<svg"));

        Files.writeString(dir.resolve("bad.csv"), "path,label\nimgs/0.png\n");
        Output bad = capture(() -> Hiertag.execute(concat(new String[] {"evaluate", "--manifest",
            dir.resolve("bad.csv").toString()}, common)));
        assertEquals(2, bad.code(), bad.text());
        assertTrue(bad.text().contains("bad.csv line 2: expected path,label"), bad.text());
    }

    private static String[] concat(String[] a, String[] b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    @Test
    void describePrintsTheTopologyEveryCommandHasHelpAndBadSettingsGiveOneLine() throws Exception {
        Output describe = capture(() -> Hiertag.execute("describe"));
        assertEquals(0, describe.code());
        assertTrue(describe.text().contains("first-pass"), describe.text());
        for (String command : List.of("run", "evaluate", "bench", "publish", "tokenize", "reset", "import-model",
                "embed")) {
            Output help = capture(() -> Hiertag.execute(command, "--help"));
            assertEquals(0, help.code(), help.text());
            assertTrue(help.stdout().startsWith("Usage: hiertag " + command), help.text());
        }
        Output bad = capture(() -> Hiertag.execute("describe", "--set", "batch.size=many"));
        assertEquals(2, bad.code());
        assertTrue(bad.text().contains("hiertag: setting batch.size='many'"), bad.text());
        Output badClient = capture(() -> Hiertag.execute("tail", "--bootstrap", "127.0.0.1:1", "--set",
                "kafka.fetch.max.wait.ms=soon", "hiertag.tags"));
        assertRefused(badClient, "a kafka.* setting: Invalid value soon for configuration fetch.max.wait.ms: Not a "
                + "number of type INT");
    }

    @Test
    @Timeout(60)
    void aReadOnlyDataDirIsRefusedWithOneLineAndExitCode2() throws Exception {
        Path locked = unwritableFolder();
        assertRefused(run(locked), "folder " + locked + " is not writable (" + unwritableReason()
                + "); fix that or point data.dir (--data-dir) at a folder you can write");
    }

    @Test
    @Timeout(60)
    void aMissingDataDirThatCannotBeCreatedIsRefusedWithOneLineAndExitCode2() throws Exception {
        Path locked = unwritableFolder();
        Path missing = locked.resolve("hiertag/data");
        assertRefused(run(missing), "folder " + missing + " does not exist and cannot be created ("
                + locked.resolve("hiertag") + ": " + unwritableReason() + "); fix that or point data.dir "
                + "(--data-dir) at a folder you can write");
    }

    @Test
    @Timeout(60)
    void aNearlyFullDataDirIsRefusedWithOneLineAndExitCode2() throws Exception {
        Tmpfs tiny = Tmpfs.require(dir.resolve("tiny"), 1 << 20, false);
        mounts.add(tiny);
        assertRefused(run(tiny.path()), "data.dir " + tiny.path() + " has 1 MB free, less than data.min-free-bytes "
                + "(512 MB); free space on its file system or point data.dir (--data-dir) at a larger one");
    }

    @Test
    void missingDataFoldersAreCreatedAndAnUnwritableCacheDirIsOnlyWarnedAbout() throws Exception {
        HiertagConfig config = HiertagConfig.builder().set(HiertagConfig.DATA_DIR, dir.resolve("new/data").toString())
                .build();
        DataFolders.require(config, List.of(config.stateDir()));
        assertTrue(Files.isDirectory(config.stateDir()), config.stateDir().toString());

        Path locked = unwritableFolder();
        Output out = capture(() -> {
            DataFolders.warnIfUnwritable(locked);
            return 0;
        });
        assertTrue(out.text().contains("WARN DataFolders - folder " + locked + " is not writable")
                && out.text().contains("computed again at every start"), out.text());
    }

    /** {@code run} on {@code dataDir}, stopped by the folder check before it starts anything (or not). */
    private static Output run(Path dataDir) throws Exception {
        return capture(() -> Hiertag.execute("run", "--data-dir", dataDir.toString(), "--set", "embedded.port=0",
                "--set", "cache.dir=" + TestModels.cacheDir()));
    }

    /** Exit code 2 and one line, hence no stack trace. */
    static void assertRefused(Output out, String line) {
        assertEquals(2, out.code(), out.text());
        assertEquals(List.of("hiertag: " + line), out.text().lines().filter(l -> !l.isBlank()).toList());
    }

    /**
     * A folder this process cannot write. Root ignores permission bits, so for root it is a read-only tmpfs
     * (skipped where root cannot mount, failing on CI); for anyone else a folder without write permission.
     */
    private Path unwritableFolder() throws IOException {
        if (ROOT) {
            Tmpfs readOnly = Tmpfs.require(dir.resolve("read-only"), 1 << 20, true);
            mounts.add(readOnly);
            return readOnly.path();
        }
        Path folder = Files.createDirectories(dir.resolve("read-only"));
        Files.setPosixFilePermissions(folder, PosixFilePermissions.fromString("r-xr-xr-x"));
        locked.add(folder);
        return folder;
    }

    private static String unwritableReason() {
        return ROOT ? "read-only file system" : "permission denied";
    }

    @AfterEach
    void unmountAndUnlock() throws IOException {
        mounts.forEach(Tmpfs::close);
        for (Path folder : locked) {
            // So that the temporary folder can be deleted.
            Files.setPosixFilePermissions(folder, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
    }

    @Test
    void preprocessWritesWhatTheModelIsFedWithPreviewsAndListsWhatItCannotRead() throws Exception {
        Path model = TestModelFolders.ensure(dir.resolve("model"));
        BufferedImage solid = new BufferedImage(300, 200, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 200; y++) {
            for (int x = 0; x < 300; x++) {
                solid.setRGB(x, y, 200 << 16 | 100 << 8 | 50);
            }
        }
        Path flat = Files.write(dir.resolve("flat.png"), SampleImages.png(solid));
        Path photo = Files.write(dir.resolve("photo.jpg"), SampleImages.jpeg(SampleImages.generate(5, 1, 120, 90)));
        Path text = Files.writeString(dir.resolve("notes.txt"), "not an image");
        Path out = dir.resolve("seen");

        Output run = capture(() -> Hiertag.execute("preprocess", "--model", model.toString(), "--out",
                out.toString(), flat.toString(), text.toString(), photo.toString(), dir.resolve("gone.png").toString()));
        assertEquals(0, run.code(), run.text());
        assertTrue(run.stdout().contains("2 of 4 images written"), run.text());
        assertTrue(run.text().contains("notes.txt: UNSUPPORTED_FORMAT"), run.text());
        assertTrue(run.text().contains("gone.png: cannot read"), run.text());
        assertEquals(List.of(flat.toString(), photo.toString()), Files.readAllLines(out.resolve("pixels.txt")));

        ModelContract.ImageSpec spec = ModelContract.read(model).image();
        int s = spec.size();
        ImageDecoder decoder = TaggingEngine.imageDecoder(HiertagConfig.defaults());
        float[] expected = new float[2 * s * s * 3];
        System.arraycopy(spec.preprocessor().preprocess(decoder.decode(Files.readAllBytes(flat))), 0, expected, 0,
                s * s * 3);
        System.arraycopy(spec.preprocessor().preprocess(decoder.decode(Files.readAllBytes(photo))), 0, expected,
                s * s * 3, s * s * 3);
        byte[] npy = Files.readAllBytes(out.resolve("pixels.npy"));
        int headerLength = (npy[8] & 0xff) | (npy[9] & 0xff) << 8;
        String header = new String(npy, 10, headerLength, StandardCharsets.US_ASCII);
        assertTrue(header.contains("'shape': (2, " + s + ", " + s + ", 3)") && header.contains("<f4"), header);
        FloatBuffer values = ByteBuffer.wrap(npy, 10 + headerLength, npy.length - 10 - headerLength)
                .order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
        float[] actual = new float[values.remaining()];
        values.get(actual);
        assertArrayEquals(expected, actual, "exactly the model's input, in the order given");

        BufferedImage preview = ImageIO.read(out.resolve("preview-0001.png").toFile());
        assertEquals(s, preview.getWidth());
        for (int y = 0; y < s; y++) {
            for (int x = 0; x < s; x++) {
                assertEquals(200 << 16 | 100 << 8 | 50, preview.getRGB(x, y) & 0xffffff, "the colour seen at " + x);
            }
        }
        assertTrue(Files.isRegularFile(out.resolve("preview-0002.png")));

        Output none = capture(() -> Hiertag.execute("preprocess", "--model", model.toString(), "--out",
                dir.resolve("none").toString(), text.toString()));
        assertEquals(2, none.code(), "nothing could be read: " + none.text());
    }
}
