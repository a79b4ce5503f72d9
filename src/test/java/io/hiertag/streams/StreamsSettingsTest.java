package io.hiertag.streams;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hiertag.config.HiertagConfig;
import io.hiertag.kafka.EmbeddedKafkaBroker;
import io.hiertag.kafka.TopicAdmin;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.InvalidReplicationFactorException;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StreamsSettingsTest {

    @Test
    void theMainConsumerIsAStaticMemberNamedByTheInstanceId() {
        HiertagConfig config = HiertagConfig.builder().set(HiertagConfig.INSTANCE_ID, "tagger-7").build();
        Properties props = StreamsSettings.of(config, "127.0.0.1:9092", "model@1");
        // Only the main consumer: the restore and global consumers must not join the group.
        assertEquals("tagger-7", props.get(StreamsConfig.mainConsumerPrefix(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG)));
        Map<String, Object> main = new StreamsConfig(props).getMainConsumerConfigs("hiertag", "client", 0);
        assertEquals("tagger-7-0", main.get(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG));
        assertEquals(null, new StreamsConfig(props).getRestoreConsumerConfigs("client")
                .get(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG));
        assertEquals(config.instanceId(), HiertagConfig.defaults().with(Map.of(HiertagConfig.INSTANCE_ID,
                "tagger-7")).instanceId());
    }

    @Test
    void replicationIsLeftToTheBrokerUnlessSet() {
        Properties unset = StreamsSettings.of(HiertagConfig.defaults(), "127.0.0.1:9092", "model@1");
        assertFalse(unset.containsKey(StreamsConfig.REPLICATION_FACTOR_CONFIG), unset.toString());
        assertEquals(-1, new StreamsConfig(unset).getInt(StreamsConfig.REPLICATION_FACTOR_CONFIG));
        assertTrue(TaggingApplication.topicsToCreate(HiertagConfig.defaults()).stream()
                .allMatch(t -> t.replicationFactor() == -1 && t.numPartitions() == 3));

        HiertagConfig three = HiertagConfig.builder().set(HiertagConfig.TOPIC_REPLICATION_FACTOR, "3").build();
        assertEquals(3, new StreamsConfig(StreamsSettings.of(three, "127.0.0.1:9092", "model@1"))
                .getInt(StreamsConfig.REPLICATION_FACTOR_CONFIG));
        assertTrue(TaggingApplication.topicsToCreate(three).stream().allMatch(t -> t.replicationFactor() == 3));
    }

    /** On one broker: unset, the broker's default (1) fits; a factor the broker cannot meet is Kafka's to refuse. */
    @Test
    void aSingleBrokerTakesTheTopicsUnsetAndRefusesAFactorItCannotMeet(@TempDir Path dir) throws Exception {
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(dir, 0);
             Admin admin = TopicAdmin.admin(broker.bootstrapServers(), Map.of())) {
            List<NewTopic> topics = TaggingApplication.topicsToCreate(HiertagConfig.defaults());
            TopicAdmin.ensureTopics(admin, topics, Duration.ofSeconds(60));
            admin.describeTopics(topics.stream().map(NewTopic::name).toList()).allTopicNames().get().values()
                    .forEach(d -> d.partitions().forEach(p -> assertEquals(1, p.replicas().size(), d.toString())));
            HiertagConfig two = HiertagConfig.builder().set(HiertagConfig.TOPIC_PREFIX, "two.")
                    .set(HiertagConfig.TOPIC_REPLICATION_FACTOR, "2").build();
            IllegalStateException refused = assertThrows(IllegalStateException.class, () -> TopicAdmin.ensureTopics(
                    admin, TaggingApplication.topicsToCreate(two), Duration.ofSeconds(60)));
            assertTrue(refused.getCause() instanceof InvalidReplicationFactorException, refused.toString());
        }
    }

    @Test
    void theBatchBufferChangelogIsCompactedInSmallSegmentsThatStillHoldTheLargestRecord() {
        HiertagConfig config = HiertagConfig.defaults();
        Map<String, String> c = StreamsSettings.batchBufferChangelog(config);
        assertEquals(TopicConfig.CLEANUP_POLICY_COMPACT, c.get(TopicConfig.CLEANUP_POLICY_CONFIG));
        // A record batch larger than a segment is refused by the broker (RecordBatchTooLargeException).
        assertEquals(config.maxRecordBytes(), Long.parseLong(c.get(TopicConfig.SEGMENT_BYTES_CONFIG)));
        assertTrue(Long.parseLong(c.get(TopicConfig.SEGMENT_MS_CONFIG)) <= 60_000, c.toString());
        assertTrue(Double.parseDouble(c.get(TopicConfig.MIN_CLEANABLE_DIRTY_RATIO_CONFIG)) < 0.5, c.toString());
        assertEquals(Long.toString(24 * 3600 * 1000L), c.get(TopicConfig.DELETE_RETENTION_MS_CONFIG));

        HiertagConfig small = HiertagConfig.builder().set(HiertagConfig.INPUT_MAX_BYTES, "1000").build();
        assertEquals(small.maxRecordBytes(), Long.parseLong(StreamsSettings.batchBufferChangelog(small)
                .get(TopicConfig.SEGMENT_BYTES_CONFIG)));
        HiertagConfig raised = HiertagConfig.builder().set("kafka.topic.max.message.bytes", "50000000").build();
        assertEquals("50000000", StreamsSettings.batchBufferChangelog(raised).get(TopicConfig.SEGMENT_BYTES_CONFIG));
    }
}
