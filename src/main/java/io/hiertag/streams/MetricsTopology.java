package io.hiertag.streams;

import io.hiertag.avro.DeadLetter;
import io.hiertag.avro.MetricsAccumulator;
import io.hiertag.avro.RescueMetrics;
import io.hiertag.avro.TagResult;
import io.hiertag.config.HiertagConfig;
import io.hiertag.kafka.Topics;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.kstream.Suppressed.BufferConfig;
import org.apache.kafka.streams.kstream.Suppressed;
import org.apache.kafka.streams.kstream.TimeWindows;
import org.apache.kafka.streams.state.WindowStore;

/**
 * The metrics graph, in the DSL: tags and dead letters, read back from their committed topics so the metrics count
 * exactly what readers see, are counted per {@code labelSet|modelId} and tumbling window of record time, and each
 * window's {@code RescueMetrics} is published once, when the window closes.
 *
 * <pre>
 * tags ─────────► count one ─┐
 *                            ├─► repartition ─► window aggregate ─► until close ─► metrics
 * dead-letters ─► count one ─┘
 * </pre>
 *
 * <p>A window's result waits in {@code suppress(untilWindowCloses)} rather than behind
 * {@code emitStrategy(onWindowClose())}. The latter looks for closed windows only when a record arrives, at most
 * once per wall-clock second, and reads them from the window store, which keeps a window only for its size plus
 * grace. When no record comes between a window's close and that deadline (a one-minute lull with the defaults, or
 * a backlog read faster than one window per second), the window is deleted unpublished, silently. The suppression
 * buffer holds each result until it is published, as soon as record time passes the window's end plus grace. It
 * holds one accumulator per open window and pair, and is changelogged, so it is small and survives a crash.
 */
public final class MetricsTopology {

    static final String TAGS_SOURCE = "metrics-tags-source";
    static final String DEAD_LETTERS_SOURCE = "metrics-dead-letters-source";
    /** Names the repartition topic, {@code <application.id>-metrics-repartition}. */
    static final String REPARTITION = "metrics";
    /** Names the window store and its changelog, {@code <application.id>-metrics-windows-changelog}. */
    static final String WINDOW_STORE = "metrics-windows";
    /** Names the buffer that holds each window's result until the window closes, and its changelog. */
    static final String SUPPRESS = "metrics-until-close";
    static final String METRICS_SINK = "metrics-sink";

    private MetricsTopology() {
    }

    public static void addTo(StreamsBuilder builder, HiertagConfig config) {
        Topics topics = Topics.of(config);
        Topics.Topic<String, TagResult> tagsTopic = topics.tags();
        Topics.Topic<byte[], DeadLetter> deadLettersTopic = topics.deadLetters();
        Topics.Topic<String, RescueMetrics> metricsTopic = topics.metrics();
        KStream<String, MetricsAccumulator> tags = builder
                .stream(tagsTopic.name(), Consumed.with(tagsTopic.keySerde(), tagsTopic.valueSerde())
                        .withName(TAGS_SOURCE))
                .map((id, tag) -> count(RescueCounts.of(tag)), Named.as("metrics-count-tag"));
        KStream<String, MetricsAccumulator> deadLetters = builder
                .stream(deadLettersTopic.name(), Consumed.with(deadLettersTopic.keySerde(),
                        deadLettersTopic.valueSerde()).withName(DEAD_LETTERS_SOURCE))
                .map((key, deadLetter) -> count(RescueCounts.of(deadLetter)), Named.as("metrics-count-dead-letter"));
        tags.merge(deadLetters, Named.as("metrics-merge"))
                // One partition: every record then moves the one stream time that closes every pair's windows, so
                // a quiet label set is not left waiting for its own next record. A record here is about 100 bytes.
                .repartition(Repartitioned.<String, MetricsAccumulator>as(REPARTITION)
                        .withKeySerde(metricsTopic.keySerde())
                        .withValueSerde(Topics.METRICS_ACCUMULATOR)
                        .withNumberOfPartitions(1))
                .groupByKey(Grouped.with(metricsTopic.keySerde(), Topics.METRICS_ACCUMULATOR))
                .windowedBy(TimeWindows.ofSizeAndGrace(config.metricsWindow(), config.metricsGrace()))
                .aggregate(RescueCounts::empty, (key, delta, sum) -> RescueCounts.add(sum, delta),
                        Named.as("metrics-aggregate"),
                        Materialized.<String, MetricsAccumulator, WindowStore<Bytes, byte[]>>as(WINDOW_STORE)
                                .withKeySerde(metricsTopic.keySerde())
                                .withValueSerde(Topics.METRICS_ACCUMULATOR))
                .suppress(Suppressed.untilWindowCloses(BufferConfig.unbounded()).withName(SUPPRESS))
                .toStream(Named.as("metrics-closed-windows"))
                .map((window, sum) -> KeyValue.pair(window.key(), RescueCounts.metrics(sum,
                        window.window().startTime(), window.window().endTime())), Named.as("metrics-result"))
                .to(metricsTopic.name(), Produced.with(metricsTopic.keySerde(), metricsTopic.valueSerde())
                        .withName(METRICS_SINK));
    }

    private static KeyValue<String, MetricsAccumulator> count(MetricsAccumulator one) {
        return KeyValue.pair(RescueCounts.key(one), one);
    }
}
