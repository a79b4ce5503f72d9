package io.hiertag.streams;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LatencyHistogramTest {

    private static Map<String, Long> of(long... latenciesMs) {
        Map<String, Long> h = new HashMap<>();
        for (long ms : latenciesMs) {
            LatencyHistogram.record(h, ms);
        }
        return h;
    }

    private static long[] oneTo(int n) {
        long[] values = new long[n];
        for (int i = 0; i < n; i++) {
            values[i] = i + 1;
        }
        return values;
    }

    @Test
    void bucketsAreOneMillisecondBelowASecondThenWidenTenfoldPerDecadeUpToOneSecond() {
        assertEquals(0, LatencyHistogram.bucket(0));
        assertEquals(999, LatencyHistogram.bucket(999));
        assertEquals(1_000, LatencyHistogram.bucket(1_000));
        assertEquals(1_230, LatencyHistogram.bucket(1_239));
        assertEquals(9_990, LatencyHistogram.bucket(9_999));
        assertEquals(10_000, LatencyHistogram.bucket(10_099));
        assertEquals(99_900, LatencyHistogram.bucket(99_999));
        assertEquals(100_000, LatencyHistogram.bucket(100_999));
        assertEquals(3_600_000, LatencyHistogram.bucket(3_600_500));
    }

    @Test
    void aNegativeLatencyFromSkewedClocksCountsAsZero() {
        assertEquals(0, LatencyHistogram.bucket(-40));
        assertEquals(Map.of("0", 2L), of(-40, 0));
    }

    @Test
    void percentilesUseTheNearestRank() {
        // Ranks ceil(p/100 × 5): p30 → 2, p40 → 2, p50 → 3, p100 → 5.
        Map<String, Long> h = of(40, 15, 50, 35, 20);
        assertEquals(20.0, LatencyHistogram.percentile(h, 30));
        assertEquals(20.0, LatencyHistogram.percentile(h, 40));
        assertEquals(35.0, LatencyHistogram.percentile(h, 50));
        assertEquals(50.0, LatencyHistogram.percentile(h, 100));
        assertEquals(15.0, LatencyHistogram.percentile(h, 1));
    }

    @Test
    void percentilesBelowOneSecondAreExact() {
        Map<String, Long> h = of(oneTo(100));
        assertEquals(50.0, LatencyHistogram.percentile(h, 50));
        assertEquals(95.0, LatencyHistogram.percentile(h, 95));
        assertEquals(99.0, LatencyHistogram.percentile(h, 99));
    }

    @Test
    void aRankThatIsAWholeNumberIsNotRoundedUp() {
        // 7% of 100 is rank 7 exactly; in doubles 0.07 × 100 is 7.000…1, which ceil would make rank 8.
        assertEquals(7.0, LatencyHistogram.percentile(of(oneTo(100)), 7));
    }

    @Test
    void aboveOneSecondAPercentileIsItsBucketsLowerBound() {
        Map<String, Long> h = of(1_234, 1_239, 15_678);
        assertEquals(1_230.0, LatencyHistogram.percentile(h, 50));
        assertEquals(15_600.0, LatencyHistogram.percentile(h, 99));
    }

    @Test
    void histogramsAddBucketByBucket() {
        Map<String, Long> sum = of(5, 5, 1_234);
        LatencyHistogram.addAll(sum, of(5, 2_000));
        assertEquals(Map.of("5", 3L, "1230", 1L, "2000", 1L), sum);
    }

    @Test
    void anEmptyHistogramHasNoPercentileAndPercentilesOutsideOneToHundredAreRefused() {
        assertNull(LatencyHistogram.percentile(Map.of(), 50));
        assertThrows(IllegalArgumentException.class, () -> LatencyHistogram.percentile(of(5), 0));
        assertThrows(IllegalArgumentException.class, () -> LatencyHistogram.percentile(of(5), 101));
    }
}
