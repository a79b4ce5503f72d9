package io.hiertag.zeroshot;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The first pass on a hand-made bank: 7 classes in 2-D at angles 0, 0.3, 0.6 … and 4 templates (even, so the
 * halves are templates 0–1 and 2–3). Template embeddings are the class direction turned by a per-template
 * angle, so which classifier predicts what is controlled exactly.
 */
class FirstPassTest {

    private static final List<String> NAMES = List.of("c0", "c1", "c2", "c3", "c4", "c5", "c6");
    private static final int TEMPLATES = 4;

    private static float[] unit(double angle) {
        return new float[] {(float) Math.cos(angle), (float) Math.sin(angle)};
    }

    private static ClassifierBank bank(double[] templateTurns) {
        float[][] e = new float[NAMES.size() * (1 + TEMPLATES)][];
        for (int c = 0; c < NAMES.size(); c++) {
            e[c] = unit(0.3 * c);
            for (int t = 0; t < TEMPLATES; t++) {
                e[NAMES.size() + t * NAMES.size() + c] = unit(0.3 * c + templateTurns[t]);
            }
        }
        return ClassifierBank.fromEmbeddings(e, NAMES, TEMPLATES);
    }

    private static FirstPassResult one(ClassifierBank bank, ConsistencyRule rule, double image, double flip) {
        FirstPass fp = new FirstPass(bank, new JavaBankScoring(bank), rule, false);
        return fp.classify(unit(image), rule.flip() ? unit(flip) : null, 1).get(0);
    }

    @Test
    void ensembleRowsAreRenormalisedMeansOfUnitTemplateEmbeddings() {
        ClassifierBank b = bank(new double[] {0.1, -0.1, 0.2, 0.4});
        assertArrayEquals(unit(0.3 * 2 + 0.15), b.row(ClassifierBank.ALL, 2), 1e-6f);
        assertArrayEquals(unit(0.3 * 2), b.row(ClassifierBank.FIRST_HALF, 2), 1e-6f);
        assertArrayEquals(unit(0.3 * 2 + 0.3), b.row(ClassifierBank.SECOND_HALF, 2), 1e-6f);
        assertArrayEquals(unit(0.3 * 2 + 0.4), b.row(ClassifierBank.FIRST_TEMPLATE + 3, 2), 1e-6f);
    }

    @Test
    void topFiveOfTheClassNameClassifierBestFirst() {
        FirstPassResult r = one(bank(new double[] {0, 0, 0, 0}), ConsistencyRule.paper(), 0.95, 0.95);
        assertArrayEquals(new int[] {3, 4, 2, 5, 1}, r.topClasses());
        assertEquals((float) Math.cos(0.05), r.topScores()[0], 1e-6f);
        assertEquals(r.topScores()[0], r.maxLogitName());
        for (int k = 1; k < 5; k++) {
            assertTrue(r.topScores()[k - 1] >= r.topScores()[k]);
        }
    }

    @Test
    void allClassifiersAgreeingMakesTheImageConfident() {
        FirstPassResult r = one(bank(new double[] {0.01, -0.01, 0.02, -0.02}), ConsistencyRule.paper(), 0.9, 0.88);
        assertArrayEquals(new int[] {3, 3, 3, 3}, r.predictions());
        assertEquals(3, r.flipPrediction());
        assertEquals(4, r.templateVotes());
        assertFalse(r.consistency().uncertain());
    }

    @Test
    void aTurnedSecondHalfBreaksTextAgreementAndLowersTemplateAgreement() {
        // Templates 2 and 3 point 0.3 further, so for an image at 0.92 they vote for class 2.
        FirstPassResult r = one(bank(new double[] {0, 0, 0.3, 0.3}), ConsistencyRule.paper(), 0.92, 0.92);
        assertEquals(3, r.predictions()[0]);
        assertEquals(2, r.predictions()[3]);
        assertEquals(2, r.templateVotes());
        assertEquals(0.5f, r.consistency().templateAgreement());
        assertFalse(r.consistency().textAgreement());
        assertTrue(r.consistency().uncertain());
    }

    @Test
    void aFlippedImageWithAnotherLabelMakesTheImageUncertain() {
        FirstPassResult r = one(bank(new double[] {0, 0, 0, 0}), ConsistencyRule.paper(), 0.9, 1.5);
        assertEquals(5, r.flipPrediction());
        assertTrue(r.consistency().textAgreement());
        assertFalse(r.consistency().flipAgreement());
        assertTrue(r.consistency().uncertain());
    }

    @Test
    void classesWithTheSameTextTieExactlyAndTheLowerIndexWins() {
        List<String> names = List.of("missile", "rocket", "missile");
        float[][] e = new float[3 * 3][];
        for (int i = 0; i < e.length; i++) {
            // Embeddings of the duplicate differ in the last bits, as a batched text tower may produce.
            e[i] = i % 3 == 2 ? new float[] {1f, 1e-7f} : i % 3 == 0 ? new float[] {1f, 0f} : new float[] {0f, 1f};
        }
        ClassifierBank b = ClassifierBank.fromEmbeddings(e, names, 2);
        assertEquals(0, b.canonical(2));
        assertArrayEquals(b.row(ClassifierBank.NAME, 0), b.row(ClassifierBank.NAME, 2));
        FirstPassResult r = new FirstPass(b, new JavaBankScoring(b), ConsistencyRule.paper(), false)
                .classify(new float[] {1, 0.2f}, new float[] {1, 0.2f}, 1).get(0);
        assertArrayEquals(new int[] {0, 2, 1}, r.topClasses());
        assertEquals(0, r.predictions()[0]);
    }

    @Test
    void theEnsembleVariantTakesItsCandidatesFromTheAllTemplateClassifier() {
        ClassifierBank b = bank(new double[] {0.3, 0.3, 0.3, 0.3});
        FirstPassResult r = new FirstPass(b, new JavaBankScoring(b), ConsistencyRule.paper(), true)
                .classify(unit(0.9), unit(0.9), 1).get(0);
        assertEquals(2, r.top1());
        assertEquals(3, r.predictions()[0]);
        assertEquals(r.maxLogitAll(), r.top1Score());
    }
}
