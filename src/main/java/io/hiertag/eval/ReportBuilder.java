package io.hiertag.eval;

import io.hiertag.labels.LabelClass;
import io.hiertag.labels.LabelSet;
import io.hiertag.zeroshot.FirstPassResult;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.IntPredicate;
import java.util.function.ToDoubleFunction;
import java.util.function.ToIntFunction;
import java.util.stream.IntStream;

/**
 * Turns per-image outcomes into the report's numbers: accuracy per method on every image and on the uncertain
 * subset, what rescoring fixed and broke in each variant, and how well each confidence score separates correct
 * from wrong class-name predictions (the paper's Fig. 3 protocol, METHOD §2.4 and D8).
 */
public final class ReportBuilder {

    /** Abstention rates 0, 5 %, …, 95 %. */
    static final int CURVE_STEPS = 20;
    /** How many of the most changed classes the report lists. */
    static final int CHANGED_CLASSES = 15;

    private ReportBuilder() {
    }

    /**
     * @param ensembleVariant which variant the configuration runs ({@code rescoring.ensemble}); its changes are
     *     the ones listed per class
     */
    public static EvaluationReport build(EvaluationReport.Setup setup, List<ImageOutcome> outcomes,
            LabelSet labels, boolean ensembleVariant, boolean flip, Map<String, List<Integer>> dump) {
        List<ImageOutcome> uncertain = outcomes.stream().filter(ImageOutcome::uncertain).toList();
        return new EvaluationReport(setup, accuracy(outcomes), accuracy(uncertain),
                List.of(rescue("name", outcomes, o -> o.name().top1(), ImageOutcome::hierarchyLabel),
                        rescue("ensemble", outcomes, o -> o.ensemble().top1(), ImageOutcome::hierarchyEnsembleLabel)),
                selective(outcomes, flip), classChanges(outcomes, labels, ensembleVariant), dump);
    }

    static List<EvaluationReport.AccuracyRow> accuracy(List<ImageOutcome> images) {
        return List.of(
                row("name", "class name only (W_name)", images, o -> o.name().topClasses()),
                row("photo", "\"" + Evaluator.PHOTO_TEMPLATE + "\"", images, ImageOutcome::photoTop),
                row("ensemble", "80-template ensemble (W_all)", images, o -> o.ensemble().topClasses()),
                row("hierarchy", "first pass + rescoring, class-name candidates (Table 1)", images,
                        o -> rankedWithFinal(o.name(), o.hierarchyLabel())),
                row("hierarchy+ensemble", "first pass + rescoring, ensemble candidates (Table 4)", images,
                        o -> rankedWithFinal(o.ensemble(), o.hierarchyEnsembleLabel())));
    }

    /** The final label first, then the other candidates in first-pass order: rescoring only re-ranks the five. */
    private static int[] rankedWithFinal(FirstPassResult first, int label) {
        int[] out = new int[first.topClasses().length];
        out[0] = label;
        int k = 1;
        for (int c : first.topClasses()) {
            if (c != label && k < out.length) {
                out[k++] = c;
            }
        }
        return out;
    }

    private static EvaluationReport.AccuracyRow row(String method, String description, List<ImageOutcome> images,
            Function<ImageOutcome, int[]> ranking) {
        int[][] ranked = images.stream().map(ranking).toArray(int[][]::new);
        int[] truth = images.stream().mapToInt(ImageOutcome::truth).toArray();
        return new EvaluationReport.AccuracyRow(method, description, images.size(),
                Accuracy.topK(ranked, truth, 1), Accuracy.topK(ranked, truth, 5));
    }

    static EvaluationReport.Rescue rescue(String variant, List<ImageOutcome> images, ToIntFunction<ImageOutcome> before,
            ToIntFunction<ImageOutcome> after) {
        int uncertain = 0;
        int fixed = 0;
        int broken = 0;
        int rightBeforeUncertain = 0;
        int rightAfterUncertain = 0;
        int rightBefore = 0;
        int rightAfter = 0;
        for (ImageOutcome o : images) {
            boolean b = before.applyAsInt(o) == o.truth();
            boolean a = after.applyAsInt(o) == o.truth();
            rightBefore += b ? 1 : 0;
            rightAfter += a ? 1 : 0;
            if (o.uncertain()) {
                uncertain++;
                rightBeforeUncertain += b ? 1 : 0;
                rightAfterUncertain += a ? 1 : 0;
                fixed += !b && a ? 1 : 0;
                broken += b && !a ? 1 : 0;
            }
        }
        return new EvaluationReport.Rescue(variant, uncertain, fixed, broken, fixed - broken,
                fraction(rightBeforeUncertain, uncertain), fraction(rightAfterUncertain, uncertain),
                fraction(rightBefore, images.size()), fraction(rightAfter, images.size()));
    }

    /**
     * Each confidence score as a detector of a correct class-name prediction. The discrete rule scores 1 for
     * confident and 0 for uncertain; with the flip check on, (S_T + S_B) / 2 adds the flip's agreement (METHOD D8).
     */
    static List<EvaluationReport.SelectiveScore> selective(List<ImageOutcome> images, boolean flip) {
        boolean[] correct = new boolean[images.size()];
        for (int i = 0; i < correct.length; i++) {
            correct[i] = images.get(i).name().top1() == images.get(i).truth();
        }
        List<EvaluationReport.SelectiveScore> out = new ArrayList<>();
        out.add(score("S_T (template agreement)", images, o -> o.name().consistency().templateAgreement(), correct));
        if (flip) {
            out.add(score("(S_T + S_B) / 2 (templates and flip)", images,
                    o -> (o.name().consistency().templateAgreement()
                            + (o.name().consistency().flipAgreement() ? 1.0 : 0.0)) / 2, correct));
        }
        out.add(score("discrete rule (confident = 1)", images, o -> o.uncertain() ? 0 : 1, correct));
        out.add(score("max logit (W_name)", images, o -> o.name().maxLogitName(), correct));
        out.add(score("max logit (W_all)", images, o -> o.name().maxLogitAll(), correct));
        out.add(score("max softmax (W_name, scale 100)", images, ImageOutcome::maxSoftmax, correct));
        return out;
    }

    private static EvaluationReport.SelectiveScore score(String name, List<ImageOutcome> images,
            ToDoubleFunction<ImageOutcome> score, boolean[] correct) {
        double[] s = images.stream().mapToDouble(score).toArray();
        return new EvaluationReport.SelectiveScore(name, SelectivePrediction.auroc(s, correct),
                SelectivePrediction.abstentionCurve(s, correct, CURVE_STEPS));
    }

    /** Per true class, what the configured variant's rescoring fixed and broke; the most changed first. */
    static List<EvaluationReport.ClassChange> classChanges(List<ImageOutcome> images, LabelSet labels,
            boolean ensembleVariant) {
        int[] count = new int[labels.size()];
        int[] fixed = new int[labels.size()];
        int[] broken = new int[labels.size()];
        for (ImageOutcome o : images) {
            count[o.truth()]++;
            boolean b = o.firstPass(ensembleVariant).top1() == o.truth();
            boolean a = o.finalLabel(ensembleVariant) == o.truth();
            fixed[o.truth()] += !b && a ? 1 : 0;
            broken[o.truth()] += b && !a ? 1 : 0;
        }
        IntPredicate changed = c -> fixed[c] + broken[c] > 0;
        return IntStream.range(0, labels.size()).filter(changed).boxed()
                .sorted(Comparator.<Integer>comparingInt(c -> -(fixed[c] + broken[c])).thenComparingInt(c -> c))
                .limit(CHANGED_CLASSES)
                .map(c -> {
                    LabelClass lc = labels.get(c);
                    return new EvaluationReport.ClassChange(c, lc.wnid() == null ? "" : lc.wnid(), lc.name(),
                            count[c], fixed[c], broken[c]);
                })
                .toList();
    }

    private static double fraction(int part, int whole) {
        return whole == 0 ? Double.NaN : (double) part / whole;
    }
}
