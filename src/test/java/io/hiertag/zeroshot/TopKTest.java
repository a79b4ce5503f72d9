package io.hiertag.zeroshot;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.junit.jupiter.api.Test;

class TopKTest {

    @Test
    void bestFirst() {
        assertArrayEquals(new int[] {3, 0, 2}, TopK.of(new float[] {0.5f, 0.1f, 0.3f, 0.9f, -1f}, 3));
    }

    @Test
    void tiesGoToTheLowerIndexAsNumpyArgmaxDoes() {
        assertArrayEquals(new int[] {1, 3, 0, 2}, TopK.of(new float[] {0.2f, 0.7f, 0.2f, 0.7f}, 4));
        assertArrayEquals(new int[] {0, 1}, TopK.of(new float[] {0.4f, 0.4f, 0.4f}, 2));
    }

    @Test
    void kLargerThanTheScoresReturnsAllSorted() {
        assertArrayEquals(new int[] {1, 0}, TopK.of(new float[] {0.1f, 0.2f}, 5));
    }
}
