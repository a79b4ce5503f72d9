package io.hiertag.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hiertag.config.ConfigException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The metrics and health server without an application: the formats a scraper may ask for, the methods and paths
 * it refuses, and the probes' answers before Kafka Streams exists.
 */
class OpsServerTest {

    @TempDir
    Path dir;

    @Test
    void servesPrometheusTextByDefaultAndTheFormatAskedFor() {
        try (Telemetry t = Telemetry.serve(0, dir)) {
            int port = t.port().orElseThrow();
            HttpResponse<byte[]> text = Scrape.get(port, "/metrics", null);
            assertEquals(200, text.statusCode());
            assertTrue(text.headers().firstValue("Content-Type").orElse("").startsWith("text/plain; version=0.0.4"),
                    text.headers().toString());
            String body = new String(text.body(), StandardCharsets.UTF_8);
            assertTrue(body.contains("\nhiertag_ready 0"), "not ready without Streams");
            assertTrue(body.contains("jvm_memory_used_bytes{"), "the JVM binders");
            HttpResponse<byte[]> open = Scrape.get(port, "/metrics", "application/openmetrics-text; version=1.0.0");
            assertTrue(open.headers().firstValue("Content-Type").orElse("").startsWith("application/openmetrics-text"));
            assertTrue(new String(open.body(), StandardCharsets.UTF_8).endsWith("# EOF\n"));
            Scrape proto = Scrape.of(port);
            assertEquals(0, proto.sum("hiertag_ready"));
            assertTrue(proto.sum("disk_free_bytes") > 0, "free space under data.dir");
        }
    }

    @Test
    void refusesOtherMethodsAndPaths() {
        try (Telemetry t = Telemetry.serve(0, dir)) {
            int port = t.port().orElseThrow();
            HttpResponse<byte[]> post = Scrape.send(port, "/metrics", "POST", null);
            assertEquals(405, post.statusCode());
            assertEquals("GET, HEAD", post.headers().firstValue("Allow").orElse(""));
            assertEquals(404, Scrape.get(port, "/metrics/extra", null).statusCode());
            assertEquals(404, Scrape.get(port, "/", null).statusCode());
            HttpResponse<byte[]> head = Scrape.send(port, "/health/live", "HEAD", null);
            assertEquals(200, head.statusCode());
            assertEquals(0, head.body().length);
        }
    }

    @Test
    void aliveButNotReadyUntilStreamsRuns() {
        try (Telemetry t = Telemetry.serve(0, dir)) {
            int port = t.port().orElseThrow();
            assertEquals(200, Scrape.get(port, "/health/live", null).statusCode());
            assertEquals(503, Scrape.get(port, "/health/ready", null).statusCode());
            t.health().warmedUp();
            HttpResponse<byte[]> ready = Scrape.get(port, "/health/ready", null);
            assertEquals(503, ready.statusCode(), "warm, but Streams has not started");
            assertEquals("{\"status\":\"DOWN\",\"streams\":\"STARTING\",\"warmedUp\":true}\n",
                    new String(ready.body(), StandardCharsets.UTF_8));
        }
    }

    @Test
    void withoutAPortNothingIsServed() {
        try (Telemetry t = Telemetry.none()) {
            assertTrue(t.port().isEmpty());
            t.meters().imageIn();
        }
    }

    @Test
    void aTakenPortStopsTheStartNamingTheSetting() {
        try (Telemetry first = Telemetry.serve(0, dir)) {
            int port = first.port().orElseThrow();
            ConfigException e = assertThrows(ConfigException.class, () -> Telemetry.serve(port, dir));
            assertTrue(e.getMessage().contains("metrics.port") && e.getMessage().contains(Integer.toString(port)),
                    e.getMessage());
        }
    }
}
