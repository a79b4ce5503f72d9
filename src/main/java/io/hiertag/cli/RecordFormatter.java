package io.hiertag.cli;

import io.hiertag.avro.Candidate;
import io.hiertag.avro.DeadLetter;
import io.hiertag.avro.Label;
import io.hiertag.avro.RescueMetrics;
import io.hiertag.avro.TagResult;
import io.hiertag.kafka.Topics;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.stream.Collectors;

/** One readable line per record of the application's output topics. */
final class RecordFormatter {

    private final Topics topics;

    RecordFormatter(Topics topics) {
        this.topics = topics;
    }

    /** Formats a raw record of a known topic; other topics and undecodable values are shown as sizes. */
    String format(String topic, byte[] key, byte[] value) {
        try {
            if (topic.equals(topics.tags())) {
                return tag(Topics.TAG_RESULT.deserializer().deserialize(topic, value));
            }
            if (topic.equals(topics.deadLetters())) {
                return deadLetter(Topics.DEAD_LETTER.deserializer().deserialize(topic, value), key);
            }
            if (topic.equals(topics.metrics())) {
                return metrics(Topics.RESCUE_METRICS.deserializer().deserialize(topic, value));
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

    static String metrics(RescueMetrics m) {
        return String.format(Locale.ROOT, "%s %s [%s, %s) images=%d confident=%d uncertain=%d changed=%d "
                + "dead-letters=%d", m.getLabelSet(), m.getModelId(), m.getWindowStart(), m.getWindowEnd(),
                m.getImages(), m.getConfident(), m.getUncertain(), m.getChanged(), m.getDeadLetters());
    }

    private static String label(Label l) {
        return l.getName() + (l.getWnid() == null ? "" : " (" + l.getWnid() + ")");
    }

    private static String candidate(Candidate c) {
        return String.format(Locale.ROOT, "%s %.3f", c.getLabel().getName(), c.getFirstPassScore());
    }
}
