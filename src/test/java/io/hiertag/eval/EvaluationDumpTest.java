package io.hiertag.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hiertag.config.HiertagConfig;
import io.hiertag.labels.LabelSet;
import io.hiertag.samples.SampleImages;
import io.hiertag.streams.TestModels;
import io.hiertag.testing.ExternalTool;
import io.hiertag.zeroshot.EncodingProgress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dump is enough to recompute the decisions elsewhere: NumPy loads every array with the shape report.json
 * gives, and the class-name top-5 and the rescored labels recomputed from the arrays in NumPy agree with the
 * CSV's (up to float32 rounding where two scores are within 1e-5).
 */
class EvaluationDumpTest {

    /** Loads every array, checks shapes and dtypes, recomputes top-5 and rescoring, prints one verdict line. */
    private static final String CHECK = String.join("\n",
            "import csv, json, os, sys",
            "import numpy as np",
            "dump, report = sys.argv[1], json.load(open(sys.argv[2]))",
            "for name, shape in report['dump'].items():",
            "    a = np.load(os.path.join(dump, name))",
            "    assert list(a.shape) == shape, (name, a.shape, shape)",
            "    assert a.dtype in (np.dtype('<f4'), np.dtype('<i4')), (name, a.dtype)",
            "z = np.load(os.path.join(dump, 'image_embeddings.npy')).astype(np.float64)",
            "z /= np.linalg.norm(z, axis=1, keepdims=True)",
            "W = np.load(os.path.join(dump, 'W_name.npy')).astype(np.float64)",
            "H = np.load(os.path.join(dump, 'hierarchy_embeddings.npy')).astype(np.float64)",
            "owner = np.load(os.path.join(dump, 'hierarchy_owner.npy'))",
            "rows = list(csv.DictReader(open(os.path.join(dump, 'images.csv'))))",
            "assert len(rows) == len(z)",
            "same_top5 = same_rescore = rescored = 0",
            "# Java scores in float32 on TensorFlow, NumPy here in float64: orders may only differ within 1e-5.",
            "for i, row in enumerate(rows):",
            "    logits = z[i] @ W.T",
            "    csv_top5 = [int(c) for c in row['top5'].split()]",
            "    best = np.sort(logits)[::-1][:5]",
            "    same_top5 += all(abs(logits[c] - b) < 1e-5 for c, b in zip(csv_top5, best))",
            "    if row['rescored_name']:",
            "        rescored += 1",
            "        group = [max(H[owner == c] @ z[i]) for c in csv_top5]",
            "        chosen = group[csv_top5.index(int(row['rescored_name']))]",
            "        same_rescore += chosen > max(group) - 1e-5",
            "print('top5', same_top5, len(rows), 'rescore', same_rescore, rescored)");

    @TempDir
    Path work;

    @Test
    void numpyLoadsEveryArrayAndRecomputesTheDecisions() throws Exception {
        ExternalTool.requirePython(work, "numpy");
        Path images = work.resolve("images");
        for (String label : List.of("n01443537", "goldfish", "tennis ball")) {
            Path dir = Files.createDirectories(images.resolve(label));
            for (int i = 0; i < 6; i++) {
                Files.write(dir.resolve(i + ".png"), SampleImages.png(SampleImages.generate(label.length(), i,
                        70 + 9 * i, 60)));
            }
        }
        HiertagConfig config = HiertagConfig.builder().set("cache.dir", TestModels.cacheDir().toString()).build();
        Path dump = work.resolve("dump");
        Path report = work.resolve("report");
        EvaluationRun.run(config, TestModels.testModel(), LabelledImages.fromFolders(images),
                new EvaluationRun.Options(LabelSet.IMAGENET_1K, images.toString(), report, dump),
                EncodingProgress.NONE, EncodingProgress.NONE);
        Path script = Files.writeString(work.resolve("check.py"), CHECK);
        ExternalTool.Result r = ExternalTool.run(List.of(ExternalTool.PYTHON.toString(), script.toString(),
                dump.toString(), report.resolve("report.json").toString()), Duration.ofSeconds(60), work);
        assertEquals(0, r.exitCode(), r.output());
        String[] counts = r.output().strip().split(" ");
        assertEquals("top5", counts[0], r.output());
        assertEquals(counts[2], counts[1], "NumPy's top-5 equals hiertag's for every image: " + r.output());
        assertEquals(counts[5], counts[4], "NumPy's rescoring equals hiertag's: " + r.output());
        assertTrue(Integer.parseInt(counts[5]) > 0, "some images were rescored: " + r.output());
    }
}
