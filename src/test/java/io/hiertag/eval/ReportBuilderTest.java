package io.hiertag.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hiertag.labels.LabelClass;
import io.hiertag.labels.LabelSet;
import io.hiertag.zeroshot.Consistency;
import io.hiertag.zeroshot.FirstPassResult;
import io.hiertag.zeroshot.RescoreResult;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The report's numbers from small hand-made outcomes whose answers are known. */
class ReportBuilderTest {

    private static final LabelSet LABELS = new LabelSet("toy", IntStream.range(0, 6)
            .mapToObj(i -> new LabelClass(i, null, "class " + i)).toList());

    /** A first pass ranking {@code top}; uncertain when {@code votes} is below 80 (the text rule disagrees). */
    private static FirstPassResult pass(int[] top, int votes, float maxName) {
        boolean confident = votes == 80;
        return new FirstPassResult(top, new float[] {0.5f, 0.4f, 0.3f, 0.2f, 0.1f},
                new int[] {top[0], top[0], top[0], confident ? top[0] : top[1]}, top[0], votes, maxName, maxName,
                new Consistency(confident, true, votes / 80f, !confident));
    }

    private static RescoreResult rescored(int[] candidates, int winner) {
        return new RescoreResult(candidates, new float[] {0.1f, 0.2f, 0.3f, 0.4f, 0.5f},
                new String[] {"a", "b", "c", "d", "e"}, winner);
    }

    private static ImageOutcome outcome(int truth, int[] top, int votes, int rescoreWinner) {
        FirstPassResult f = pass(top, votes, votes / 100f);
        RescoreResult r = votes == 80 ? null : rescored(top, rescoreWinner);
        return new ImageOutcome("img", truth, f, f, top, 0.5, r, r);
    }

    /**
     * Six images: two confident (one right, one wrong), four uncertain: one fixed (truth at rank 2, rescoring
     * picks it), one broken (right at rank 1, rescoring moves away), one wrong both times, one right both times.
     */
    private static List<ImageOutcome> sample() {
        return List.of(
                outcome(0, new int[] {0, 1, 2, 3, 4}, 80, 0),
                outcome(1, new int[] {2, 3, 4, 5, 0}, 80, 0),
                outcome(3, new int[] {2, 3, 4, 5, 0}, 40, 1),
                outcome(4, new int[] {4, 0, 1, 2, 3}, 30, 2),
                outcome(5, new int[] {1, 2, 3, 4, 0}, 20, 3),
                outcome(2, new int[] {2, 1, 0, 3, 4}, 60, 0));
    }

    @Test
    void rescueCountsFixedBrokenAndAccuracyBeforeAndAfter() {
        EvaluationReport.Rescue r = ReportBuilder.rescue("name", sample(), o -> o.name().top1(),
                ImageOutcome::hierarchyLabel);
        assertEquals(4, r.uncertain());
        assertEquals(1, r.fixed());
        assertEquals(1, r.broken());
        assertEquals(0, r.net());
        assertEquals(2 / 4.0, r.uncertainBefore(), 1e-12);
        assertEquals(2 / 4.0, r.uncertainAfter(), 1e-12);
        assertEquals(3 / 6.0, r.allBefore(), 1e-12);
        assertEquals(3 / 6.0, r.allAfter(), 1e-12);
    }

    @Test
    void accuracyRowsUseTheFinalLabelFirstForTheRescoredMethods() {
        List<EvaluationReport.AccuracyRow> rows = ReportBuilder.accuracy(sample());
        EvaluationReport.AccuracyRow name = rows.get(0);
        assertEquals("name", name.method());
        assertEquals(3 / 6.0, name.top1(), 1e-12);
        assertEquals(4 / 6.0, name.top5(), 1e-12, "classes 1 and 5 are outside their images' top 5");
        EvaluationReport.AccuracyRow hierarchy = rows.get(3);
        assertEquals(3 / 6.0, hierarchy.top1(), 1e-12);
        assertEquals(name.top5(), hierarchy.top5(), 1e-12, "rescoring re-orders the same five");
        List<EvaluationReport.AccuracyRow> none = ReportBuilder.accuracy(List.of());
        assertTrue(Double.isNaN(none.get(0).top1()), "an empty subset has no accuracy");
    }

    @Test
    void classChangesListOnlyChangedClassesMostChangedFirst() {
        List<EvaluationReport.ClassChange> changes = ReportBuilder.classChanges(sample(), LABELS, false);
        assertEquals(List.of(3, 4), changes.stream().map(EvaluationReport.ClassChange::index).toList());
        assertEquals(1, changes.get(0).fixed());
        assertEquals(0, changes.get(0).broken());
        assertEquals(1, changes.get(1).broken());
    }

    @Test
    void theDiscreteRuleScoresConfidentOneAndUncertainZero() {
        List<EvaluationReport.SelectiveScore> scores = ReportBuilder.selective(sample(), true);
        EvaluationReport.SelectiveScore rule = scores.stream().filter(s -> s.score().startsWith("discrete"))
                .findFirst().orElseThrow();
        // Correct: images 0, 3 and 5. Confident (score 1): 0 and 1. Pairs (correct, wrong) = 3 × 3 = 9:
        // image 0 beats 3 wrong (1 > 0, 0, and ties image 1 → 2.5); images 3 and 5 (score 0) tie image 4 and 2
        // (0.5 each) and lose to image 1: 2 × (0.5 + 0.5) = 2. AUROC = (2.5 + 2) / 9.
        assertEquals(4.5 / 9, rule.auroc(), 1e-12);
        assertEquals(6, scores.size(), "S_T, (S_T+S_B)/2, rule, two max logits, max softmax");
        assertEquals(ReportBuilder.CURVE_STEPS, rule.curve().size());
    }

    @Test
    void maxSoftmaxIsStableForLargeLogits() {
        assertEquals(0.5, Evaluator.maxSoftmax(new float[] {0.3f, 0.3f}), 1e-12);
        double p = Evaluator.maxSoftmax(new float[] {0.31f, 0.30f, -1f});
        assertEquals(1 / (1 + Math.exp(-1.0)), p, 1e-4);
        assertEquals(1.0, Evaluator.maxSoftmax(new float[] {40f, -40f}), 1e-12, "no overflow at scale 100");
    }
}
