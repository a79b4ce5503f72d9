package io.hiertag.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class AccuracyTest {

    private static final int[][] RANKED = {
        {3, 1, 4, 1, 5, 9, 2},
        {2, 7, 1, 8, 2, 8},
        {0, 5, 7, 7, 9},
        {6, 6},
    };

    @Test
    void topOneCountsOnlyTheFirstEntry() {
        assertEquals(0.5, Accuracy.topK(RANKED, new int[] {3, 7, 0, 1}, 1));
    }

    @Test
    void topFiveLooksAtTheFirstFiveEntries() {
        // Row 0 has the truth 9 at rank 6, outside; row 1 has 8 at rank 4; row 2 has 9 at rank 5.
        assertEquals(0.5, Accuracy.topK(RANKED, new int[] {9, 8, 9, 1}, 5));
    }

    @Test
    void aRowShorterThanKIsSearchedWhole() {
        assertEquals(0.25, Accuracy.topK(RANKED, new int[] {-1, -1, -1, 6}, 5));
        assertEquals(0.0, Accuracy.topK(RANKED, new int[] {-1, -1, -1, 4}, 5));
    }

    @Test
    void noRowsIsNaN() {
        assertTrue(Double.isNaN(Accuracy.topK(new int[0][], new int[0], 5)));
    }

    @Test
    void rejectsMismatchedLengthsAndKBelowOne() {
        assertThrows(IllegalArgumentException.class, () -> Accuracy.topK(RANKED, new int[] {1}, 1));
        assertThrows(IllegalArgumentException.class, () -> Accuracy.topK(RANKED, new int[] {1, 2, 3, 4}, 0));
    }
}
