package io.hiertag.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The instance's static group membership id: stable per instance, distinct per data folder, valid for Kafka. */
class InstanceIdTest {

    private static final String KAFKA_ID_CHARS = "[A-Za-z0-9._-]+";

    @Test
    void theDefaultIsStableForOneDataFolderAndDiffersBetweenFolders() {
        HiertagConfig a = HiertagConfig.builder().set(HiertagConfig.DATA_DIR, "/srv/hiertag/a").build();
        HiertagConfig again = HiertagConfig.builder().set(HiertagConfig.DATA_DIR, "/srv/hiertag/./a").build();
        HiertagConfig b = HiertagConfig.builder().set(HiertagConfig.DATA_DIR, "/srv/hiertag/b").build();
        assertEquals(a.instanceId(), again.instanceId());
        assertNotEquals(a.instanceId(), b.instanceId());
        assertTrue(a.instanceId().matches(KAFKA_ID_CHARS + "-[0-9a-f]{8}"), a.instanceId());
    }

    @Test
    void theHostNameIsMadeSafeForKafka() {
        String id = HiertagConfig.derivedInstanceId("tagger 1.example.com/ü", Path.of("/data"));
        assertTrue(id.startsWith("tagger_1.example.com__-"), id);
        assertTrue(id.matches(KAFKA_ID_CHARS), id);
        assertTrue(HiertagConfig.derivedInstanceId("x".repeat(500), Path.of("/data")).length() <= 200);
        assertTrue(HiertagConfig.derivedInstanceId("", Path.of("/data")).startsWith("host-"));
    }

    @Test
    void anExplicitIdIsUsedAsGivenAndABadOneIsRefusedAtStart() {
        assertEquals("tagger-7", HiertagConfig.builder().set(HiertagConfig.INSTANCE_ID, "tagger-7").build()
                .instanceId());
        ConfigException bad = assertThrows(ConfigException.class,
                () -> HiertagConfig.builder().set(HiertagConfig.INSTANCE_ID, "tagger 7").build());
        assertTrue(bad.getMessage().contains("instance.id='tagger 7'"), bad.getMessage());
        assertThrows(ConfigException.class,
                () -> HiertagConfig.builder().set(HiertagConfig.INSTANCE_ID, "x".repeat(201)).build());
        assertEquals("from-env", HiertagConfig.builder().environment(java.util.Map.of("HIERTAG_INSTANCE_ID",
                "from-env")).build().instanceId());
    }
}
