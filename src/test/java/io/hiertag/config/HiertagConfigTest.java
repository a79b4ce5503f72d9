package io.hiertag.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hiertag.image.ImageFormat;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HiertagConfigTest {

    @Test
    void defaultsUseTheEmbeddedBrokerAndExactlyOnce() {
        HiertagConfig c = HiertagConfig.defaults();
        assertTrue(c.bootstrapServers().isEmpty());
        assertEquals("exactly_once_v2", c.processingGuarantee());
        assertEquals(32, c.batchSize());
        assertEquals(Duration.ofMillis(200), c.batchMaxDelay());
        assertTrue(c.modelDir().isEmpty());
    }

    @Test
    void everyDecodableFormatIsAcceptedByDefaultAndOnlyThoseCanBeListed() {
        assertEquals(ImageFormat.DECODABLE, HiertagConfig.defaults().inputFormats());
        assertEquals(EnumSet.of(ImageFormat.JPEG, ImageFormat.WEBP),
                HiertagConfig.builder().set("input.formats", "JPEG, webp").build().inputFormats());
        ConfigException heic = assertThrows(ConfigException.class,
                () -> HiertagConfig.builder().set("input.formats", "jpeg,heic").build());
        assertTrue(heic.getMessage().contains("'heic' is not one of jpeg, png, gif, bmp, tiff, webp (HEIC/HEIF cannot "
                + "be decoded)"), heic.getMessage());
    }

    @Test
    void layersOverrideInOrderFileThenEnvironmentThenFlags(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("hiertag.properties");
        Files.writeString(file, "batch.size=8\nbatch.max-delay=1s\ntopic.partitions=6\nkafka.security.protocol=SSL\n");
        HiertagConfig c = HiertagConfig.builder()
                .file(file)
                .environment(Map.of("HIERTAG_BATCH_SIZE", "16", "HIERTAG_KAFKA_SASL_MECHANISM", "PLAIN",
                        "HIERTAG_BATCH_MAX_DELAY", "250ms", "PATH", "/usr/bin"))
                .set("batch.size", "64")
                .build();
        assertEquals(64, c.batchSize());
        assertEquals(Duration.ofMillis(250), c.batchMaxDelay());
        assertEquals(6, c.topicPartitions());
        assertEquals(Map.of("security.protocol", "SSL", "sasl.mechanism", "PLAIN"), c.kafkaOverrides());
    }

    @Test
    void badValuesAndUnknownKeysAreRefusedWithTheSettingNamed() {
        ConfigException typo = assertThrows(ConfigException.class,
                () -> HiertagConfig.builder().set("batch.sise", "8"));
        assertTrue(typo.getMessage().contains("batch.sise"), typo.getMessage());
        ConfigException notNumber = assertThrows(ConfigException.class,
                () -> HiertagConfig.builder().set("batch.size", "lots").build());
        assertTrue(notNumber.getMessage().contains("batch.size='lots'"), notNumber.getMessage());
        assertThrows(ConfigException.class, () -> HiertagConfig.builder().set("batch.size", "0").build());
        assertThrows(ConfigException.class,
                () -> HiertagConfig.builder().set("processing.guarantee", "exactly_once").build());
        assertThrows(ConfigException.class, () -> HiertagConfig.builder().set("batch.max-delay", "soon").build());
        ConfigException host = assertThrows(ConfigException.class,
                () -> HiertagConfig.builder().set("input.uri.allowed-hosts", "img.example, ::1").build());
        assertTrue(host.getMessage().contains("input.uri.allowed-hosts='img.example, ::1'")
                && host.getMessage().contains("'::1' is not host or host:port"), host.getMessage());
        assertThrows(ConfigException.class,
                () -> HiertagConfig.builder().environment(Map.of("HIERTAG_NO_SUCH", "1")));
    }

    @Test
    void theLaunchersVariablesAreNotSettingsButAMisspeltSettingIsRefused() {
        Map<String, String> env = Map.of("HIERTAG_JAVA_OPTS", "-Xmx1g", "HIERTAG_BATCH_SIZE", "8", "HOME", "/root");
        assertEquals(Map.of("HIERTAG_BATCH_SIZE", "batch.size"), HiertagConfig.environmentSettings(env));
        assertEquals(8, HiertagConfig.builder().environment(env).build().batchSize());
        ConfigException typo = assertThrows(ConfigException.class,
                () -> HiertagConfig.builder().environment(Map.of("HIERTAG_JAVA_OPT", "-Xmx1g")));
        assertTrue(typo.getMessage().startsWith("setting HIERTAG_JAVA_OPT='-Xmx1g': unknown environment setting"),
                typo.getMessage());
    }

    /** Each HIERTAG_ variable bin/hiertag reads is a launcher variable, and every launcher variable is read there. */
    @Test
    void theLauncherVariablesAreExactlyThoseTheScriptReads() throws Exception {
        Matcher m = Pattern.compile("\\bHIERTAG_[A-Z0-9_]+").matcher(Files.readString(Path.of("bin", "hiertag")));
        Set<String> read = new TreeSet<>();
        while (m.find()) {
            read.add(m.group());
        }
        assertEquals(new TreeSet<>(HiertagConfig.LAUNCHER_VARIABLES), read);
    }

    @Test
    void durationsAcceptCommonUnits() {
        assertEquals(Duration.ofMillis(1500), HiertagConfig.parseDuration("x", "1.5s"));
        assertEquals(Duration.ofMinutes(2), HiertagConfig.parseDuration("x", "2m"));
        assertEquals(Duration.ofMillis(40), HiertagConfig.parseDuration("x", "40"));
    }

    @Test
    void metricsWindowsDefaultToOneMinuteWithThirtySecondsOfGrace() {
        HiertagConfig c = HiertagConfig.defaults();
        assertEquals(Duration.ofMinutes(1), c.metricsWindow());
        assertEquals(Duration.ofSeconds(30), c.metricsGrace());
        HiertagConfig set = HiertagConfig.builder().set("metrics.window", "5m").set("metrics.grace", "2s").build();
        assertEquals(Duration.ofMinutes(5), set.metricsWindow());
        assertEquals(Duration.ofSeconds(2), set.metricsGrace());
        assertThrows(ConfigException.class, () -> HiertagConfig.builder().set("metrics.grace", "0").build());
    }

    @Test
    void secretsAreMaskedInTheStartupDescription() {
        HiertagConfig c = HiertagConfig.builder().set("kafka.ssl.keystore.password", "hunter2")
                .set("kafka.ssl.keystore.key", "-----BEGIN PRIVATE KEY-----").set("kafka.my.plugin.secret", "s")
                .set("kafka.security.protocol", "SSL").build();
        Map<String, String> byName = c.describe(k -> false);
        assertEquals("****", byName.get("kafka.ssl.keystore.password"));
        assertEquals("****", byName.get("kafka.my.plugin.secret"));
        assertEquals("-----BEGIN PRIVATE KEY-----", byName.get("kafka.ssl.keystore.key"), "no name to tell by");
        Map<String, String> byDefinition = c.describe(k -> k.equals("ssl.keystore.key"));
        assertEquals("****", byDefinition.get("kafka.ssl.keystore.key"));
        assertEquals("SSL", byDefinition.get("kafka.security.protocol"));
    }

    @Test
    void everySettingIsDocumented() throws Exception {
        String doc = Files.readString(Path.of("docs", "configuration.md"));
        for (String key : HiertagConfig.knownKeys().keySet()) {
            assertTrue(doc.contains("| `" + key + "` |"), key + " is missing from docs/configuration.md");
        }
    }
}
