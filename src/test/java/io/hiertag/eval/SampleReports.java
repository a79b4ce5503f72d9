package io.hiertag.eval;

import io.hiertag.eval.EvaluationReport.AccuracyRow;
import io.hiertag.eval.EvaluationReport.ClassChange;
import io.hiertag.eval.EvaluationReport.Rescue;
import io.hiertag.eval.EvaluationReport.SelectiveScore;
import io.hiertag.eval.EvaluationReport.Setup;
import io.hiertag.eval.EvaluationReport.Skip;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** Hand-made reports with values of the size a real ImageNet run gives. */
final class SampleReports {
    static final List<String> SCORES = List.of("S_T", "discrete rule", "max logit (W_name)", "max logit (W_all)");

    private SampleReports() {
    }

    static EvaluationReport realistic() {
        List<Skip> skips = List.of(
                new Skip("/data/imagenet/val/n01440764/ILSVRC2012_val_00000293.JPEG", "cannot decode: truncated JPEG"),
                new Skip("/data/imagenet/val/n99999999/img_0001.jpg", "label n99999999 is not in imagenet-1k"),
                new Skip("/data/imagenet/val/n04606251/huge.png", "image exceeds 40000000 pixels"));
        Setup setup = new Setup("clip-vit-b16@3f2a9c1e", "imagenet-1k", 1000, "/data/imagenet/val", 2000, skips.size(),
                436, "discrete+flip", 151.8, 71.35, skips, "2026-11-26T21:50:00Z");
        List<AccuracyRow> all = List.of(
                new AccuracyRow("name", "class name only", 2000, 0.6345, 0.8890),
                new AccuracyRow("photo", "\"a photo of a {}.\"", 2000, 0.6610, 0.8975),
                new AccuracyRow("ensemble", "80-template ensemble", 2000, 0.6830, 0.9115),
                new AccuracyRow("hierarchy", "first pass, name candidates rescored", 2000, 0.6525, 0.8890),
                new AccuracyRow("hierarchy+ensemble", "first pass, ensemble candidates rescored", 2000, 0.6960,
                        0.9115));
        List<AccuracyRow> uncertain = List.of(
                new AccuracyRow("name", "class name only", 436, 0.3119, 0.7752),
                new AccuracyRow("photo", "\"a photo of a {}.\"", 436, 0.3417, 0.7821),
                new AccuracyRow("ensemble", "80-template ensemble", 436, 0.3761, 0.8142),
                new AccuracyRow("hierarchy", "first pass, name candidates rescored", 436, 0.3945, 0.7752),
                new AccuracyRow("hierarchy+ensemble", "first pass, ensemble candidates rescored", 436, 0.4358,
                        0.8142));
        List<Rescue> rescue = List.of(
                new Rescue("name", 436, 71, 35, 36, 0.3119, 0.3945, 0.6345, 0.6525),
                new Rescue("ensemble", 436, 58, 32, 26, 0.3761, 0.4358, 0.6830, 0.6960));
        String[][] classes = {
            {"281", "n02123045", "tabby cat"}, {"282", "n02123159", "tiger cat"},
            {"285", "n02124075", "Egyptian Mau"}, {"620", "n03642806", "laptop computer"},
            {"681", "n03832673", "notebook computer"}, {"134", "n02012849", "crane bird"},
            {"517", "n03126707", "construction crane"}, {"101", "n01871265", "tusker"},
            {"386", "n02504458", "African bush elephant"}, {"836", "n04355933", "sunglasses"},
        };
        int[][] fixedBroken = {{9, 2}, {7, 5}, {6, 1}, {5, 4}, {4, 4}, {5, 1}, {3, 3}, {4, 1}, {2, 2}, {3, 0}};
        List<ClassChange> changes = new ArrayList<>();
        for (int i = 0; i < classes.length; i++) {
            changes.add(new ClassChange(Integer.parseInt(classes[i][0]), classes[i][1], classes[i][2], 50,
                    fixedBroken[i][0], fixedBroken[i][1]));
        }
        Map<String, List<Integer>> dump = Map.of("image_embeddings.npy", List.of(2000, 512),
                "W_name.npy", List.of(1000, 512), "W_t.npy", List.of(80, 1000, 512),
                "hierarchy_class.npy", List.of(1971));
        return new EvaluationReport(setup, all, uncertain, rescue, selective(2000, new Random(3)), changes, dump);
    }

    /**
     * Four scores of increasing quality over one simulated set of 63 % correct predictions, the curves computed
     * by {@link SelectivePrediction} as the evaluator will.
     */
    private static List<SelectiveScore> selective(int n, Random rnd) {
        boolean[] correct = new boolean[n];
        for (int i = 0; i < n; i++) {
            correct[i] = rnd.nextDouble() < 0.63;
        }
        double[] separation = {1.45, 1.1, 0.65, 0.7};
        List<SelectiveScore> out = new ArrayList<>();
        for (int k = 0; k < SCORES.size(); k++) {
            double[] s = new double[n];
            for (int i = 0; i < n; i++) {
                s[i] = rnd.nextGaussian() + (correct[i] ? separation[k] : 0);
            }
            if (SCORES.get(k).equals("discrete rule")) {
                // The discrete rule only has a few levels: many ties.
                for (int i = 0; i < n; i++) {
                    s[i] = Math.floor(Math.max(0, Math.min(3, s[i] + 1)));
                }
            }
            out.add(new SelectiveScore(SCORES.get(k), SelectivePrediction.auroc(s, correct),
                    SelectivePrediction.abstentionCurve(s, correct, 20)));
        }
        return out;
    }
}
