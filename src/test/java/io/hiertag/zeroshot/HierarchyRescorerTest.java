package io.hiertag.zeroshot;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class HierarchyRescorerTest {

    private static float[] unit(double angle) {
        return new float[] {(float) Math.cos(angle), (float) Math.sin(angle)};
    }

    /** Class 0: one string; class 1: itself and two children; class 2: itself and one child. */
    private static HierarchyRescorer rescorer(float[]... rows) {
        List<String> strings = List.of("a which is a kind of p", "b which is a kind of q", "b1 which is a kind of q",
                "b2 which is a kind of q", "c which is a kind of r", "c1 which is a kind of r");
        return new HierarchyRescorer(new HierarchyBank(strings, new int[] {0, 1, 1, 1, 2, 2}, rows, 3));
    }

    @Test
    void aCandidateScoresTheMaximumOverItsGroupAndTheBestGroupWins() {
        HierarchyRescorer r = rescorer(unit(0.5), unit(1.0), unit(0.1), unit(2.0), unit(0.3), unit(0.9));
        RescoreResult res = r.rescore(unit(0), new int[] {0, 1, 2});
        assertArrayEquals(new float[] {(float) Math.cos(0.5), (float) Math.cos(0.1), (float) Math.cos(0.3)},
                res.groupScores(), 1e-6f);
        assertEquals(1, res.label());
        assertEquals(1, res.winner());
        assertEquals("b1 which is a kind of q", res.bestStrings()[1]);
        assertEquals("c which is a kind of r", res.bestStrings()[2]);
        assertEquals((float) Math.cos(0.1), res.score(), 1e-6f);
    }

    @Test
    void theImageIsNormalisedBeforeScoring() {
        HierarchyRescorer r = rescorer(unit(0.5), unit(1.0), unit(0.1), unit(2.0), unit(0.3), unit(0.9));
        assertArrayEquals(r.rescore(unit(0), new int[] {2, 0}).groupScores(),
                r.rescore(new float[] {5, 0}, new int[] {2, 0}).groupScores(), 1e-6f);
    }

    @Test
    void tiesBetweenCandidatesGoToTheHigherFirstPassRank() {
        // Classes 0 and 2 both reach exactly cos(0.2); whichever the first pass ranked higher wins.
        HierarchyRescorer r = rescorer(unit(0.2), unit(1.0), unit(1.1), unit(1.2), unit(-0.2), unit(0.9));
        assertEquals(2, r.rescore(unit(0), new int[] {2, 0, 1}).label());
        assertEquals(0, r.rescore(unit(0), new int[] {0, 2, 1}).label());
    }

    @Test
    void tiesWithinAGroupGoToTheEarlierString() {
        HierarchyRescorer r = rescorer(unit(1.5), unit(0.4), unit(-0.4), unit(0.4), unit(2), unit(2));
        assertEquals("b which is a kind of q", r.rescore(unit(0), new int[] {1}).bestStrings()[0]);
    }
}
