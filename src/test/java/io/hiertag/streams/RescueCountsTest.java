package io.hiertag.streams;

import static io.hiertag.streams.MetricsRecords.IMAGENET;
import static io.hiertag.streams.MetricsRecords.MODEL;
import static io.hiertag.streams.MetricsRecords.deadLetter;
import static io.hiertag.streams.MetricsRecords.latency;
import static io.hiertag.streams.MetricsRecords.tag;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.hiertag.avro.MetricsAccumulator;
import io.hiertag.avro.RescueMetrics;
import io.hiertag.avro.Route;
import io.hiertag.avro.TagResult;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RescueCountsTest {

    private static final Instant START = Instant.parse("2026-11-26T12:00:00Z");
    private static final Instant END = START.plusSeconds(60);

    private static MetricsAccumulator sum(List<TagResult> tags) {
        MetricsAccumulator sum = RescueCounts.empty();
        tags.forEach(t -> RescueCounts.add(sum, RescueCounts.of(t)));
        return sum;
    }

    /** images, confident, uncertain, changed, labelled, uncertainLabelled, fixed, broken. */
    private static List<Long> counts(MetricsAccumulator a) {
        return List.of(a.getImages(), a.getConfident(), a.getUncertain(), a.getChanged(), a.getLabelled(),
                a.getUncertainLabelled(), a.getFixed(), a.getBroken());
    }

    @Test
    void aConfidentLabelledTagCountsItsCorrectnessBeforeAndAfter() {
        MetricsAccumulator a = RescueCounts.of(latency(tag("a", Route.CONFIDENT, false, true, true), 42).build());
        assertEquals(IMAGENET, a.getLabelSet());
        assertEquals(MODEL, a.getModelId());
        assertEquals(List.of(1L, 1L, 0L, 0L, 1L, 0L, 0L, 0L), counts(a));
        assertEquals(1, a.getFirstPassCorrect());
        assertEquals(1, a.getFinalCorrect());
        assertEquals(Map.of("42", 1L), a.getLatencyHistogram());
        assertEquals(0, a.getDeadLetters());
    }

    @Test
    void rescoredTagsAreFixedBrokenOrNeither() {
        assertEquals(List.of(1L, 0L, 1L, 1L, 1L, 1L, 1L, 0L),
                counts(RescueCounts.of(tag("fixed", Route.RESCORED, true, false, true).build())));
        assertEquals(List.of(1L, 0L, 1L, 1L, 1L, 1L, 0L, 1L),
                counts(RescueCounts.of(tag("broken", Route.RESCORED, true, true, false).build())));
        assertEquals(List.of(1L, 0L, 1L, 1L, 1L, 1L, 0L, 0L),
                counts(RescueCounts.of(tag("wrong-to-wrong", Route.RESCORED, true, false, false).build())));
        assertEquals(List.of(1L, 0L, 1L, 0L, 1L, 1L, 0L, 0L),
                counts(RescueCounts.of(tag("kept-right", Route.RESCORED, false, true, true).build())));
    }

    @Test
    void withoutAGroundTruthInTheLabelSetATagIsNotLabelled() {
        MetricsAccumulator none = RescueCounts.of(tag("none", Route.RESCORED, true, null, null).build());
        assertEquals(List.of(1L, 0L, 1L, 1L, 0L, 0L, 0L, 0L), counts(none));
        TagResult outside = tag("outside", Route.RESCORED, false, null, null)
                .setGroundTruth("not-a-class").setGroundTruthKnown(false).build();
        assertEquals(List.of(1L, 0L, 1L, 0L, 0L, 0L, 0L, 0L), counts(RescueCounts.of(outside)));
        assertEquals(Map.of(), RescueCounts.of(outside).getLatencyHistogram());
    }

    @Test
    void aDeadLetterCountsUnderItsLabelSetAndModelOrNone() {
        MetricsAccumulator named = RescueCounts.of(deadLetter(IMAGENET, MODEL));
        assertEquals(IMAGENET + "|" + MODEL, RescueCounts.key(named));
        assertEquals(1, named.getDeadLetters());
        assertEquals(0, named.getImages());
        assertEquals("(none)|" + MODEL, RescueCounts.key(RescueCounts.of(deadLetter(null, MODEL))));
        assertEquals("(none)|(none)", RescueCounts.key(RescueCounts.of(deadLetter(null, null))));
    }

    @Test
    void aWindowsMetricsComeFromItsSum() {
        MetricsAccumulator a = sum(List.of(
                latency(tag("1", Route.CONFIDENT, false, true, true), 10).build(),
                latency(tag("2", Route.CONFIDENT, false, false, false), 20).build(),
                latency(tag("3", Route.RESCORED, true, false, true), 30).build(),
                latency(tag("4", Route.RESCORED, true, true, false), 40).build(),
                tag("5", Route.RESCORED, true, false, true).build(),
                tag("6", Route.RESCORED, false, null, null).build()));
        RescueCounts.add(a, RescueCounts.of(deadLetter(IMAGENET, MODEL)));
        RescueMetrics m = RescueCounts.metrics(a, START, END);
        assertEquals(IMAGENET, m.getLabelSet());
        assertEquals(MODEL, m.getModelId());
        assertEquals(START, m.getWindowStart());
        assertEquals(END, m.getWindowEnd());
        assertEquals(List.of(6L, 2L, 4L, 3L, 5L, 3L, 2L, 1L), List.of(m.getImages(), m.getConfident(),
                m.getUncertain(), m.getChanged(), m.getLabelled(), m.getUncertainLabelled(), m.getFixed(),
                m.getBroken()));
        assertEquals(2 / 5.0, m.getAccuracyBefore());
        assertEquals(3 / 5.0, m.getAccuracyAfter());
        assertEquals(2 / 3.0, m.getRescueRate());
        assertEquals(3 / 4.0, m.getChangeRate());
        assertEquals(20.0, m.getLatencyP50Ms());
        assertEquals(40.0, m.getLatencyP95Ms());
        assertEquals(40.0, m.getLatencyP99Ms());
        assertEquals(1, m.getDeadLetters());
    }

    @Test
    void ratesAndLatenciesAreNullWhenThereIsNothingToDivideBy() {
        MetricsAccumulator a = sum(List.of(tag("1", Route.CONFIDENT, false, null, null).build()));
        RescueMetrics m = RescueCounts.metrics(a, START, END);
        assertNull(m.getAccuracyBefore());
        assertNull(m.getAccuracyAfter());
        assertNull(m.getRescueRate());
        assertNull(m.getChangeRate());
        assertNull(m.getLatencyP50Ms());
        assertNull(m.getLatencyP95Ms());
        assertNull(m.getLatencyP99Ms());
        RescueMetrics onlyDeadLetters = RescueCounts.metrics(
                RescueCounts.add(RescueCounts.empty(), RescueCounts.of(deadLetter(null, MODEL))), START, END);
        assertEquals("(none)", onlyDeadLetters.getLabelSet());
        assertEquals(0, onlyDeadLetters.getImages());
        assertEquals(1, onlyDeadLetters.getDeadLetters());
    }
}
