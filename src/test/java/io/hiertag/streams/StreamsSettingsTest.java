package io.hiertag.streams;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hiertag.config.HiertagConfig;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

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
