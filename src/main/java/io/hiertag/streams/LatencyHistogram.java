package io.hiertag.streams;

import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;

/**
 * Latency percentiles from bounded state: a sparse histogram, bucket lower bound to count, whose buckets are 1 ms
 * wide below 1 s, 10 ms to 10 s, 100 ms to 100 s and 1 s above. A window then holds at most 2,800 buckets below
 * 100 s whatever its traffic, and a percentile is exact to the millisecond below 1 s and within 1% above.
 *
 * <p>It works on the string-keyed map of the Avro accumulator (Avro map keys are strings), so the accumulator
 * needs no copy.
 */
final class LatencyHistogram {

    private LatencyHistogram() {
    }

    /** The lower bound of the bucket of {@code latencyMs}; a negative latency (skewed clocks) counts as 0. */
    static long bucket(long latencyMs) {
        long ms = Math.max(0, latencyMs);
        long width = ms < 1_000 ? 1 : ms < 10_000 ? 10 : ms < 100_000 ? 100 : 1_000;
        return ms - ms % width;
    }

    static void record(Map<String, Long> histogram, long latencyMs) {
        histogram.merge(Long.toString(bucket(latencyMs)), 1L, Long::sum);
    }

    static void addAll(Map<String, Long> into, Map<String, Long> from) {
        from.forEach((bucket, count) -> into.merge(bucket, count, Long::sum));
    }

    /**
     * The nearest-rank percentile: the lower bound of the bucket holding the value of rank ceil(percent / 100 × n)
     * in ascending order, or null for an empty histogram.
     *
     * @param percent from 1 to 100; whole numbers keep the rank exact (in doubles 0.07 × 100 is 7.000…1)
     */
    static Double percentile(Map<String, Long> histogram, int percent) {
        if (percent < 1 || percent > 100) {
            throw new IllegalArgumentException("percentile " + percent + " is not from 1 to 100");
        }
        TreeMap<Long, Long> sorted = new TreeMap<>();
        histogram.forEach((bucket, count) -> sorted.merge(Long.parseLong(bucket), count, Long::sum));
        long n = sorted.values().stream().mapToLong(Long::longValue).sum();
        if (n == 0) {
            return null;
        }
        long rank = (percent * n + 99) / 100;
        Iterator<Map.Entry<Long, Long>> buckets = sorted.entrySet().iterator();
        Map.Entry<Long, Long> bucket = buckets.next();
        long seen = bucket.getValue();
        while (seen < rank) {
            bucket = buckets.next();
            seen += bucket.getValue();
        }
        return (double) bucket.getKey();
    }
}
