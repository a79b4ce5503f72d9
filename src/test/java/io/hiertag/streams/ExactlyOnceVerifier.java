package io.hiertag.streams;

import io.hiertag.avro.TagResult;
import io.hiertag.config.HiertagConfig;
import io.hiertag.kafka.KafkaClients;
import io.hiertag.kafka.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Counts how often each input id appears in the committed tags and dead letters. It reads with read_committed,
 * assigns every partition itself and starts from the beginning, so it sees exactly what a downstream consumer
 * would, and never joins a group that could disturb the application. Records are counted one by one: offsets
 * under exactly-once include transaction markers and say nothing about how many records there are.
 */
final class ExactlyOnceVerifier implements AutoCloseable {

    private static final String NULL_KEY = "<null key>";
    private static final int EXAMPLES = 10;

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final String tagsTopic;
    private final Map<String, Integer> tags = new HashMap<>();
    private final Map<String, Integer> deadLetters = new HashMap<>();
    private final Set<String> seen = new HashSet<>();
    private final List<String> keyMismatches = new ArrayList<>();
    private long newestTaggedAtMs = Long.MIN_VALUE;

    ExactlyOnceVerifier(HiertagConfig config, String bootstrapServers) {
        Topics topics = new Topics(config.topicPrefix());
        this.tagsTopic = topics.tags().name();
        this.consumer = new KafkaConsumer<>(KafkaClients.consumer(config, bootstrapServers),
                new ByteArrayDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : List.of(topics.tags().name(), topics.deadLetters().name())) {
            List<PartitionInfo> found = consumer.partitionsFor(topic, Duration.ofSeconds(30));
            if (found.isEmpty()) {
                consumer.close();
                throw new IllegalStateException("topic " + topic + " does not exist; start the application first");
            }
            found.forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
        }
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
    }

    /** Polls once and counts what arrived; returns how many records that was. */
    int poll(Duration timeout) {
        int n = 0;
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(timeout)) {
            String key = r.key() == null ? NULL_KEY : new String(r.key(), StandardCharsets.UTF_8);
            if (r.topic().equals(tagsTopic)) {
                TagResult tag = Topics.TAG_RESULT.deserializer().deserialize(r.topic(), r.value());
                if (!tag.getId().equals(key)) {
                    keyMismatches.add(key + " carries the tag of " + tag.getId());
                }
                tags.merge(key, 1, Integer::sum);
                newestTaggedAtMs = Math.max(newestTaggedAtMs, tag.getTaggedAt().toEpochMilli());
            } else {
                deadLetters.merge(key, 1, Integer::sum);
            }
            seen.add(key);
            n++;
        }
        return n;
    }

    /** The latest {@code taggedAt} (epoch ms) of the tags read so far; {@link Long#MIN_VALUE} before any. */
    long newestTaggedAtMs() {
        return newestTaggedAtMs;
    }

    /** Whether {@code id} appeared so far, as a tag or a dead letter. */
    boolean seen(String id) {
        return seen.contains(id);
    }

    /** How many different ids appeared so far, tags and dead letters together. */
    int distinctIds() {
        return seen.size();
    }

    /** Compares what was read with the inputs: valid ids belong in tags, invalid ones in dead letters. */
    Report report(Set<String> valid, Set<String> invalid) {
        Set<String> lost = new TreeSet<>();
        Map<String, Integer> duplicated = new TreeMap<>();
        Set<String> misrouted = new TreeSet<>();
        for (String id : valid) {
            check(id, tags, deadLetters, lost, duplicated, misrouted);
        }
        for (String id : invalid) {
            check(id, deadLetters, tags, lost, duplicated, misrouted);
        }
        Set<String> unexpected = new TreeSet<>(seen);
        unexpected.removeAll(valid);
        unexpected.removeAll(invalid);
        return new Report(valid.size() + invalid.size(), lost, duplicated, misrouted, unexpected,
                List.copyOf(keyMismatches));
    }

    private static void check(String id, Map<String, Integer> right, Map<String, Integer> wrong, Set<String> lost,
            Map<String, Integer> duplicated, Set<String> misrouted) {
        int inRight = right.getOrDefault(id, 0);
        int inWrong = wrong.getOrDefault(id, 0);
        if (inRight + inWrong == 0) {
            lost.add(id);
        } else if (inRight + inWrong > 1) {
            duplicated.put(id, inRight + inWrong);
        }
        if (inWrong > 0) {
            misrouted.add(id);
        }
    }

    @Override
    public void close() {
        consumer.close();
    }

    /**
     * The outcome of one run.
     *
     * @param duplicated id to how many times it appeared, for ids seen more than once
     */
    record Report(int inputs, Set<String> lost, Map<String, Integer> duplicated, Set<String> misrouted,
            Set<String> unexpected, List<String> keyMismatches) {

        boolean exactlyOnce() {
            return lost.isEmpty() && duplicated.isEmpty() && misrouted.isEmpty() && unexpected.isEmpty()
                    && keyMismatches.isEmpty();
        }

        /** Surplus records: every appearance of an id beyond its first. */
        int extraRecords() {
            return duplicated.values().stream().mapToInt(n -> n - 1).sum();
        }

        @Override
        public String toString() {
            return inputs + " inputs: " + lost.size() + " lost " + examples(lost) + ", " + duplicated.size()
                    + " duplicated ids (" + extraRecords() + " extra records) " + examples(duplicated.keySet())
                    + ", " + misrouted.size() + " misrouted " + examples(misrouted) + ", " + unexpected.size()
                    + " unexpected " + examples(unexpected) + ", " + keyMismatches.size() + " key mismatches "
                    + examples(keyMismatches);
        }

        private static String examples(Collection<String> ids) {
            return ids.isEmpty() ? "" : ids.stream().limit(EXAMPLES).toList() + (ids.size() > EXAMPLES ? "…" : "");
        }
    }
}
