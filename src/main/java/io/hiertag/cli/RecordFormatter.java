package io.hiertag.cli;

import io.hiertag.avro.Candidate;
import io.hiertag.avro.DeadLetter;
import io.hiertag.avro.Label;
import io.hiertag.avro.RescueMetrics;
import io.hiertag.avro.TagResult;
import io.hiertag.kafka.Topics;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/** One readable line per record of the application's output topics; metrics as the rows of a table. */
final class RecordFormatter {

    /** Window, label set, model, six counts, rescue rate, accuracy, latency percentiles, dead letters. */
    private static final String METRICS_ROW =
            "%-28s  %-12s  %-28s %7s %6s %6s %7s %6s %6s %7s  %-16s  %-17s %5s";
    private static final DateTimeFormatter WINDOW_START =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss", Locale.ROOT).withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter WINDOW_END =
            DateTimeFormatter.ofPattern("HH:mm:ss", Locale.ROOT).withZone(ZoneOffset.UTC);

    private final Topics topics;

    RecordFormatter(Topics topics) {
        this.topics = topics;
    }

    /** The line to print once above the records of {@code topic}, if its records form a table. */
    Optional<String> header(String topic) {
        return topic.equals(topics.metrics().name()) ? Optional.of(metricsHeader()) : Optional.empty();
    }

    /**
     * Formats a raw record of a known topic, in Avro or JSON (whichever it is: the topics' serdes read both); other
     * topics and undecodable values are shown as sizes.
     */
    String format(String topic, byte[] key, byte[] value) {
        try {
            if (topic.equals(topics.tags().name())) {
                return tag(topics.tags().valueSerde().deserializer().deserialize(topic, value));
            }
            if (topic.equals(topics.deadLetters().name())) {
                return deadLetter(topics.deadLetters().valueSerde().deserializer().deserialize(topic, value), key);
            }
            if (topic.equals(topics.metrics().name())) {
                return metrics(topics.metrics().valueSerde().deserializer().deserialize(topic, value));
            }
        } catch (RuntimeException e) {
            return "undecodable record (" + (value == null ? 0 : value.length) + " bytes): " + e.getMessage();
        }
        return (key == null ? "-" : new String(key, StandardCharsets.UTF_8)) + "  "
                + (value == null ? 0 : value.length) + " bytes";
    }

    static String tag(TagResult t) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "%-24s %-9s %-32s %.4f", t.getId(), t.getRoute(),
                label(t.getLabel()), t.getScore()));
        if (t.getChanged()) {
            sb.append("  (first pass: ").append(label(t.getFirstPassLabel())).append(')');
        }
        if (t.getCorrect() != null) {
            sb.append(t.getCorrect() ? "  correct" : "  wrong (truth " + t.getGroundTruth() + ")");
        }
        sb.append("  top5: ").append(t.getCandidates().stream()
                .map(RecordFormatter::candidate)
                .collect(Collectors.joining(", ")));
        return sb.toString();
    }

    /** A dead letter, named by its image id or, when the value could not be read, by the record key. */
    static String deadLetter(DeadLetter d, byte[] key) {
        String name = d.getImageId() != null ? d.getImageId()
                : key != null ? "key " + new String(key, StandardCharsets.UTF_8) : "(no id, no key)";
        return String.format(Locale.ROOT, "%-24s DEAD-LETTER %s/%s: %s  [%s-%d@%d]", name, d.getStage(),
                d.getErrorType(), d.getMessage(),
                d.getSourceTopic(), d.getSourcePartition(), d.getSourceOffset());
    }

    /** The column titles above {@link #metrics} rows. */
    static String metricsHeader() {
        return String.format(Locale.ROOT, METRICS_ROW, "window (UTC)", "label set", "model", "images", "conf",
                "uncert", "changed", "fixed", "broken", "rescue", "acc before→after", "p50/p95/p99 ms", "dead");
    }

    /** One window of one label set and model, as a row aligned under {@link #metricsHeader()}. */
    static String metrics(RescueMetrics m) {
        String window = WINDOW_START.format(m.getWindowStart()) + "–" + WINDOW_END.format(m.getWindowEnd());
        String accuracy = m.getAccuracyBefore() == null ? "-"
                : percent(m.getAccuracyBefore()) + "→" + percent(m.getAccuracyAfter());
        String latency = m.getLatencyP50Ms() == null ? "-" : String.format(Locale.ROOT, "%.0f/%.0f/%.0f",
                m.getLatencyP50Ms(), m.getLatencyP95Ms(), m.getLatencyP99Ms());
        return String.format(Locale.ROOT, METRICS_ROW, window, m.getLabelSet(), m.getModelId(), m.getImages(),
                m.getConfident(), m.getUncertain(), m.getChanged(), m.getFixed(), m.getBroken(),
                percent(m.getRescueRate()), accuracy, latency, m.getDeadLetters());
    }

    private static String percent(Double rate) {
        return rate == null ? "-" : String.format(Locale.ROOT, "%.1f%%", 100 * rate);
    }

    private static String label(Label l) {
        return l.getName() + (l.getWnid() == null ? "" : " (" + l.getWnid() + ")");
    }

    private static String candidate(Candidate c) {
        return String.format(Locale.ROOT, "%s %.3f", c.getLabel().getName(), c.getFirstPassScore());
    }
}
