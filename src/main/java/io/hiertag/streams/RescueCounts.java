package io.hiertag.streams;

import io.hiertag.avro.DeadLetter;
import io.hiertag.avro.MetricsAccumulator;
import io.hiertag.avro.RescueMetrics;
import io.hiertag.avro.Route;
import io.hiertag.avro.TagResult;
import io.hiertag.ops.TaggerMeters.RescueOutcome;
import java.time.Instant;
import java.util.HashMap;
import java.util.Optional;

/**
 * The counting behind {@code hiertag.metrics}: a tag or a dead letter becomes a one-record accumulator, the
 * accumulators of one label set, model and window add up, and a closed window's sum becomes its
 * {@link RescueMetrics}. Turning each record into an accumulator first keeps the metrics repartition topic small:
 * a dead letter carries the whole input image and a tag its five candidates, neither of which is counted.
 */
final class RescueCounts {

    /** Stands for the label set or model a dead letter does not name (its input could not be read). */
    static final String NONE = "(none)";

    private RescueCounts() {
    }

    /** The metrics key, {@code labelSet|modelId}: one window aggregate and one output record per pair. */
    static String key(MetricsAccumulator a) {
        return a.getLabelSet() + "|" + a.getModelId();
    }

    /** Nothing counted yet; the names come with the first {@link #add}. */
    static MetricsAccumulator empty() {
        return named("", "");
    }

    static MetricsAccumulator of(TagResult t) {
        MetricsAccumulator a = named(t.getLabelSet(), t.getModelId());
        boolean rescored = t.getRoute() == Route.RESCORED;
        boolean labelled = Boolean.TRUE.equals(t.getGroundTruthKnown());
        boolean rightBefore = labelled && Boolean.TRUE.equals(t.getFirstPassCorrect());
        boolean rightAfter = labelled && Boolean.TRUE.equals(t.getCorrect());
        Optional<RescueOutcome> outcome = outcome(t);
        a.setImages(1);
        a.setConfident(rescored ? 0 : 1);
        a.setUncertain(rescored ? 1 : 0);
        a.setChanged(t.getChanged() ? 1 : 0);
        a.setLabelled(labelled ? 1 : 0);
        a.setUncertainLabelled(outcome.isPresent() ? 1 : 0);
        a.setFixed(outcome.filter(RescueOutcome.FIXED::equals).isPresent() ? 1 : 0);
        a.setBroken(outcome.filter(RescueOutcome.BROKEN::equals).isPresent() ? 1 : 0);
        a.setFirstPassCorrect(rightBefore ? 1 : 0);
        a.setFinalCorrect(rightAfter ? 1 : 0);
        Long latency = latencyMillis(t);
        if (latency != null) {
            LatencyHistogram.record(a.getLatencyHistogram(), latency);
        }
        return a;
    }

    /**
     * How a rescored tag with a known ground truth came out (the rescue rate counts these); empty for a confident
     * tag or one without a known ground truth.
     */
    static Optional<RescueOutcome> outcome(TagResult t) {
        if (t.getRoute() != Route.RESCORED || !Boolean.TRUE.equals(t.getGroundTruthKnown())) {
            return Optional.empty();
        }
        boolean rightBefore = Boolean.TRUE.equals(t.getFirstPassCorrect());
        boolean rightAfter = Boolean.TRUE.equals(t.getCorrect());
        return Optional.of(rightBefore == rightAfter ? RescueOutcome.NEITHER
                : rightAfter ? RescueOutcome.FIXED : RescueOutcome.BROKEN);
    }

    /** {@code publishedAt} to {@code taggedAt} in milliseconds, or null when the event had no publishedAt. */
    static Long latencyMillis(TagResult t) {
        return t.getPublishedAt() == null ? null : t.getTaggedAt().toEpochMilli() - t.getPublishedAt().toEpochMilli();
    }

    /** Counted under its label set and model, or {@link #NONE} for either one it does not name. */
    static MetricsAccumulator of(DeadLetter d) {
        MetricsAccumulator a = named(d.getLabelSet() == null ? NONE : d.getLabelSet(),
                d.getModelId() == null ? NONE : d.getModelId());
        a.setDeadLetters(1);
        return a;
    }

    /** Adds {@code delta} into {@code sum} and returns {@code sum}; both belong to the same key. */
    static MetricsAccumulator add(MetricsAccumulator sum, MetricsAccumulator delta) {
        sum.setLabelSet(delta.getLabelSet());
        sum.setModelId(delta.getModelId());
        sum.setImages(sum.getImages() + delta.getImages());
        sum.setConfident(sum.getConfident() + delta.getConfident());
        sum.setUncertain(sum.getUncertain() + delta.getUncertain());
        sum.setChanged(sum.getChanged() + delta.getChanged());
        sum.setLabelled(sum.getLabelled() + delta.getLabelled());
        sum.setUncertainLabelled(sum.getUncertainLabelled() + delta.getUncertainLabelled());
        sum.setFixed(sum.getFixed() + delta.getFixed());
        sum.setBroken(sum.getBroken() + delta.getBroken());
        sum.setFirstPassCorrect(sum.getFirstPassCorrect() + delta.getFirstPassCorrect());
        sum.setFinalCorrect(sum.getFinalCorrect() + delta.getFinalCorrect());
        LatencyHistogram.addAll(sum.getLatencyHistogram(), delta.getLatencyHistogram());
        sum.setDeadLetters(sum.getDeadLetters() + delta.getDeadLetters());
        return sum;
    }

    /** The published record of a closed window {@code [start, end)}. */
    static RescueMetrics metrics(MetricsAccumulator a, Instant start, Instant end) {
        return RescueMetrics.newBuilder()
                .setLabelSet(a.getLabelSet())
                .setModelId(a.getModelId())
                .setWindowStart(start)
                .setWindowEnd(end)
                .setImages(a.getImages())
                .setConfident(a.getConfident())
                .setUncertain(a.getUncertain())
                .setChanged(a.getChanged())
                .setLabelled(a.getLabelled())
                .setUncertainLabelled(a.getUncertainLabelled())
                .setFixed(a.getFixed())
                .setBroken(a.getBroken())
                .setAccuracyBefore(rate(a.getFirstPassCorrect(), a.getLabelled()))
                .setAccuracyAfter(rate(a.getFinalCorrect(), a.getLabelled()))
                .setRescueRate(rate(a.getFixed(), a.getUncertainLabelled()))
                .setChangeRate(rate(a.getChanged(), a.getUncertain()))
                .setLatencyP50Ms(LatencyHistogram.percentile(a.getLatencyHistogram(), 50))
                .setLatencyP95Ms(LatencyHistogram.percentile(a.getLatencyHistogram(), 95))
                .setLatencyP99Ms(LatencyHistogram.percentile(a.getLatencyHistogram(), 99))
                .setDeadLetters(a.getDeadLetters())
                .build();
    }

    private static Double rate(long count, long of) {
        return of == 0 ? null : (double) count / of;
    }

    private static MetricsAccumulator named(String labelSet, String modelId) {
        return MetricsAccumulator.newBuilder()
                .setLabelSet(labelSet)
                .setModelId(modelId)
                .setImages(0)
                .setConfident(0)
                .setUncertain(0)
                .setChanged(0)
                .setLabelled(0)
                .setUncertainLabelled(0)
                .setFixed(0)
                .setBroken(0)
                .setFirstPassCorrect(0)
                .setFinalCorrect(0)
                .setLatencyHistogram(new HashMap<>())
                .setDeadLetters(0)
                .build();
    }
}
