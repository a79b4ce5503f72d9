package io.hiertag.zeroshot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ConsistencyRuleTest {

    private final ConsistencyRule paper = ConsistencyRule.paper();

    @Test
    void confidentOnlyWhenAllFourClassifiersAndTheFlipAgree() {
        Consistency c = paper.evaluate(new int[] {7, 7, 7, 7}, 7, 80, 80);
        assertTrue(c.textAgreement());
        assertTrue(c.flipAgreement());
        assertFalse(c.uncertain());
        assertEquals(1f, c.templateAgreement());
    }

    @Test
    void eachDisagreementAloneMakesTheImageUncertain() {
        int[][] text = {{7, 3, 7, 7}, {7, 7, 3, 7}, {7, 7, 7, 3}, {7, 3, 3, 3}};
        for (int[] p : text) {
            Consistency c = paper.evaluate(p, 7, 80, 80);
            assertFalse(c.textAgreement());
            assertTrue(c.flipAgreement());
            assertTrue(c.uncertain());
        }
        Consistency flip = paper.evaluate(new int[] {7, 7, 7, 7}, 2, 80, 80);
        assertTrue(flip.textAgreement());
        assertFalse(flip.flipAgreement());
        assertTrue(flip.uncertain());
    }

    @Test
    void theDiscreteRuleIgnoresTheTemplateScore() {
        assertFalse(paper.evaluate(new int[] {7, 7, 7, 7}, 7, 1, 80).uncertain());
    }

    @Test
    void withoutTheFlipCheckOnlyTextCounts() {
        ConsistencyRule noFlip = new ConsistencyRule(false, Double.NaN);
        Consistency c = noFlip.evaluate(new int[] {7, 7, 7, 7}, -1, 80, 80);
        assertTrue(c.flipAgreement());
        assertFalse(c.uncertain());
    }

    @Test
    void theThresholdRuleIsUncertainAtOrBelowTheThresholdAndStillUsesTheFlip() {
        ConsistencyRule t = new ConsistencyRule(true, 0.5);
        assertEquals(0.5f, t.evaluate(new int[] {1, 2, 3, 4}, 1, 40, 80).templateAgreement());
        assertTrue(t.evaluate(new int[] {1, 1, 1, 1}, 1, 40, 80).uncertain());
        assertFalse(t.evaluate(new int[] {1, 2, 3, 4}, 1, 41, 80).uncertain());
        assertTrue(t.evaluate(new int[] {1, 1, 1, 1}, 5, 80, 80).uncertain());
        assertEquals(0.0125f, t.evaluate(new int[] {1, 1, 1, 1}, 1, 1, 80).templateAgreement());
        assertThrows(IllegalArgumentException.class, () -> new ConsistencyRule(true, 1.5));
    }
}
