package io.hiertag.eval;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * How well a confidence score separates correct from wrong predictions (METHOD §2.4): AUROC and the
 * accuracy-versus-abstention curve. A higher score means more confident. Both work on groups of equal scores,
 * so neither depends on the order of the input.
 */
public final class SelectivePrediction {
    private SelectivePrediction() {
    }

    /**
     * The probability that a random correct image scores higher than a random wrong one, a tie counting one half:
     * the Mann–Whitney U over (correct × wrong), O(n log n).
     *
     * @return the AUROC, or NaN when there is no correct or no wrong image
     * @throws IllegalArgumentException on different lengths or a NaN score
     */
    public static double auroc(double[] scores, boolean[] correct) {
        List<TieGroup> groups = tieGroups(scores, correct);
        long right = 0;
        long wrong = 0;
        for (TieGroup g : groups) {
            right += g.correct;
            wrong += g.wrong;
        }
        if (right == 0 || wrong == 0) {
            return Double.NaN;
        }
        // Walk from the highest score down: each correct image beats every wrong one below its group.
        double wins = 0;
        long wrongAtOrAbove = 0;
        for (TieGroup g : groups) {
            wrongAtOrAbove += g.wrong;
            wins += g.correct * ((wrong - wrongAtOrAbove) + 0.5 * g.wrong);
        }
        return wins / ((double) right * wrong);
    }

    /**
     * Accuracy of the retained images at abstention rates a = 0, 1/steps, …, (steps−1)/steps (1.0 is left out:
     * nothing would remain). At rate a the round((1−a)·n) highest-scoring images are kept, halves rounding up.
     *
     * <p>When the cut falls inside a group of equal scores, the images of that group that are kept count with the
     * group's mean accuracy: the expected accuracy under a random tie-break. Taking them in input order instead
     * would let the file order change the curve, which matters for coarse scores such as the discrete rule.
     *
     * @return one point per rate, abstention ascending; the accuracy is NaN where no image is kept
     * @throws IllegalArgumentException on different lengths, a NaN score or {@code steps < 1}
     */
    public static List<EvaluationReport.CurvePoint> abstentionCurve(double[] scores, boolean[] correct, int steps) {
        if (steps < 1) {
            throw new IllegalArgumentException("steps must be at least 1: " + steps);
        }
        List<TieGroup> groups = tieGroups(scores, correct);
        int n = scores.length;
        List<EvaluationReport.CurvePoint> curve = new ArrayList<>(steps);
        for (int i = 0; i < steps; i++) {
            // (steps - i) * n / steps rather than (1 - a) * n: no floating-point noise before rounding.
            long keep = Math.round((double) (steps - i) * n / steps);
            curve.add(new EvaluationReport.CurvePoint((double) i / steps, keptAccuracy(groups, keep)));
        }
        return curve;
    }

    private static double keptAccuracy(List<TieGroup> groups, long keep) {
        if (keep == 0) {
            return Double.NaN;
        }
        double right = 0;
        long taken = 0;
        for (TieGroup g : groups) {
            long size = g.correct + g.wrong;
            if (taken + size >= keep) {
                right += (double) (keep - taken) * g.correct / size;
                break;
            }
            right += g.correct;
            taken += size;
        }
        return right / keep;
    }

    /** Images with one score value: how many were correct and how many wrong. */
    private record TieGroup(int correct, int wrong) {
    }

    /** Groups of equal scores, highest score first. */
    private static List<TieGroup> tieGroups(double[] scores, boolean[] correct) {
        if (scores.length != correct.length) {
            throw new IllegalArgumentException(
                    "scores and correct differ in length: " + scores.length + " vs " + correct.length);
        }
        int right = 0;
        for (int i = 0; i < scores.length; i++) {
            if (Double.isNaN(scores[i])) {
                throw new IllegalArgumentException("score " + i + " is NaN");
            }
            right += correct[i] ? 1 : 0;
        }
        // Sorting the two classes' scores separately and merging them avoids boxing an index array.
        double[] c = new double[right];
        double[] w = new double[scores.length - right];
        for (int i = 0, ci = 0, wi = 0; i < scores.length; i++) {
            if (correct[i]) {
                c[ci++] = scores[i];
            } else {
                w[wi++] = scores[i];
            }
        }
        Arrays.sort(c);
        Arrays.sort(w);
        List<TieGroup> groups = new ArrayList<>();
        int ci = c.length - 1;
        int wi = w.length - 1;
        while (ci >= 0 || wi >= 0) {
            double s = ci < 0 ? w[wi] : wi < 0 ? c[ci] : Math.max(c[ci], w[wi]);
            int nc = 0;
            int nw = 0;
            // == rather than Double.compare so that 0.0 and -0.0 tie, as they do for the score itself.
            while (ci >= 0 && c[ci] == s) {
                ci--;
                nc++;
            }
            while (wi >= 0 && w[wi] == s) {
                wi--;
                nw++;
            }
            groups.add(new TieGroup(nc, nw));
        }
        return groups;
    }
}
