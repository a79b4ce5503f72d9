package io.hiertag.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hiertag.eval.EvaluationReport.CurvePoint;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SelectivePredictionTest {

    private static final boolean T = true;
    private static final boolean F = false;

    @Test
    void aurocIsOneWhenEveryCorrectImageScoresHigher() {
        assertEquals(1.0, SelectivePrediction.auroc(new double[] {0.9, 0.7, 0.4, 0.1}, new boolean[] {T, T, F, F}));
    }

    @Test
    void aurocIsZeroWhenEveryWrongImageScoresHigher() {
        assertEquals(0.0, SelectivePrediction.auroc(new double[] {0.9, 0.7, 0.4, 0.1}, new boolean[] {F, F, T, T}));
    }

    @Test
    void aurocIsOneHalfWhenAllScoresTie() {
        assertEquals(0.5, SelectivePrediction.auroc(new double[] {3, 3, 3, 3, 3}, new boolean[] {T, F, F, T, F}));
    }

    @Test
    void aurocOfAMixedCaseWithATieByHand() {
        // Pairs (correct, wrong): (0.9, 0.8) 1, (0.9, 0.3) 1, (0.8, 0.8) ½, (0.8, 0.3) 1 → 3.5 / 4.
        assertEquals(0.875, SelectivePrediction.auroc(new double[] {0.9, 0.8, 0.8, 0.3}, new boolean[] {T, F, T, F}));
    }

    @Test
    void aurocIsNaNWithoutCorrectOrWithoutWrongImages() {
        assertTrue(Double.isNaN(SelectivePrediction.auroc(new double[] {0.2, 0.9}, new boolean[] {T, T})));
        assertTrue(Double.isNaN(SelectivePrediction.auroc(new double[] {0.2, 0.9}, new boolean[] {F, F})));
        assertTrue(Double.isNaN(SelectivePrediction.auroc(new double[0], new boolean[0])));
    }

    @Test
    void aurocEqualsTheCountOverAllPairs() {
        Random rnd = new Random(7);
        double[] s = new double[300];
        boolean[] c = new boolean[300];
        for (int i = 0; i < s.length; i++) {
            s[i] = rnd.nextInt(20) / 10.0; // coarse, so there are many ties
            c[i] = rnd.nextDouble() < 0.3 + s[i] / 4;
        }
        double wins = 0;
        int pairs = 0;
        for (int i = 0; i < s.length; i++) {
            for (int j = 0; j < s.length; j++) {
                if (c[i] && !c[j]) {
                    pairs++;
                    wins += s[i] > s[j] ? 1 : s[i] == s[j] ? 0.5 : 0;
                }
            }
        }
        assertEquals(wins / pairs, SelectivePrediction.auroc(s, c), 1e-12);
    }

    @Test
    void curveOfAMonotoneExample() {
        List<CurvePoint> curve = SelectivePrediction.abstentionCurve(
                new double[] {0.6, 0.9, 0.7, 0.8}, new boolean[] {F, T, F, T}, 4);
        assertEquals(List.of(new CurvePoint(0, 0.5), new CurvePoint(0.25, 2.0 / 3), new CurvePoint(0.5, 1),
                new CurvePoint(0.75, 1)), curve);
    }

    @Test
    void aGroupTiedAtTheCutCountsWithItsMeanAccuracy() {
        double[] s = {0.5, 0.9, 0.5, 0.1, 0.5};
        boolean[] c = {T, T, F, T, F};
        double[] accuracy = SelectivePrediction.abstentionCurve(s, c, 5).stream()
                .mapToDouble(CurvePoint::accuracy).toArray();
        // Keep 5, 4, 3, 2, 1 of: 0.9 (right), three tied at 0.5 (one right), 0.1 (right).
        assertEquals(3.0 / 5, accuracy[0], 1e-12);
        assertEquals((1 + 1) / 4.0, accuracy[1], 1e-12);
        assertEquals((1 + 2 / 3.0) / 3, accuracy[2], 1e-12);
        assertEquals((1 + 1 / 3.0) / 2, accuracy[3], 1e-12);
        assertEquals(1.0, accuracy[4], 1e-12);
    }

    @Test
    void theCurveAndAurocDoNotDependOnInputOrder() {
        Random rnd = new Random(11);
        double[] s = new double[101];
        boolean[] c = new boolean[s.length];
        for (int i = 0; i < s.length; i++) {
            s[i] = rnd.nextInt(5);
            c[i] = rnd.nextBoolean();
        }
        List<CurvePoint> curve = SelectivePrediction.abstentionCurve(s, c, 20);
        double auroc = SelectivePrediction.auroc(s, c);
        for (int round = 0; round < 5; round++) {
            for (int i = s.length - 1; i > 0; i--) {
                int j = rnd.nextInt(i + 1);
                double ts = s[i];
                s[i] = s[j];
                s[j] = ts;
                boolean tc = c[i];
                c[i] = c[j];
                c[j] = tc;
            }
            List<CurvePoint> shuffled = SelectivePrediction.abstentionCurve(s, c, 20);
            for (int k = 0; k < curve.size(); k++) {
                assertEquals(curve.get(k).accuracy(), shuffled.get(k).accuracy(), 1e-12);
            }
            assertEquals(auroc, SelectivePrediction.auroc(s, c), 1e-12);
        }
    }

    @Test
    void keptCountsRoundHalfUpAndNothingKeptIsNaN() {
        // 5 images, steps 2: a = 0.5 keeps round(2.5) = 3.
        List<CurvePoint> curve = SelectivePrediction.abstentionCurve(
                new double[] {5, 4, 3, 2, 1}, new boolean[] {T, T, F, T, T}, 2);
        assertEquals(new CurvePoint(0.5, 2.0 / 3), curve.get(1));
        // 1 image, steps 4: a = 0.75 keeps round(0.25) = 0.
        List<CurvePoint> one = SelectivePrediction.abstentionCurve(new double[] {1}, new boolean[] {T}, 4);
        assertEquals(1.0, one.get(2).accuracy());
        assertTrue(Double.isNaN(one.get(3).accuracy()));
    }

    @Test
    void rejectsMismatchedLengthsNaNScoresAndNoSteps() {
        assertThrows(IllegalArgumentException.class,
                () -> SelectivePrediction.auroc(new double[] {1, 2}, new boolean[] {T}));
        assertThrows(IllegalArgumentException.class,
                () -> SelectivePrediction.auroc(new double[] {1, Double.NaN}, new boolean[] {T, F}));
        assertThrows(IllegalArgumentException.class,
                () -> SelectivePrediction.abstentionCurve(new double[] {1}, new boolean[] {T}, 0));
    }
}
