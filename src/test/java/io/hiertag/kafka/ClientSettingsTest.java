package io.hiertag.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hiertag.config.HiertagConfig;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClientSettingsTest {

    @Test
    void secretsAreTheSettingsKafkaDefinesAsPasswordsBehindAnyStreamsPrefix() {
        for (String key : List.of("sasl.jaas.config", "ssl.keystore.key", "ssl.truststore.certificates",
                "producer.ssl.key.password", "main.consumer.sasl.oauthbearer.client.credentials.client.secret")) {
            assertTrue(ClientSettings.isSecret(key), key);
        }
        for (String key : List.of("security.protocol", "ssl.keystore.location", "producer.linger.ms")) {
            assertFalse(ClientSettings.isSecret(key), key);
        }
        HiertagConfig c = HiertagConfig.builder().set("kafka.ssl.keystore.key", "-----BEGIN PRIVATE KEY-----")
                .build();
        assertEquals("****", c.describe(ClientSettings::isSecret).get("kafka.ssl.keystore.key"));
    }

    @Test
    void settingsNoClientDefinesAreNamedExceptTopicSettings() {
        HiertagConfig c = HiertagConfig.builder().set("kafka.securty.protocol", "SSL")
                .set("kafka.producer.lingr.ms", "5").set("kafka.producer.linger.ms", "5")
                .set("kafka.main.consumer.max.poll.records", "10").set("kafka.sasl.mechanism", "PLAIN")
                .set("kafka.commit.interval.ms", "100").set("kafka.topic.segment.ms", "1000").build();
        assertEquals(List.of("kafka.producer.lingr.ms", "kafka.securty.protocol"), ClientSettings.undefined(c));
    }
}
